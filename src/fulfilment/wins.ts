// Reads of wins, over every shard, with the states that fulfilment gave them: redeemed (gift, coupon) or
// paid (cash). A consumer's win is read from its code's record, which its event id names
// (src/fulfilment/win-of-record.ts); a clerk's win (`<eventId>-clerk`), and wins whose ids name no code
// (from before), from the records the win source keeps (src/fulfilment/win-source.ts).
import { ALL_SHARDS, codeRecordOf, keys, shardTag, type ShardTag } from '../redis/keys.js';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../redis/scripts.js';
import type { EventQuery } from '../events/event-query.js';
import { codeOfEventId } from '../scan/event-ids.js';
import { parseCodeRecord } from '../scan/code-record.js';
import type { VoucherCodec } from '../codes/voucher-codec.js';
import { asWonPrize, type PayoutRecord, type RedemptionRecord, type WinRecord } from './win-record.js';
import { winOfRecord, type CampaignDefinitions } from './win-of-record.js';
import { withinLag } from './lag.js';
import { indexedWin, userWinRange } from '../redis/user-win-index.js';
import { pendingPayoutOf } from './pending-payout.js';

const NOT_A_WIN = Symbol('not a win');

export interface FoundWin {
  readonly tag: ShardTag;
  readonly win: WinRecord;
}

export interface WinState {
  readonly win: WinRecord;
  readonly redemption: RedemptionRecord | null;
  readonly payout: PayoutRecord | null;
}

export class Wins {
  constructor(
    private readonly redis: RedisClient,
    private readonly events: EventQuery,
    private readonly campaigns: CampaignDefinitions,
    private readonly vouchers: VoucherCodec,
  ) {}

