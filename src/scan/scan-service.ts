// The scan hot path: decode and MAC-check the code in process (a forged code never reaches Redis),
// choose the campaign and draw the random integer in memory, then one script call (shared with the
// other scans of the same event-loop turn, see ScanBatcher) decides the rest atomically, on the shared
// clock. scan-answer.ts writes the answer.
import { randomInt } from 'node:crypto';
import { ApiError, badRequest, invalidCode, unavailable } from '../errors.js';
import { canonicalCode, type CodeCodec } from '../codes/code-codec.js';
import { parseScanInput } from '../codes/scan-input.js';
import type { BatchStore } from '../batches/batch-store.js';
import type { Batch } from '../batches/batch.js';
import type { CampaignStore } from '../campaigns/campaign-store.js';
import type { CompiledCampaign } from '../campaigns/compiled-campaign.js';
import type { Prize } from '../campaigns/campaign.js';
import { LEVELS, PPM, pick, type AudienceDraw } from '../campaigns/draw-table.js';
import { ALL_SHARDS, shardTag, type ShardTag } from '../redis/keys.js';
import type { LuaScript, RedisClient } from '../redis/scripts.js';
import { scanEventHead } from '../events/event-format.js';
import { ScanBatcher } from './scan-batcher.js';
import { campaignStatic, clerkWon, withSet, type CampaignBelief, type CampaignStatic, type CardSetSpec, type ChosenPrize, type ScanArgs, type ScanReply } from './scan-script-call.js';
import { scanAnswer } from './scan-answer.js';
import { EventIds } from './event-ids.js';
import { IsoTime } from './iso-time.js';
import type { RedisFaults } from './redis-faults.js';
import type { VoucherCodec } from '../codes/voucher-codec.js';
import { HomeLimits, type HeldLimits } from './home-limits.js';
import { parsePrizeRef } from './code-record.js';
import { BoxCopies } from './box-copies.js';
import { mayHaveRun, verdictOfLostReply } from './lost-reply.js';
import { placeLimit } from './limit-placement.js';
import { releasedBy } from '../campaigns/pacing.js';
import type { LimitsBatcher } from './limits-batcher.js';
import { mayPullAgain } from '../buckets/pull-bounds.js';
import { ReleaseSeeds } from '../campaigns/release-seeds.js';

/** What a shard's bucket ran short of (lua/scanCodes-1.lua `short`): s stock, b budget, d the day's cap, p released units. */
export type ShortKind = 's' | 'b' | 'd' | 'p';

/** Moves units of a campaign's buckets into a shard from the others (src/buckets); the units moved, 0 when no shard had any. */
export interface UnitPuller {
  pull(req: { campaignId: string; prize: string; kind: 'stock' | 'budget' | 'daily' | 'paced'; day?: string; dailyCap?: number; released?: number; at?: number }, target: ShardTag, need: number): Promise<number>;
}

/**
 * 集卡 outside the scan's own call (src/sets): with several shards a won card is counted on the user's home
 * shard; with one, the set a scan completed is read back when its lost reply was rebuilt. The set the card
 * completed ('' none, as the scan script's reply writes it), or null to keep the reply's own.
 */
export interface WonCards {
  setOf(campaign: CompiledCampaign, user: string, scanEventId: string, prizeId: string, rebuilt: boolean): Promise<string | null>;
}

export interface ScanRequest {
  code: string;
  user: string;
  lat: number | null;
  lng: number | null;
  shop: string | null;
  clerk: string | null;
  device: string | null;
  ip: string;
}

export interface ScanResult {
  /** the JSON answer */
  body: string;
  outcome: string;
  reason: string;
}

const NO_PRIZE_MAP = '0'.repeat(LEVELS);
const FIRST_PRIZE_MAP = '1'.repeat(LEVELS);
const LEVEL_CHARS = '0123456789';
/** geofence radius around the shop that opened a box, for items whose batch has no region, when the box batch names none */
export const SHOP_RADIUS_KM = 50;
/**
 * A campaign whose start or end is this close to the engine's estimate of the shared clock is named in
 * the call even when the engine believes it is not live: the script then tells (`stale`) if it is.
 * It covers the script's tolerance (the estimate 1 s ahead of its clock, or 2.5 s behind: past that
 * the script answers `stale` for the whole call).
 */
