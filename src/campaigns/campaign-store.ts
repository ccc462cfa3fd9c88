// Campaigns in Redis and in the engine's memory. The definition lives under {meta}; the live counters
// (stock, budget, wins, stats) live in every shard, where the scan script reads them. Engines learn of
// campaigns created elsewhere through a pub/sub message, so the hot path reads only memory.
import { randomBytes } from 'node:crypto';
import { conflict, notFound } from '../errors.js';
import { ALL_SHARDS, keys, shareOf } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { Batch } from '../batches/batch.js';
import { phaseOf, type Campaign, type CampaignPhase, type Prize } from './campaign.js';
import type { CampaignPatch } from './campaign-patch.js';
import { runPatchCampaign } from './patch-campaign-script.js';
import { EventIds } from '../scan/event-ids.js';
import { buildAudienceDraw, type AudienceDraw } from './draw-table.js';
import { CampaignDay } from './campaign-day.js';
import { statsField } from '../aggregates/campaign-figures.js';
import { pointsMultipliers } from './points-boost.js';
import { releasedBy } from './pacing.js';
import { leaderboard, type BoardRow } from './leaderboard.js';

export interface CompiledCampaign {
  readonly def: Campaign;
  readonly consumer: AudienceDraw;
  readonly shop: AudienceDraw;
  readonly clerk: AudienceDraw;
  readonly day: CampaignDay;
  /** prize id -> JSON of the prize up to its amount: `{"id":…,"name":…,"kind":…,"amount":` */
  readonly prizeJsonHead: ReadonlyMap<string, string>;
  /** pointsBoost per member level 0..9, or null when every level gets the plain amount */
  readonly pointsMultipliers: readonly number[] | null;
  /** prizes with a guaranteed release, per audience (a scan may win one whatever it drew) */
  readonly guaranteed: { readonly consumer: readonly Prize[]; readonly shop: readonly Prize[] };
  /** the start (ms) of the calendar day, in the campaign's time zone, that startsAt falls in */
  readonly firstDayStart: number;
}

export function compileCampaign(def: Campaign): CompiledCampaign {
  const multipliers = pointsMultipliers(def.pointsBoost);
  const prizeJsonHead = new Map<string, string>();
  for (const p of def.prizes) {
    prizeJsonHead.set(p.id, `{"id":${JSON.stringify(p.id)},"name":${JSON.stringify(p.name)},"kind":"${p.kind}","amount":`);
  }
  return {
    def,
    consumer: buildAudienceDraw(def, 'consumer'),
    shop: buildAudienceDraw(def, 'shop'),
    clerk: buildAudienceDraw(def, 'clerk'),
    day: new CampaignDay(def.timezone),
    prizeJsonHead,
    pointsMultipliers: multipliers.every((m) => m === 1) ? null : multipliers,
    guaranteed: {
      consumer: def.prizes.filter((p) => p.guaranteed === true && p.for === 'consumer'),
      shop: def.prizes.filter((p) => p.guaranteed === true && p.for === 'shop'),
    },
    firstDayStart: new CampaignDay(def.timezone).bounds(def.startsAtMs).start,
  };
}

function scopesOverlap(a: Campaign, b: Campaign, batchSku: (id: number) => string | undefined): boolean {
  if (a.startsAtMs >= b.endsAtMs || b.startsAtMs >= a.endsAtMs) return false;
  const skusB = new Set(b.scope.skus);
  if (a.scope.skus.some((s) => skusB.has(s))) return true;
  const idsB = new Set(b.scope.batchIds);
  if (a.scope.batchIds.some((id) => idsB.has(id))) return true;
  const skusA = new Set(a.scope.skus);
  if (b.scope.batchIds.some((id) => skusA.has(batchSku(id) ?? ''))) return true;
  return a.scope.batchIds.some((id) => skusB.has(batchSku(id) ?? ''));
}