  /** The win of an event id: from the win records, else (a win from before the records, or still on its way) from the event store. */
  async byEventId(eventId: string): Promise<FoundWin | null> {
    const found = await withinLag(async () => (await this.#record(eventId)) ?? this.#fromEventStore(eventId));
    return found === NOT_A_WIN ? null : found;
  }

  /** The win of a voucher (already checked by VoucherCodec.parse), waiting out the persist lag (for pages). */
  async byVoucher(voucher: string): Promise<FoundWin | null> {
    return withinLag(() => this.byVoucherNow(voucher));
  }

  /**
   * The win of a voucher as the records stand now, without waiting: a redemption answers an unknown
   * voucher at once, so that guessing costs the guesser, not the engine (a voucher is shown in a shop
   * long after the persist step indexed it).
   */
  async byVoucherNow(voucher: string): Promise<FoundWin | null> {
    for (const tag of ALL_SHARDS) {
      const eventId = await this.redis.hget(keys.vouchers(tag), voucher);
      if (eventId !== null) return this.#record(eventId);
    }
    return null;
  }

  /** The user's wins, newest first, with their states: from the user win index, and the index from before its buckets. */
  async ofUser(user: string, limit: number): Promise<WinState[]> {
    const found: FoundWin[] = [];
    const range = userWinRange(user);
    for (const tag of ALL_SHARDS) {
      // newest last in the index: the last `limit` of each shard hold the newest `limit` overall
      const members = await this.redis.zrevrangebylex(keys.userWinIndex(tag, user), range.max, range.min, 'LIMIT', 0, limit);
      for (const m of members) {
        const w = indexedWin(m);
        const win = w.kind === 'code' ? await this.#recordOfCode(w.batchId, w.serial) : await this.#record(w.winId);
        if (win !== null) found.push(win);
      }
      for (const eventId of await this.redis.zrevrange(keys.userWins(tag, user), 0, limit - 1)) {
        const win = await this.#record(eventId);
        if (win !== null) found.push(win);
      }
    }
    found.sort((a, b) => Date.parse(b.win.at) - Date.parse(a.win.at));
    const out: WinState[] = [];
    for (const f of found.slice(0, limit)) out.push(await this.stateOf(f));
    return out;
  }

  async stateOf(found: FoundWin): Promise<WinState> {
    const [redemption, payout] = await Promise.all([
      this.redis.hget(keys.redeemed(found.tag), found.win.eventId),
      this.redis.hget(keys.payouts(found.tag), found.win.eventId),
    ]);
    // a consumer's pending payout has no record of its own (src/fulfilment/pending-payout.ts)
    const pending = payout === null && found.win.prize.kind === 'cash' && (await this.redis.zscore(keys.payoutIndex(found.tag, 'pending'), found.win.eventId)) !== null;
    return {
      win: found.win,
      redemption: redemption === null ? null : (JSON.parse(redemption) as RedemptionRecord),
      payout: payout !== null ? (JSON.parse(payout) as PayoutRecord) : pending ? await pendingPayoutOf(this.redis, found.win.eventId) : null,
    };
  }

  /**
   * The wins of one campaign (中奖名单), at most `max`, in no order: every shard's code records (SCAN, so
   * no long blocking call) and the win source's records, filtered by campaign.
   */
  async ofCampaign(campaignId: string, max: number): Promise<FoundWin[]> {
    const out: FoundWin[] = [];
    for (const tag of ALL_SHARDS) {
      const prefix = keys.codeRecords(tag, 0, 0).slice(0, -3);
      // SCAN walks one node: on a cluster, each primary (the tag's keys are on one of them)
      const nodes = this.redis instanceof Cluster ? this.redis.nodes('master') : [this.redis];
      for (const node of nodes) {
        let cursor = '0';
        do {
          const [next, found] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          for (const key of found) {
            const flat = await node.hgetall(key);
            for (const value of Object.values(flat)) {
              const record = parseCodeRecord(value);
              if (record.prize?.campaignId !== campaignId || out.length >= max) continue;
              const win = winOfRecord(record.eventId, record, this.campaigns, this.vouchers);
              if (win !== null) out.push({ tag, win });
            }
          }
        } while (cursor !== '0');
      }
      let cursor = '0';
      do {
        const [next, flat] = await this.redis.hscan(keys.wins(tag), cursor, 'COUNT', 1000);
        cursor = next;
        for (let i = 1; i < flat.length; i += 2) {
          const win = JSON.parse(flat[i] as string) as WinRecord;
          if (win.campaignId === campaignId && out.length < max) out.push({ tag, win });
        }
      } while (cursor !== '0');
    }
    return out;
  }

  async #record(eventId: string): Promise<FoundWin | null> {
    const code = codeOfEventId(eventId);
    if (code !== null) return this.#recordOfCode(code.batchId, code.serial, eventId);
    for (const tag of ALL_SHARDS) {
      const raw = await this.redis.hget(keys.wins(tag), eventId);
      if (raw !== null) return { tag, win: JSON.parse(raw) as WinRecord };
    }
    return null;
  }

  /** The win that is a code's record (of the scan `eventId`, when given). */
  async #recordOfCode(batchId: number, serial: number, eventId?: string): Promise<FoundWin | null> {
    const { key, field } = codeRecordOf(batchId, serial);
    const value = await this.redis.hget(key, field);
    if (value === null) return null;
    const record = parseCodeRecord(value);
    const win = winOfRecord(eventId ?? record.eventId, record, this.campaigns, this.vouchers);
    return win === null ? null : { tag: shardTag(batchId, serial), win };
  }

  /** null: not (yet) stored here; NOT_A_WIN: stored, and no win (no need to wait for it) */
  #fromEventStore(eventId: string): FoundWin | typeof NOT_A_WIN | null {
    const body = this.events.body(eventId);
    if (body === null) return null;
    const e = JSON.parse(body) as Record<string, unknown>;
    const prize = asWonPrize(e.prize);
    if (e.type !== 'scan' || e.outcome !== 'won' || prize === null || typeof e.user !== 'string') return NOT_A_WIN;
    return {
      tag: shardTag(Number(e.batchId), Number(e.serial)),
      win: { eventId, user: e.user, campaignId: typeof e.campaignId === 'string' ? e.campaignId : null, prize, at: String(e.at) },
    };
  }
}
