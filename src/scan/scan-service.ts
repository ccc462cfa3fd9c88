// The scan hot path: decode and MAC-check the code in process (a forged code never reaches Redis),
// find the live campaign in memory, draw the random integer, then one script call (shared with the
// other scans of the same event-loop turn, see ScanBatcher) does the rest atomically. The answer is
// assembled as a string: no intermediate objects, no JSON.stringify of it.
import { randomInt } from 'node:crypto';
import { ApiError, badRequest, invalidCode, unavailable } from '../errors.js';
import { canonicalCode, type CodeCodec } from '../codes/code-codec.js';
import { parseScanInput } from '../codes/scan-input.js';
import type { BatchStore } from '../batches/batch-store.js';
import type { Batch } from '../batches/batch.js';
import type { CampaignStore, CompiledCampaign } from '../campaigns/campaign-store.js';
import { LEVELS, PPM, pick, type AudienceDraw } from '../campaigns/draw-table.js';
import { keys, shardTag } from '../redis/keys.js';
import type { LuaScript, RedisClient } from '../redis/scripts.js';
import { ScanBatcher, type ScanArg, type ScanReply } from './scan-batcher.js';
import { EventIds } from './event-ids.js';
import { IsoTime } from './iso-time.js';

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
  /** the outcome's reason (blocked, lost), null otherwise */
  reason: string | null;
}

interface CampaignKeys {
  state: string;
  stats: string;
  shopBoard: string;
  clerkBoard: string;
}

const NO_PRIZE_MAP = '0'.repeat(LEVELS);
const FIRST_PRIZE_MAP = '1'.repeat(LEVELS);
const LEVEL_CHARS = '0123456789';
/** geofence radius around the shop that opened a box, for items whose batch has no region, when the box batch names none */
export const SHOP_RADIUS_KM = 50;
/** keys at the start of each scan's list in the scan script (see lua/scanCodes-1.lua) */
const KEYS_PER_SCAN = 13;

const jsonStr = (s: string | null): string => (s === null ? 'null' : JSON.stringify(s));
const jsonNum = (n: number | null): string => (n === null ? 'null' : String(n));

export class ScanService {
  readonly #ids = new EventIds();
  readonly #iso = new IsoTime();
  /** JSON pieces that depend only on the batch, built once per batch rather than once per scan */
  readonly #batchJson = new Map<number, { skuKind: string; codeTail: string }>();
  /** key names that depend only on the campaign and shard, built once */
  readonly #campaignKeys = new Map<string, CampaignKeys>();
  readonly #batcher: ScanBatcher;

  constructor(
    redis: RedisClient,
    script: LuaScript,
    private readonly codec: CodeCodec,
    private readonly batches: BatchStore,
    private readonly campaigns: CampaignStore,
    private readonly now: () => number,
  ) {
    this.#batcher = new ScanBatcher(redis, script, KEYS_PER_SCAN);
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

    const now = this.now();
    const campaign = this.campaigns.coverFor(batch, now);
    const r = randomInt(PPM);
    const eventId = this.#ids.next(now);
    const code = canonicalCode(input.code);
    const tag = shardTag(batchId, serial);
    const campaignId = campaign ? campaign.def.id : '';
    const day = campaign ? campaign.day.dayOf(now) : '';
    const clerkDraw = campaign !== null && !isBox && req.clerk !== null && campaign.clerk.prizes.length > 0;
    const clerkR = clerkDraw ? randomInt(PPM) : -1;
    const boxKey = isBox
      ? keys.box(tag, batchId, serial)
      : batch.boxedBy
        ? keys.box(tag, batch.boxedBy.batchId, Math.floor(serial / batch.boxedBy.perBox))
        : keys.box(tag, 0, 0);

    const batchJson = this.#batchJsonOf(batch);
    const at = this.#iso.text(now);
    const base =
      `"id":"${eventId}","type":"scan","at":"${at}","code":"${code}",` +
      `"batchId":${batchId},"serial":${serial},${batchJson.skuKind},` +
      `"user":"${req.user}","campaignId":${campaign ? JSON.stringify(campaignId) : 'null'},` +
      `"lat":${jsonNum(req.lat)},"lng":${jsonNum(req.lng)},"clerk":${jsonStr(req.clerk)},` +
      `"device":${jsonStr(req.device)},"ip":${JSON.stringify(req.ip)},"random":${r},"clerkRandom":${clerkR < 0 ? 'null' : clerkR}`;

    const region = batch.region;
    const limits = campaign?.def.limits;
    const ck = this.#campaignKeysOf(tag, campaignId);
    const events = keys.events(tag);
    const args: ScanArg[] = [
      keys.batchStatus(tag),
      keys.seen(tag, batchId),
      keys.code(tag, batchId, serial),
      keys.member(tag, req.user),
      ck.state,
      ck.stats,
      keys.campaignDay(tag, campaignId, day),
      keys.campaignUser(tag, campaignId, req.user),
      keys.campaignClerk(tag, campaignId, req.clerk ?? ''),
      keys.ipMinute(tag, campaignId, req.ip, Math.floor(now / 60_000)),
      boxKey,
      ck.shopBoard,
      ck.clerkBoard,
      batchId,
      serial,
      req.user,
      now,
      eventId,
      base,
      campaignId,
      batch.kind,
      req.shop ?? '',
      req.clerk ?? '',
      req.lat ?? '',
      req.lng ?? '',
      region ? region.lat : '',
      region ? region.lng : '',
      region ? region.radiusKm : '',
      batch.boxedBy ? (batch.boxedBy.radiusKm ?? SHOP_RADIUS_KM) : '',
      campaign ? campaign.def.geofence : 'off',
      limits?.userScansPerDay ?? 0,
      limits?.userWinsPerDay ?? 0,
      limits?.ipScansPerMinute ?? 0,
    ];
    if (campaign) this.#drawArgs(campaign, isBox ? campaign.shop : campaign.consumer, r, clerkR, args);
    else args.push(NO_PRIZE_MAP, '0', 0);

    let reply: ScanReply;
    try {
      reply = await this.#batcher.run(events, args);
    } catch (err) {
      throw unavailable(`redis: ${err instanceof Error ? err.message : 'unreachable'}`);
    }
    const [outcome, reason, count, firstAt, sameUser, prizeJson, origEventId, origOutcome, origPrizeJson] = reply;
    if (outcome === 'error') {
      if (reason === 'no_batch') throw unavailable(`batch ${batchId} is not registered in this shard (${reason})`);
      throw new Error(`scan script failed for batch ${batchId} serial ${serial}: ${origEventId}`);
    }

    const scan =
      outcome === 'blocked'
        ? 'null'
        : `{"count":${count},"firstAt":"${Number(firstAt) === now ? at : new Date(Number(firstAt)).toISOString()}","sameUser":${sameUser === '1'}}`;
    const original =
      origEventId !== '' ? `{"eventId":"${origEventId}","outcome":"${origOutcome}","prize":${origPrizeJson === '' ? 'null' : origPrizeJson}}` : 'null';
    const body =
      `{"eventId":"${eventId}","outcome":"${outcome}","reason":${reason === '' ? 'null' : `"${reason}"`},` +
      `"code":{"batchId":${batchId},"serial":${serial}${batchJson.codeTail},"campaignId":${campaign ? JSON.stringify(campaignId) : 'null'},` +
      `"prize":${prizeJson === '' ? 'null' : prizeJson},"scan":${scan},"original":${original}}`;
    return { body, outcome, reason: reason === '' ? null : reason };
  }