/** who made a change: the credential's id and the name its owner gave it */
export interface Who {
  id: string;
  name: string;
}

/** a creation's event changes no live state */
const NO_CHANGE: CampaignPatch = { state: null, endsAt: null, prizes: [], definition: null, fields: [] };

export interface PrizeLive {
  stockLeft: number | null;
  budgetLeft: number | null;
  wonToday: number;
  won: number;
  /** stock and budget added by PATCH top-ups, in total */
  toppedUp: { stock: number; budget: number };
  /** a paced prize's units released by now (null: not paced) */
  released?: number | null;
  /** of those, the units released today (the campaign zone's day) */
  releasedToday?: number;
}

export interface CampaignListItem {
  id: string;
  name: string;
  state: CampaignPhase;
  startsAt: string;
  endsAt: string;
  timezone: string;
  scope: Campaign['scope'];
}

export class CampaignStore {
  readonly #byId = new Map<string, CompiledCampaign>();
  readonly #bySku = new Map<string, CompiledCampaign[]>();
  readonly #byBatch = new Map<number, CompiledCampaign[]>();

  constructor(private readonly redis: RedisClient, private readonly now: () => number) {}

  /** the Redis the campaigns live in: reports that read the win records use it too */
  get redisClient(): RedisClient {
    return this.redis;
  }

  #seenVersion: string | null = null;
  /** told when a campaign's stock or budget may have grown (a top-up here, or announced by another engine) */
  readonly #toppedUp: ((id: string) => void)[] = [];

  onTopUp(listener: (id: string) => void): void {
    this.#toppedUp.push(listener);
  }
  /** the definition JSON each compiled campaign was built from: a changed one is compiled again */
  readonly #raw = new Map<string, string>();
  readonly #ids = new EventIds();

  async loadAll(): Promise<void> {
    // the version is read first: a campaign created or changed in between makes the next check read again
    this.#seenVersion = await this.redis.get(keys.campaignVersion);
    const all = await this.redis.hgetall(keys.campaignDefs);
    for (const [id, raw] of Object.entries(all)) this.#rememberRaw(id, raw);
  }

