// The scan hot path: decode and MAC-check the code in process (a forged code never reaches Redis),
// find the live campaign in memory, draw the random integer, then one script call does the rest
// atomically. The answer is assembled as a string: no intermediate objects, no JSON.stringify of it.
import { randomInt } from 'node:crypto';
import { ApiError, invalidCode, unavailable } from '../errors.js';
import { canonicalCode, type CodeCodec } from '../codes/code-codec.js';
import { parseScanInput } from '../codes/scan-input.js';
import type { BatchStore } from '../batches/batch-store.js';
import type { Batch } from '../batches/batch.js';
import type { CampaignStore, CompiledCampaign } from '../campaigns/campaign-store.js';
import { LEVELS, PPM, pick } from '../campaigns/draw-table.js';
import { keys, shardTag } from '../redis/keys.js';
import { runScript, type LuaScript, type RedisArg, type RedisClient } from '../redis/scripts.js';
import { EventIds } from './event-ids.js';

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
}

type ScriptReply = [string, string, number, string | number, number, string, string, string, string];

const NO_PRIZE_MAP = '0'.repeat(LEVELS);
const FIRST_PRIZE_MAP = '1'.repeat(LEVELS);
const LEVEL_CHARS = '0123456789';

const jsonStr = (s: string | null): string => (s === null ? 'null' : JSON.stringify(s));
const jsonNum = (n: number | null): string => (n === null ? 'null' : String(n));

export class ScanService {
  readonly #ids = new EventIds();
  readonly #codeJson = new Map<number, string>();

  constructor(
    private readonly redis: RedisClient,
    private readonly script: LuaScript,
    private readonly codec: CodeCodec,
    private readonly batches: BatchStore,
    private readonly campaigns: CampaignStore,
    private readonly now: () => number,
  ) {}

  async scan(req: ScanRequest): Promise<ScanResult> {
    const input = parseScanInput(req.code);
    if (input === null) throw invalidCode();
    const decoded = this.codec.decode(input.code);
    if (decoded === null) throw invalidCode();
    const { batchId, serial } = decoded;
    const batch = this.batches.cached(batchId) ?? (await this.#loadBatch(batchId));
    if (batch === null || serial >= batch.size) throw invalidCode();
    if (input.gtin !== null && input.gtin !== batch.sku) throw invalidCode();

    const now = this.now();
    const campaign = this.campaigns.coverFor(batch, now);
    const r = randomInt(PPM);
    const eventId = this.#ids.next(now);
    const code = canonicalCode(input.code);
    const tag = shardTag(batchId, serial);
    const campaignId = campaign ? campaign.def.id : '';
    const day = campaign ? campaign.day.dayOf(now) : '';

    const base =
      `"id":"${eventId}","type":"scan","at":"${new Date(now).toISOString()}","code":"${code}",` +
      `"batchId":${batchId},"serial":${serial},"sku":${JSON.stringify(batch.sku)},"kind":"${batch.kind}",` +
      `"user":"${req.user}","campaignId":${campaign ? JSON.stringify(campaignId) : 'null'},` +
      `"lat":${jsonNum(req.lat)},"lng":${jsonNum(req.lng)},"shop":${jsonStr(req.shop)},"clerk":${jsonStr(req.clerk)},` +
      `"device":${jsonStr(req.device)},"ip":${JSON.stringify(req.ip)},"random":${r}`;

    const args: RedisArg[] = [
      keys.batchStatus(tag),
      keys.seen(tag, batchId),
      keys.code(tag, batchId, serial),
      keys.member(tag, req.user),
      keys.events(tag),
      keys.campaignState(tag, campaignId),
      keys.campaignStats(tag, campaignId),
      keys.campaignDay(tag, campaignId, day),
      keys.campaignUser(tag, campaignId, req.user),
      batchId,
      serial,
      req.user,
      now,
      eventId,
      base,
      campaignId,
    ];
    if (campaign) this.#drawArgs(campaign, r, args);
    else args.push(NO_PRIZE_MAP, 0);

    let reply: ScriptReply;
    try {
      reply = (await runScript(this.redis, this.script, args)) as ScriptReply;
    } catch (err) {
      throw unavailable(`redis: ${err instanceof Error ? err.message : 'unreachable'}`);
    }
    const [outcome, reason, count, firstAt, sameUser, prizeJson, origEventId, origOutcome, origPrizeJson] = reply;
    if (outcome === 'error') throw unavailable(`batch ${batchId} is not registered in this shard (${reason})`);

    const scan =
      outcome === 'blocked'
        ? 'null'
        : `{"count":${count},"firstAt":"${new Date(Number(firstAt)).toISOString()}","sameUser":${sameUser === 1}}`;
    const original =
      origEventId !== '' ? `{"eventId":"${origEventId}","outcome":"${origOutcome}","prize":${origPrizeJson === '' ? 'null' : origPrizeJson}}` : 'null';
    const body =
      `{"eventId":"${eventId}","outcome":"${outcome}","reason":${reason === '' ? 'null' : `"${reason}"`},` +
      `"code":${this.#codeJsonOf(batch, serial)},"campaignId":${campaign ? JSON.stringify(campaignId) : 'null'},` +
      `"prize":${prizeJson === '' ? 'null' : prizeJson},"scan":${scan},"original":${original}}`;
    return { body, outcome };
  }

  /** Appends the level map and prize specs of the draw for random r. */
  #drawArgs(c: CompiledCampaign, r: number, args: RedisArg[]): void {
    const draw = c.consumer;
    if (draw.tables.length === 1) {
      const idx = pick(draw.tables[0]!, r);
      if (idx < 0) {
        args.push(NO_PRIZE_MAP, 0);
        return;
      }
      args.push(FIRST_PRIZE_MAP, 1);
      this.#pushSpec(c, draw.prizes[idx]!, args);
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
    args.push(map, chosen.length);
    for (const idx of chosen) this.#pushSpec(c, draw.prizes[idx]!, args);
  }

  #pushSpec(c: CompiledCampaign, p: CompiledCampaign['def']['prizes'][number], args: RedisArg[]): void {
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

  #codeJsonOf(batch: Batch, serial: number): string {
    let tail = this.#codeJson.get(batch.batchId);
    if (tail === undefined) {
      tail = `,"sku":${JSON.stringify(batch.sku)},"kind":"${batch.kind}"}`;
      this.#codeJson.set(batch.batchId, tail);
    }
    return `{"batchId":${batch.batchId},"serial":${serial}${tail}`;
  }
}