const EDGE_MS = 3_000;
/** a scan answered `stale` is sent again with the script's time, at most this often */
const MAX_ATTEMPTS = 3;
/** after a pull found no unit anywhere, scans drawing that prize skip `short` this long (the stock is out) */
const EXHAUSTED_MS = 1_000;
/** released units of a paced prize are moved as counted this long before the engine's estimate of the shared clock */
const PACED_MARGIN_MS = 2_000;

/** What a campaign looks like to the scan script in one shard, and where its prizes sit in the specs. */
interface CampaignInShard {
  readonly static: CampaignStatic;
  readonly specOf: ReadonlyMap<string, number>;
  /** the campaign id as JSON, for the answer */
  readonly idJson: string;
}

export class ScanService {
  readonly #ids = new EventIds();
  readonly #iso = new IsoTime();
  /** JSON pieces that depend only on the batch, built once per batch rather than once per scan */
  readonly #batchJson = new Map<number, { skuKind: string; codeTail: string }>();
  /** per compiled campaign (a changed definition is a new object) and shard */
  readonly #inShard = new WeakMap<CompiledCampaign, Map<ShardTag, CampaignInShard>>();
  readonly #batcher: ScanBatcher;
  readonly #boxCopies: BoxCopies;
  readonly #limits: HomeLimits;
  /** campaign|prize|kind|day -> until when a pull is pointless */
  readonly #exhausted = new Map<string, { until: number; released: number | null }>();
  readonly #seeds: ReleaseSeeds;

