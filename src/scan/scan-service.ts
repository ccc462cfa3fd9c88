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
import type { CampaignStore, CompiledCampaign } from '../campaigns/campaign-store.js';
import type { Prize } from '../campaigns/campaign.js';
import { LEVELS, PPM, pick, type AudienceDraw } from '../campaigns/draw-table.js';
import { shardTag, type ShardTag } from '../redis/keys.js';
import type { LuaScript, RedisClient } from '../redis/scripts.js';
import { scanEventHead } from '../events/event-format.js';
import { ScanBatcher } from './scan-batcher.js';
import { campaignStatic, type CampaignBelief, type CampaignStatic, type ChosenPrize } from './scan-script-call.js';
import { scanAnswer } from './scan-answer.js';
import { EventIds } from './event-ids.js';
import { IsoTime } from './iso-time.js';
import type { RedisFaults } from './redis-faults.js';
import type { VoucherCodec } from '../fulfilment/voucher-codec.js';

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

/** What a campaign looks like to the scan script in one shard, and where its prizes sit in the specs. */
interface CampaignInShard {
  readonly static: CampaignStatic;
  readonly specOf: ReadonlyMap<string, number>;
}

export class ScanService {
  readonly #ids = new EventIds();
  readonly #iso = new IsoTime();
  /** JSON pieces that depend only on the batch, built once per batch rather than once per scan */
  readonly #batchJson = new Map<number, { skuKind: string; codeTail: string }>();
  /** per compiled campaign (a changed definition is a new object) and shard */
  readonly #inShard = new WeakMap<CompiledCampaign, Map<ShardTag, CampaignInShard>>();
  readonly #batcher: ScanBatcher;

  constructor(
    redis: RedisClient,
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
  ) {
    this.#batcher = new ScanBatcher(redis, script, () => clock.realNow() + deadlineMs, clock.now);
    this.#now = clock.now;
    this.#heard = (t) => clock.heard(t);
  }

  readonly #now: () => number;
  readonly #heard: (sharedNow: number) => void;

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
      const eventId = this.#ids.next(t);
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
      }
      const boxed = batch.boxedBy;
      let decided;
      try {
        decided = await this.#batcher.run(tag, {
          batchId, serial, user: req.user, eventId, head,
          campaign: belief ? belief.call : null,
          kind: batch.kind, shop: req.shop ?? '', clerk: req.clerk ?? '', lat: req.lat, lng: req.lng,
          region: batch.region ?? null,
          box: !isBox && boxed ? `${boxed.batchId}:${Math.floor(serial / boxed.perBox)}` : '',
          boxKm: boxed ? (boxed.radiusKm ?? SHOP_RADIUS_KM) : 0,
          ip: req.ip, levelMap, clerkChoice, chosen,
        });
      } catch (err) {
        throw unavailable(this.faults.failed(err));
      }
      this.faults.recovered();
      const { reply, now } = decided;
      const outcome = reply[0];
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
      const body = scanAnswer(reply, {
        eventId, batchId, serial, codeTail: batchJson.codeTail,
        campaignJson: campaign ? JSON.stringify(campaign.def.id) : 'null',
        at: this.#iso.text(now), iso: (ms) => this.#iso.text(ms), decidedAt: now,
      });
      return { body, outcome, reason: reply[1] };
    }
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

  #amountOf(p: Prize): number | null {
    const a = p.amount;
    return a === null ? null : typeof a === 'number' ? a : a.min === a.max ? a.min : randomInt(a.min, a.max + 1);
  }

  /** A gift or coupon carries its voucher, derived from the win's event id (CONTRACT §4.6). */
  #chosen(c: CompiledCampaign, inShard: CampaignInShard, p: Prize, amount: number | null, eventId: string): ChosenPrize {
    let json = c.prizeJsonHead.get(p.id)! + (amount === null ? 'null' : String(amount));
    if (p.kind === 'gift' || p.kind === 'coupon') {
      const v = this.vouchers.voucherOf(eventId);
      json += `,"voucher":{"code":"${v.code}","url":${JSON.stringify(v.url)}}`;
    }
    return { spec: inShard.specOf.get(p.id)!, json: `${json}}`, amount: amount ?? 0 };
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
      s = {
        static: campaignStatic(tag, d.id, d.startsAtMs, d.endsAtMs, { ...d.limits, geofence: d.geofence, positionRequired: position === 'required' }, d.prizes),
        specOf: new Map(d.prizes.map((p, i) => [p.id, i + 1])),
      };
      byTag.set(tag, s);
    }
    return s;
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