  /** Re-reads the definitions only when a campaign was created or changed since the last read (one GET otherwise). */
  async loadIfChanged(): Promise<void> {
    if ((await this.redis.get(keys.campaignVersion)) !== this.#seenVersion) await this.loadAll();
  }

  /** Called when an engine announces a created or changed campaign (or topped one up). */
  async refresh(id: string): Promise<void> {
    for (const l of this.#toppedUp) l(id);
    const raw = await this.redis.hget(keys.campaignDefs, id);
    if (raw !== null) this.#rememberRaw(id, raw);
  }

  #rememberRaw(id: string, raw: string): void {
    if (this.#raw.get(id) === raw) return;
    this.#raw.set(id, raw);
    this.#remember(compileCampaign(JSON.parse(raw) as Campaign));
  }

  /** Adds or replaces a campaign in the indexes the hot path reads. */
  #remember(c: CompiledCampaign): void {
    const old = this.#byId.get(c.def.id);
    const swap = (list: CompiledCampaign[] | undefined): CompiledCampaign[] => [...(list ?? []).filter((x) => x !== old), c];
    this.#byId.set(c.def.id, c);
    if (old) {
      for (const sku of old.def.scope.skus) this.#bySku.set(sku, (this.#bySku.get(sku) ?? []).filter((x) => x !== old));
      for (const id of old.def.scope.batchIds) this.#byBatch.set(id, (this.#byBatch.get(id) ?? []).filter((x) => x !== old));
    }
    for (const sku of c.def.scope.skus) this.#bySku.set(sku, swap(this.#bySku.get(sku)));
    for (const id of c.def.scope.batchIds) this.#byBatch.set(id, swap(this.#byBatch.get(id)));
  }

  /** Campaigns for the console and GET /v1/campaigns, newest first, optionally of one state. */
  list(state: CampaignPhase | 'all'): CampaignListItem[] {
    const now = this.now();
    const out: CampaignListItem[] = [];
    for (const { def } of this.#byId.values()) {
      const phase = phaseOf(def, now);
      if (state !== 'all' && phase !== state) continue;
      out.push({ id: def.id, name: def.name, state: phase, startsAt: def.startsAt, endsAt: def.endsAt, timezone: def.timezone, scope: def.scope });
    }
    return out.sort((a, b) => (a.startsAt < b.startsAt ? 1 : a.startsAt > b.startsAt ? -1 : a.id.localeCompare(b.id)));
  }

  all(): IterableIterator<CompiledCampaign> {
    return this.#byId.values();
  }

  get(id: string): CompiledCampaign | undefined {
    return this.#byId.get(id);
  }

  /** The live campaign that covers a batch at `now`, if any. Live scopes never overlap. */
  /** A paused campaign still covers its codes: the scan script answers campaign_paused; an ended one does not. */
  coverFor(batch: Batch, now: number): CompiledCampaign | null {
    const byBatch = this.#byBatch.get(batch.batchId);
    // a draft covers nothing until it is published
    if (byBatch) for (const c of byBatch) if (now >= c.def.startsAtMs && now < c.def.endsAtMs && c.def.state !== 'ended' && c.def.state !== 'draft') return c;
    const bySku = this.#bySku.get(batch.sku);
    if (bySku) for (const c of bySku) if (now >= c.def.startsAtMs && now < c.def.endsAtMs && c.def.state !== 'ended' && c.def.state !== 'draft') return c;
    return null;
  }

  /**
   * The campaign whose brand a page about this batch shows: the one covering it now, else the latest
   * published one that names it (ended or scheduled), else none. Not on the scan path.
   */
  brandFor(batch: Batch, now: number): CompiledCampaign | null {
    const cover = this.coverFor(batch, now);
    if (cover) return cover;
    const named = [...(this.#byBatch.get(batch.batchId) ?? []), ...(this.#bySku.get(batch.sku) ?? [])].filter((c) => c.def.state !== 'draft');
    return named.sort((a, b) => b.def.startsAtMs - a.def.startsAtMs)[0] ?? null;
  }

  /** A campaign covering the batch whose start or end lies within `ms` of `now` (not live at `now`). */
  nearEdge(batch: Batch, now: number, ms: number): CompiledCampaign | null {
    const near = (c: CompiledCampaign): boolean => c.def.state !== 'draft' && (Math.abs(now - c.def.startsAtMs) <= ms || Math.abs(now - c.def.endsAtMs) <= ms);
    for (const c of this.#byBatch.get(batch.batchId) ?? []) if (near(c)) return c;
    for (const c of this.#bySku.get(batch.sku) ?? []) if (near(c)) return c;
    return null;
  }

  /** One creation or change of scope/time at a time, so two overlapping campaigns cannot both pass the overlap check. */
  async #locked<T>(work: () => Promise<T>): Promise<T> {
    const lock = `${keys.campaignDefs}:lock`;
    const token = `${process.pid}:${this.now()}:${Math.random()}`;
    for (let i = 0; ; i++) {
      if ((await this.redis.set(lock, token, 'PX', 10_000, 'NX')) === 'OK') break;
      if (i > 100) throw conflict('another campaign is being created or changed; try again');
      await new Promise((r) => setTimeout(r, 50));
    }
    try {
      return await work();
    } finally {
      const held = await this.redis.get(lock);
      if (held === token) await this.redis.del(lock);
    }
  }

  async #checkNoOverlap(def: Campaign, batchSku: (id: number) => Promise<string | undefined>): Promise<void> {
    const skus = new Map<number, string | undefined>();
    for (const c of this.#byId.values()) {
      if (c.def.id === def.id || c.def.endsAtMs <= this.now() || c.def.state === 'ended' || c.def.state === 'draft') continue;
      for (const id of [...c.def.scope.batchIds, ...def.scope.batchIds]) if (!skus.has(id)) skus.set(id, await batchSku(id));
      if (scopesOverlap(def, c.def, (id) => skus.get(id))) throw conflict(`scope overlaps live campaign ${c.def.id}`);
    }
  }

  async create(def: Campaign, batchSku: (id: number) => Promise<string | undefined>, who: Who): Promise<CompiledCampaign> {
    return this.#locked(async () => {
      await this.loadAll();
      if (this.#byId.has(def.id)) throw conflict(`campaign ${def.id} exists`);
      // a draft covers no code: its scope is checked when it is published
      if (def.state !== 'draft') await this.#checkNoOverlap(def, batchSku);
      // the seed of the guaranteed release moments: unknown outside Redis, so nobody can time a scan to
      // them; one for every shard, whose parts of the released units must add up
      await this.#fillBuckets(def, randomBytes(16).toString('hex'));
      const created = await this.#publish(def);
      // the creation is an event like every change (the change log reads them); a live campaign is
      // published now: it covers codes from this moment (or its start, if later)
      const live = def.state !== 'draft';
      await this.#recordChange(def.id, NO_CHANGE, who, live ? { created: true, state: 'live', published: true } : { created: true, state: 'draft' });
      return created;
    });
  }

  /**
   * Each shard's bucket holds its part of the stock and budget: the parts sum to the totals. A draft's
   * buckets are filled too (nothing can be won from them) so that the audit finds every campaign's units,
   * and filled again from scratch when a draft's prizes change.
   */
  async #fillBuckets(def: Campaign, seed: string): Promise<void> {
    for (const [i, t] of ALL_SHARDS.entries()) {
      const init: string[] = [];
      for (const p of def.prizes) {
        if (p.stock !== null) init.push(`s:${p.id}`, String(shareOf(p.stock, i, ALL_SHARDS.length)));
        if (p.budget !== null) init.push(`b:${p.id}`, String(shareOf(p.budget, i, ALL_SHARDS.length)));
      }
      init.push('seed', seed);
      await this.redis.hset(keys.campaignState(t, def.id), ...init);
    }
  }

  /** A draft's edit (any field) or its publication (the scope overlap is checked then), with its event. */
  async #patchDraft(id: string, patch: CampaignPatch, who: Who, batchSku: (id: number) => Promise<string | undefined>): Promise<CompiledCampaign> {
    return this.#locked(async () => {
      await this.loadAll();
      const c = this.#byId.get(id);
      if (!c) throw notFound(`campaign ${id}`);
      if (c.def.state !== 'draft') throw conflict(`campaign ${id} is no longer a draft`);
      const next: Campaign = { ...(patch.definition ?? c.def) };
      if (patch.state === 'live') {
        delete next.state;
        await this.#checkNoOverlap(next, batchSku);
      }
      if (JSON.stringify(next.prizes) !== JSON.stringify(c.def.prizes)) {
        const seed = (await this.redis.hget(keys.campaignState(ALL_SHARDS[0] as string, id), 'seed')) ?? randomBytes(16).toString('hex');
        for (const t of ALL_SHARDS) await this.redis.del(keys.campaignState(t, id));
        await this.#fillBuckets(next, seed);
      }
      const change: Record<string, unknown> = {};
      // `published`: the moment the campaign began to cover codes (the audit's window starts there)
      if (patch.state === 'live') Object.assign(change, { state: 'live', published: true });
      if (patch.fields.length > 0) change.fields = patch.fields;
      await this.#recordChange(id, { state: patch.state, endsAt: null, prizes: [], definition: null, fields: [] }, who, change);
      return this.#publish(next);
    });
  }

  /** The change's event, with the live state, in one script call on the first shard; the state on the others. */
  async #recordChange(id: string, patch: CampaignPatch, who: Who, change: Record<string, unknown>): Promise<void> {
    const now = this.now();
    const event = JSON.stringify({ id: this.#ids.next(now), type: 'campaign', at: new Date(now).toISOString(), campaignId: id, who: who.id, whoName: who.name, change });
    const [first, ...others] = ALL_SHARDS as [string, ...string[]];
    // the event and the top-ups go to one shard (stock lives whole in one shard today); state and end to every shard
    if ((await runPatchCampaign(this.redis, first, id, patch, event)) === 'ended') throw conflict(`campaign ${id} has ended`);
    for (const t of others) {
      if (patch.state !== null) await this.redis.hset(keys.campaignState(t, id), 'state', patch.state);
      if (patch.endsAt !== null) await this.redis.hset(keys.campaignState(t, id), 'end', String(patch.endsAt.ms));
    }
  }

  /** Stores a new or changed definition and tells every engine (they re-read it within a second). */
  async #publish(def: Campaign): Promise<CompiledCampaign> {
    const raw = JSON.stringify(def);
    await this.redis.hset(keys.campaignDefs, def.id, raw);
    await this.redis.incr(keys.campaignVersion);
    this.#rememberRaw(def.id, raw);
    await this.redis.publish(keys.definitionsChannel, `campaign:${def.id}`);
    return this.#byId.get(def.id) as CompiledCampaign;
  }

  /**
   * Applies an operator's change: the live state and top-ups with their event in one script call,
   * then the definition under {meta} that the engines' caches follow. A later end is checked for
   * overlap under the creation lock.
   */
  async patch(id: string, patch: CampaignPatch, who: Who, batchSku: (id: number) => Promise<string | undefined>): Promise<CompiledCampaign> {
    if (this.#byId.get(id)?.def.state === 'draft') return this.#patchDraft(id, patch, who, batchSku);
    const apply = async (): Promise<CompiledCampaign> => {
      // a later end is checked against every campaign, as creation is: read them all first
      if (patch.endsAt !== null) await this.loadAll();
      else await this.refresh(id);
      const c = this.#byId.get(id);
      if (!c) throw notFound(`campaign ${id}`);
      if (c.def.state === 'ended') throw conflict(`campaign ${id} has ended`);
      if (c.def.state === 'draft') throw conflict(`campaign ${id} is a draft: try again`);
      // the page's look (page, theme, animation) comes as a whole new definition; the draw is unchanged
      const next: Campaign = { ...(patch.definition ?? c.def) };
      if (patch.state !== null) next.state = patch.state;
      if (patch.endsAt !== null) {
        next.endsAt = patch.endsAt.text;
        next.endsAtMs = patch.endsAt.ms;
        await this.#checkNoOverlap(next, batchSku);
      }
      const change: Record<string, unknown> = {};
      if (patch.state !== null) change.state = patch.state;
      if (patch.endsAt !== null) change.endsAt = patch.endsAt.text;
      if (patch.prizes.length > 0) change.prizes = patch.prizes;
      if (patch.fields.length > 0) change.fields = patch.fields;
      await this.#recordChange(id, patch, who, change);
      const redefined = patch.state !== null || patch.endsAt !== null || patch.definition !== null;
      if (patch.prizes.length > 0) {
        // units that a scan elsewhere may have been told are out: every engine hears of them now
        for (const l of this.#toppedUp) l(id);
        if (!redefined) await this.redis.publish(keys.definitionsChannel, `campaign:${id}`);
      }
      if (!redefined) return c;
      return this.#publish(next);
    };
    return patch.endsAt !== null ? this.#locked(apply) : apply();
  }

  async require(id: string): Promise<CompiledCampaign> {
    await this.refresh(id);
    const c = this.#byId.get(id);
    if (!c) throw notFound(`campaign ${id}`);
    return c;
  }

  /**
   * Stock and budget left as the scan script keeps them; wins as the persist steps count them from the
   * stored events (they lag the answers by one persist step, see src/aggregates/campaign-figures.ts).
   * A Map per prize id, so that no prize id can name a property of Object.prototype.
   */
  async live(c: CompiledCampaign): Promise<Map<string, PrizeLive>> {
    const d = c.day.dayOf(this.now());
    const day = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`;
    const out = new Map<string, PrizeLive>();
    for (const p of c.def.prizes) out.set(p.id, { stockLeft: p.stock === null ? null : 0, budgetLeft: p.budget === null ? null : 0, wonToday: 0, won: 0, toppedUp: { stock: 0, budget: 0 } });
    let seed = '';
    for (const t of ALL_SHARDS) {
      const [state, stats] = await Promise.all([this.redis.hgetall(keys.campaignState(t, c.def.id)), this.redis.hgetall(keys.campaignStats(t, c.def.id))]);
      seed ||= state.seed ?? '';
      for (const p of c.def.prizes) {
        const l = out.get(p.id) as PrizeLive;
        if (l.stockLeft !== null) l.stockLeft += Number(state[`s:${p.id}`] ?? 0);
        if (l.budgetLeft !== null) l.budgetLeft += Number(state[`b:${p.id}`] ?? 0);
        l.won += Number(stats[statsField.won(p.id)] ?? 0);
        l.wonToday += Number(stats[statsField.wonOn(p.id, day)] ?? 0);
        l.toppedUp.stock += Number(state[`ts:${p.id}`] ?? 0);
        l.toppedUp.budget += Number(state[`tb:${p.id}`] ?? 0);
      }
    }
    const now = this.now();
    const paced = { startsAtMs: c.def.startsAtMs, day: c.day, firstDayStart: c.firstDayStart };
    // released before today (the campaign zone's day) began: the rest is today's release
    const beforeToday = c.day.bounds(now).start - 1;
    for (const p of c.def.prizes) {
      if (!p.release) continue;
      const l = out.get(p.id) as PrizeLive;
      l.released = releasedBy(now, p, paced, seed);
      l.releasedToday = (l.released ?? 0) - (beforeToday < c.def.startsAtMs ? 0 : (releasedBy(beforeToday, p, paced, seed) ?? 0));
    }
    return out;
  }

  async stats(c: CompiledCampaign): Promise<Record<string, unknown>> {
    // Maps, turned into objects with Object.fromEntries (own properties even for "__proto__")
    const outcomes = new Map<string, number>();
    const reasons = new Map<string, number>();
    let scans = 0;
    let diverted = 0;
    for (const t of ALL_SHARDS) {
      const h = await this.redis.hgetall(keys.campaignStats(t, c.def.id));
      for (const [k, v] of Object.entries(h)) {
        const n = Number(v);
        if (k === 'diverted') diverted += n;
        else if (k.startsWith('o:')) {
          scans += n;
          const [outcome, reason] = k.slice(2).split(':') as [string, string | undefined];
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + n);
          if (reason !== undefined) reasons.set(reason, (reasons.get(reason) ?? 0) + n);
        }
      }
    }
    const live = await this.live(c);
    const prizes = new Map<string, { won: number; stockLeft: number | null; budgetLeft: number | null }>();
    for (const p of c.def.prizes) {
      const l = live.get(p.id) as PrizeLive;
      prizes.set(p.id, { won: l.won, stockLeft: l.stockLeft, budgetLeft: l.budgetLeft });
    }
    return { campaignId: c.def.id, scans, outcomes: Object.fromEntries(outcomes), reasons: Object.fromEntries(reasons), prizes: Object.fromEntries(prizes), diverted };
  }

  /** Shops or clerks by first scans, ties to who got there first (merged over shards: see leaderboard.ts). */
  async leaderboard(c: CompiledCampaign, by: 'shop' | 'clerk', limit: number): Promise<BoardRow[]> {
    return leaderboard(this.redis, c.def.id, by, limit);
  }
}

export type { Prize };