  constructor(
    private readonly redis: RedisClient,
    script: LuaScript,
    private readonly codec: CodeCodec,
    private readonly batches: BatchStore,
    private readonly campaigns: CampaignStore,
    /** the engine's estimate of the shared clock (now) and of Redis' time without its shift (realNow) */
    clock: { now(): number; realNow(): number; heard(sharedNow: number): void },
    /** how long after it is sent a call may still be decided (then the client's timeout answers 503) */
    deadlineMs: number,
    private readonly faults: RedisFaults,
    private readonly vouchers: VoucherCodec,
    limitsBatcher: LimitsBatcher,
    private readonly puller: UnitPuller | null,
    private readonly cards: WonCards | null = null,
  ) {
    this.#batcher = new ScanBatcher(redis, script, () => clock.realNow() + deadlineMs, clock.now);
    this.#boxCopies = new BoxCopies(redis, (err) => this.faults.failed(err));
    this.#limits = new HomeLimits(limitsBatcher);
    this.#seeds = new ReleaseSeeds(redis);
    // a top-up makes units appear: a prize remembered as out may be won again at once
    campaigns.onTopUp((id) => {
      for (const key of this.#exhausted.keys()) if (key.startsWith(`${id}|`)) this.#exhausted.delete(key);
    });
    this.#now = clock.now;
    this.#heard = (t) => clock.heard(t);
  }

  readonly #now: () => number;
  readonly #heard: (sharedNow: number) => void;

  /** scanCodes calls sent so far */
  get scriptCalls(): number {
    return this.#batcher.calls;
  }

  async scan(req: ScanRequest): Promise<ScanResult> {
    const input = parseScanInput(req.code);
    if (input === null) throw invalidCode();
    const decoded = this.codec.decode(input.code);
    if (decoded === null) throw invalidCode();
    const { batchId, serial } = decoded;
    const batch = this.batches.cached(batchId) ?? (await this.#loadBatch(batchId));
    if (batch === null || serial >= batch.size) throw invalidCode();
    if (input.gtin !== null && input.gtin !== batch.sku) throw invalidCode();
    const isBox = batch.kind === 'box';
    if (isBox && req.shop === null) throw badRequest('shop', 'is required to open a box code');

    const code = canonicalCode(input.code);
    const tag = shardTag(batchId, serial);
    const batchJson = this.#batchJsonOf(batch);
    let t = this.#now();
    for (let attempt = 1; ; attempt++) {
      const eventId = this.#ids.forCode(t, batchId, serial);
      const belief = this.#believe(batch, tag, t);
      const campaign = belief?.live ? belief.compiled : null;
      const r = randomInt(PPM);
      const clerkDraw = campaign !== null && !isBox && req.clerk !== null && campaign.clerk.prizes.length > 0;
      const clerkR = clerkDraw ? randomInt(PPM) : -1;
      const head = scanEventHead({
        id: eventId, code, batchId, serial, skuKind: batchJson.skuKind, user: req.user,
        campaignId: campaign ? campaign.def.id : null, lat: req.lat, lng: req.lng, clerk: req.clerk,
        device: req.device, ip: req.ip, random: r, clerkRandom: clerkR < 0 ? null : clerkR,
      });
      let levelMap = NO_PRIZE_MAP;
      let clerkChoice = 0;
      const chosen: ChosenPrize[] = [];
      if (campaign && belief) {
        levelMap = this.#draw(campaign, belief.inShard, isBox ? campaign.shop : campaign.consumer, r, eventId, chosen);
        if (clerkR >= 0) {
          const idx = pick(campaign.clerk.tables[campaign.clerk.tableOfLevel[0]!]!, clerkR);
          if (idx >= 0) {
            const p = campaign.clerk.prizes[idx]!;
            chosen.push(this.#chosen(campaign, belief.inShard, p, this.#amountOf(p), `${eventId}-clerk`));
            clerkChoice = chosen.length;
          }
        }
        // a guaranteed prize may go to this scan whatever it drew, when a released unit is pending
        for (const p of isBox ? campaign.guaranteed.shop : campaign.guaranteed.consumer) chosen.push(this.#chosen(campaign, belief.inShard, p, this.#amountOf(p), eventId));
        // 集卡: the prize of each set a drawn card belongs to, which the card may complete (its voucher its own)
        if (belief.inShard.static.sets !== null) this.#setPrizes(campaign, belief.inShard, clerkChoice, eventId, chosen);
      }
      const boxed = batch.boxedBy;
      let held: HeldLimits | null = null;
      let decided;
      let sent = false;
      let rebuilt = false;
      try {
        // one shard: every limit is the code's shard's, no promise to wait for
        held = campaign && belief && ALL_SHARDS.length > 1 ? await this.#limits.hold({ campaign, day: belief.call.day, user: req.user, ip: req.ip, clerk: req.clerk, codeShard: tag, levelMap, clerkChoice, chosen }) : null;
        const args: ScanArgs = {
          batchId, serial, user: req.user, eventId, head,
          campaign: belief ? belief.call : null,
          kind: batch.kind, shop: req.shop ?? '', clerk: req.clerk ?? '', lat: req.lat, lng: req.lng,
          region: batch.region ?? null,
          box: !isBox && boxed ? `${boxed.batchId}:${Math.floor(serial / boxed.perBox)}` : '',
          boxKm: boxed ? (boxed.radiusKm ?? SHOP_RADIUS_KM) : 0,
          ip: req.ip, levelMap, clerkChoice,
          pre: held?.pre ?? '',
          short: campaign !== null && ALL_SHARDS.length > 1 && this.puller !== null ? this.#shortFlags(campaign, chosen, clerkChoice, belief?.call.day ?? '') : '',
          chosen,
        };
        sent = true;
        decided = args.short !== '' ? await this.#decide(tag, campaign, belief?.call.day ?? '', args) : await this.#batcher.run(tag, args);
      } catch (err) {
        // a call whose reply was lost may have run: the code's record says (src/scan/lost-reply.ts)
        const verdict = sent && mayHaveRun(err) ? await verdictOfLostReply(this.redis, {
          batchId, serial, eventId, user: req.user,
          prizes: campaign ? chosen.filter((_, i) => i + 1 !== clerkChoice).map((c) => ({ id: campaign.def.prizes[c.spec - 1]!.id, amount: c.amount, json: c.json })) : [],
        }) : null;
        if (verdict?.kind !== 'ran') {
          if (held !== null) await held.releaseAll();
          const why = this.faults.failed(err);
          throw unavailable(verdict?.kind === 'unknown' ? `${why}; whether the scan was decided could not be checked: send it again (a repeat by the same user names the first scan)` : why);
        }
        decided = verdict.decided;
        rebuilt = true;
      }
      this.faults.recovered();
      const { reply, now } = decided;
      const outcome = reply[0];
      // what a home shard held for the scan: all of it back when nothing happened, the unused part otherwise
      if (held !== null && (outcome === 'stale' || outcome === 'expired' || outcome === 'error')) await held.releaseAll();
      else if (held !== null) await held.settle(outcome === 'won' ? this.#wonPrize(campaign, chosen, reply[5]) : null, clerkWon(reply[9]));
      if (outcome === 'stale' && attempt < MAX_ATTEMPTS) {
        // the engine's estimate put the scan on the wrong side of a campaign's or a day's edge, or was
        // off altogether (the clock's shift moved): again, at the time the script saw
        this.#heard(now);
        t = now;
        continue;
      }
      if (outcome === 'stale') throw unavailable('the campaign changed while the scan was decided; retry');
      if (outcome === 'expired') throw unavailable('redis reached the scan after its deadline; nothing was done');
      if (outcome === 'error') {
        if (reply[1] === 'no_batch') throw unavailable(`batch ${batchId} is not registered in this shard (no_batch)`);
        throw new Error(`scan script failed for batch ${batchId} serial ${serial}: ${reply[6]}`);
      }
      if (isBox && reply[2] === '1' && outcome !== 'blocked' && ALL_SHARDS.length > 1) await this.#shareBox(tag, batchId, serial, req, now);
      // 集卡: a won card counted on the user's home shard, or the set of a rebuilt reply (src/sets)
      const set = outcome === 'won' && campaign?.hasCards === true && this.cards !== null ? await this.cards.setOf(campaign, req.user, eventId, this.#wonPrize(campaign, chosen, reply[5]) ?? '', rebuilt) : null;
      const body = scanAnswer(set === null ? reply : withSet(reply, set), {
        eventId, batchId, serial, codeTail: batchJson.codeTail,
        campaignJson: campaign && belief ? belief.inShard.idJson : 'null',
        at: this.#iso.text(now), iso: (ms) => this.#iso.text(ms), decidedAt: now,
        originalPrizeJson: outcome === 'repeat' ? this.#originalPrizeJson(reply[8], reply[6]) : '',
      });
      return { body, outcome, reason: reply[1] };
    }
  }

  /**
   * One scan call; a prize out in the shard's bucket (`short`) pulls units from the other shards and the
   * scan goes again, with the same draw: only when no shard has any is it out of stock (budget, cap).
   */
  async #decide(tag: ShardTag, campaign: CompiledCampaign | null, day: string, args: ScanArgs): Promise<{ reply: ScanReply; now: number }> {
    const startedAt = Date.now();
    for (let pulls = 0; ; pulls++) {
      const d = await this.#batcher.run(tag, args);
      if (d.reply[0] !== 'short' || campaign === null) return d;
      const kind = d.reply[1] as ShortKind;
      const prize = d.reply[5];
      const moved = mayPullAgain(pulls, startedAt) && this.puller !== null ? await this.#pull(campaign, prize, kind, day, tag, Number(d.reply[2])) : 0;
      // none anywhere: that prize is decided in this shard (out of stock, budget, cap); the others may still pull
      if (moved === 0) args = { ...args, short: this.#shortFlags(campaign, args.chosen, args.clerkChoice, day, prize) };
    }
  }

  async #pull(campaign: CompiledCampaign, prize: string, kind: ShortKind, day: string, target: ShardTag, need: number): Promise<number> {
    const id = campaign.def.id;
    const p = campaign.def.prizes.find((x) => x.id === prize);
    if (p === undefined) return 0;
    let req: Parameters<UnitPuller['pull']>[0];
    if (kind === 'd') req = { campaignId: id, prize, kind: 'daily', day, dailyCap: p.dailyCap ?? 0 };
    else if (kind === 'p') {
      // released units only grow: counted a while back, they are never more than the shard's clock has released
      const at = this.#now() - PACED_MARGIN_MS;
      const released = releasedBy(at, p, { startsAtMs: campaign.def.startsAtMs, day: campaign.day, firstDayStart: campaign.firstDayStart }, await this.#seeds.of(id));
      req = { campaignId: id, prize, kind: 'paced', released: released ?? 0, at };
    } else req = { campaignId: id, prize, kind: kind === 's' ? 'stock' : 'budget' };
    const moved = await (this.puller as UnitPuller).pull(req, target, need);
    if (moved === 0) {
      // a paced prize gets units again at its next release: remembered with the count released now
      const released = kind === 'p' ? this.#releasedNow(campaign, p) : null;
      this.#exhausted.set(`${id}|${prize}|${kind}|${kind === 'd' ? day : ''}`, { until: Date.now() + EXHAUSTED_MS, released });
    }
    return moved;
  }


  /** units of a paced prize released by the engine's estimate of the shared clock (null: seed not read yet) */
  #releasedNow(campaign: CompiledCampaign, p: Prize): number | null {
    const seed = this.#seeds.known(campaign.def.id);
    if (seed === undefined) return null;
    return releasedBy(this.#now(), p, { startsAtMs: campaign.def.startsAtMs, day: campaign.day, firstDayStart: campaign.firstDayStart }, seed);
  }

  /**
   * Item 21 of the scan: per chosen prize, whether a `short` answer may pull units of it (the clerk's
   * prize is decided where it is). Not for a prize a pull found in no shard a moment ago (or `also`): a
   * `short` would only cost a call. A paced prize is out until its next release.
   */
  #shortFlags(campaign: CompiledCampaign, chosen: readonly ChosenPrize[], clerkChoice: number, day: string, also = ''): string {
    let flags = '';
    const now = Date.now();
    for (let i = 0; i < chosen.length; i++) {
      const p = campaign.def.prizes[chosen[i]!.spec - 1]!;
      flags += i + 1 === clerkChoice || p.id === also || (this.#exhausted.size > 0 && this.#isExhausted(campaign, p, day, now)) ? '0' : '1';
    }
    return flags;
  }

  #isExhausted(campaign: CompiledCampaign, p: Prize, day: string, now: number): boolean {
    for (const kind of ['s', 'b', 'd', 'p'] as const) {
      const key = `${campaign.def.id}|${p.id}|${kind}|${kind === 'd' ? day : ''}`;
      const memo = this.#exhausted.get(key);
      if (memo === undefined) continue;
      const released = memo.released === null ? null : this.#releasedNow(campaign, p);
      if (memo.until > now && (released === null || released <= memo.released!)) return true;
      this.#exhausted.delete(key);
    }
    return false;
  }

  /** the id of the prize the scanner won: the chosen prize whose JSON the script answered */
  #wonPrize(campaign: CompiledCampaign | null, chosen: readonly ChosenPrize[], json: string): string | null {
    const c = chosen.find((x) => x.json === json);
    return campaign && c ? (campaign.def.prizes[c.spec - 1]?.id ?? null) : null;
  }

  /**
   * A box's items may live in every shard and read the box's shop there: its first scan wrote the record
   * in its own shard, the others get a copy (src/scan/box-copies.ts: a copy that fails is tried again
   * until it lands). The box is opened either way: its answer stands.
   */
  async #shareBox(tag: ShardTag, batchId: number, serial: number, req: ScanRequest, now: number): Promise<void> {
    const fields = ['shop', req.shop ?? '', 'at', String(now), ...(req.lat !== null && req.lng !== null ? ['lat', String(req.lat), 'lng', String(req.lng)] : [])];
    await this.#boxCopies.copy(ALL_SHARDS.filter((t) => t !== tag), batchId, serial, fields);
  }

  /**
   * The campaign the scan most likely falls in at `t` (live), or one whose edge is near (not live),
   * with the day it counts in: the script checks all of it on the shared clock.
   */
  #believe(batch: Batch, tag: ShardTag, t: number): { compiled: CompiledCampaign; live: boolean; inShard: CampaignInShard; call: CampaignBelief } | null {
    let compiled = this.campaigns.coverFor(batch, t);
    let live = true;
    if (compiled === null) {
      compiled = this.campaigns.nearEdge(batch, t, EDGE_MS);
      live = false;
      if (compiled === null) return null;
    }
    const inShard = this.#inShardOf(compiled, tag);
    const b = compiled.day.bounds(t);
    const dayIndex = Math.round((b.start - compiled.firstDayStart) / 86_400_000);
    return { compiled, live, inShard, call: { campaign: inShard.static, live, day: b.day, dayStart: b.start, dayEnd: b.end, dayIndex } };
  }

  /**
   * The level map, and the chosen prizes it points to, for random r. One choice per distinct outcome
   * over the member levels: a levelBoost may land levels on different prizes, a pointsBoost may give
   * them different amounts of the same points prize (one amount drawn, then multiplied).
   */
  #draw(c: CompiledCampaign, inShard: CampaignInShard, draw: AudienceDraw, r: number, eventId: string, chosen: ChosenPrize[]): string {
    if (draw.prizes.length === 0) return NO_PRIZE_MAP;
    const boost = c.pointsMultipliers;
    if (draw.tables.length === 1) {
      const idx = pick(draw.tables[0]!, r);
      if (idx < 0) return NO_PRIZE_MAP;
      const p = draw.prizes[idx]!;
      if (boost === null || p.kind !== 'points') {
        chosen.push(this.#chosen(c, inShard, p, this.#amountOf(p), eventId));
        return FIRST_PRIZE_MAP;
      }
    }
    const choiceOf = new Map<string, number>();
    const base = new Map<number, number | null>();
    let map = '';
    for (let level = 0; level < LEVELS; level++) {
      const idx = pick(draw.tables[draw.tableOfLevel[level]!]!, r);
      if (idx < 0) {
        map += '0';
        continue;
      }
      const p = draw.prizes[idx]!;
      const m = boost !== null && p.kind === 'points' ? boost[level]! : 1;
      const key = `${idx}:${m}`;
      let choice = choiceOf.get(key);
      if (choice === undefined) {
        if (!base.has(idx)) base.set(idx, this.#amountOf(p));
        const amount = base.get(idx) ?? null;
        chosen.push(this.#chosen(c, inShard, p, amount === null ? null : Math.floor(amount * m), eventId));
        choice = chosen.length;
        choiceOf.set(key, choice);
      }
      map += LEVEL_CHARS[choice];
    }
    return map;
  }

  /** appends to `chosen` the prize of each set a card the scanner may win (drawn or guaranteed) belongs to, once each */
  #setPrizes(c: CompiledCampaign, inShard: CampaignInShard, clerkChoice: number, eventId: string, chosen: ChosenPrize[]): void {
    const sets = new Set<string>();
    chosen.forEach((ch, i) => {
      const set = i + 1 === clerkChoice ? undefined : c.def.prizes[ch.spec - 1]?.set;
      if (set !== undefined) sets.add(set);
    });
    for (const set of sets) {
      const p = c.def.prizes.find((x) => x.completes === set);
      if (p !== undefined) chosen.push(this.#chosen(c, inShard, p, this.#amountOf(p), `${eventId}-set`));
    }
  }

  #amountOf(p: Prize): number | null {
    const a = p.amount;
    return a === null ? null : typeof a === 'number' ? a : a.min === a.max ? a.min : randomInt(a.min, a.max + 1);
  }

  #chosen(c: CompiledCampaign, inShard: CampaignInShard, p: Prize, amount: number | null, eventId: string): ChosenPrize {
    return { spec: inShard.specOf.get(p.id)!, json: this.#prizeJson(c, p, amount, eventId), amount: amount ?? 0 };
  }

  /** The prize's JSON in an answer. A gift or coupon carries its voucher, derived from the win's event id. */
  #prizeJson(c: CompiledCampaign, p: Prize, amount: number | null, eventId: string): string {
    let json = c.prizeJsonHead.get(p.id)! + (amount === null ? 'null' : String(amount));
    if (p.kind === 'gift' || p.kind === 'coupon') {
      const v = this.vouchers.voucherOf(eventId);
      json += `,"voucher":{"code":"${v.code}","url":${JSON.stringify(v.url)}}`;
    }
    return `${json}}`;
  }

  /**
   * The JSON the first scan answered for its prize, from the code record's reference to it (a legacy
   * record holds the JSON itself). A campaign this engine has not loaded yet names the prize alone.
   */
  #originalPrizeJson(original: string, originalEventId: string): string {
    if (original === '' || original.startsWith('{')) return original;
    const ref = parsePrizeRef(original);
    if (ref === null) return '';
    const c = this.campaigns.get(ref.campaignId);
    const p = c?.def.prizes.find((x) => x.id === ref.prizeId);
    if (c === undefined || p === undefined) return `{"id":${JSON.stringify(ref.prizeId)},"amount":${ref.amount}}`;
    return this.#prizeJson(c, p, p.amount === null ? null : ref.amount, originalEventId);
  }

  #inShardOf(c: CompiledCampaign, tag: ShardTag): CampaignInShard {
    let byTag = this.#inShard.get(c);
    if (byTag === undefined) {
      byTag = new Map();
      this.#inShard.set(c, byTag);
    }
    let s = byTag.get(tag);
    if (s === undefined) {
      const d = c.def;
      const position = (d as typeof d & { position?: string }).position;
      const shard = ALL_SHARDS.indexOf(tag);
      const scans = placeLimit(d.limits.userScansPerDay, shard, ALL_SHARDS.length);
      const wins = placeLimit(d.limits.userWinsPerDay, shard, ALL_SHARDS.length);
      const limits = {
        userScansPerDay: scans.here,
        userWinsPerDay: wins.here,
        ipScansPerMinute: placeLimit(d.limits.ipScansPerMinute, shard, ALL_SHARDS.length).here,
        limitModes: (scans.split ? 's' : 'h') + (wins.split ? 's' : 'h'),
        geofence: d.geofence,
        positionRequired: position === 'required',
      };
      s = {
        // 满N次 counts a user's first scans in the user's hash of the code's shard; with several shards the
        // user's home shard sums the shards' counts and credits (src/chances/per-scans.ts)
        static: campaignStatic(tag, d.id, d.startsAtMs, d.endsAtMs, limits, d.prizes, d.chances?.perScans ?? null, this.#cardSets(d.prizes)),
        specOf: new Map(d.prizes.map((p, i) => [p.id, i + 1])),
        idJson: JSON.stringify(d.id),
      };
      byTag.set(tag, s);
    }
    return s;
  }

  /**
   * 集卡 for the scan script (items 19-20): each set's prize and cards as spec indexes. With one shard only:
   * a user's cards live on the user's home shard, which the code's shard's call cannot reach.
   */
  #cardSets(prizes: readonly Prize[]): CardSetSpec[] | null {
    if (ALL_SHARDS.length !== 1) return null;
    const out: CardSetSpec[] = [];
    prizes.forEach((p, i) => {
      if (p.completes === undefined) return;
      const cards = prizes.flatMap((x, j) => (x.set === p.completes ? [j + 1] : []));
      if (cards.length > 0) out.push({ id: p.completes, prize: i + 1, cards });
    });
    return out.length === 0 ? null : out;
  }

  async #loadBatch(batchId: number): Promise<Batch | null> {
    try {
      return await this.batches.get(batchId);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw unavailable('redis unreachable');
    }
  }

  #batchJsonOf(batch: Batch): { skuKind: string; codeTail: string } {
    let j = this.#batchJson.get(batch.batchId);
    if (j === undefined) {
      const skuKind = `"sku":${JSON.stringify(batch.sku)},"kind":"${batch.kind}"`;
      j = { skuKind, codeTail: `,${skuKind}}` };
      this.#batchJson.set(batch.batchId, j);
    }
    return j;
  }
}