  /**
   * Appends the level map, the clerk's spec and the prize specs. The draws happen here, for random r
   * (and clerkR for the clerk, -1 for none); the script only picks the answer for the member's level.
   */
  #drawArgs(c: CompiledCampaign, draw: AudienceDraw, r: number, clerkR: number, args: ScanArg[]): void {
    const clerkIdx = clerkR < 0 ? -1 : pick(c.clerk.tables[c.clerk.tableOfLevel[0]!]!, clerkR);
    if (draw.tables.length === 1) {
      const idx = draw.prizes.length === 0 ? -1 : pick(draw.tables[0]!, r);
      const n = (idx < 0 ? 0 : 1) + (clerkIdx < 0 ? 0 : 1);
      args.push(idx < 0 ? NO_PRIZE_MAP : FIRST_PRIZE_MAP, clerkIdx < 0 ? '0' : String(n), n);
      if (idx >= 0) this.#pushSpec(c, draw.prizes[idx]!, args);
      if (clerkIdx >= 0) this.#pushSpec(c, c.clerk.prizes[clerkIdx]!, args);
      return;
    }
    // level boosts: each distinct table may land on a different prize
    const specOf: number[] = [];
    let map = '';
    const chosen: number[] = [];
    for (let level = 0; level < LEVELS; level++) {
      const idx = pick(draw.tables[draw.tableOfLevel[level]!]!, r);
      if (idx < 0) {
        map += '0';
        continue;
      }
      let spec = specOf[idx];
      if (spec === undefined) {
        chosen.push(idx);
        spec = chosen.length;
        specOf[idx] = spec;
      }
      map += LEVEL_CHARS[spec];
    }
    const n = chosen.length + (clerkIdx < 0 ? 0 : 1);
    args.push(map, clerkIdx < 0 ? '0' : String(n), n);
    for (const idx of chosen) this.#pushSpec(c, draw.prizes[idx]!, args);
    if (clerkIdx >= 0) this.#pushSpec(c, c.clerk.prizes[clerkIdx]!, args);
  }

  #pushSpec(c: CompiledCampaign, p: CompiledCampaign['def']['prizes'][number], args: ScanArg[]): void {
    const a = p.amount;
    const amount = a === null ? null : typeof a === 'number' ? a : a.min === a.max ? a.min : randomInt(a.min, a.max + 1);
    args.push(
      p.id,
      c.prizeJsonHead.get(p.id)! + (amount === null ? 'null}' : `${amount}}`),
      amount ?? 0,
      p.stock === null ? 0 : 1,
      p.budget === null ? 0 : 1,
      p.dailyCap ?? 0,
      p.perUserCap ?? 0,
      p.kind === 'points' ? 1 : 0,
    );
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

  #campaignKeysOf(tag: string, campaignId: string): CampaignKeys {
    const id = `${tag}${campaignId}`;
    let k = this.#campaignKeys.get(id);
    if (k === undefined) {
      k = {
        state: keys.campaignState(tag, campaignId),
        stats: keys.campaignStats(tag, campaignId),
        shopBoard: keys.board(tag, campaignId, 'shop'),
        clerkBoard: keys.board(tag, campaignId, 'clerk'),
      };
      this.#campaignKeys.set(id, k);
    }
    return k;
  }

}
