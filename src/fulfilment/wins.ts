// Reads of wins, over the deployment, with the states that fulfilment gave them: redeemed (gift, coupon)
// or paid (cash). A win is found in the event stores (its row in a store's `wins` table: by id, voucher,
// user; src/fulfilment/stored-wins.ts); a consumer's win is read from its code's record, which its event
// id names (src/fulfilment/win-of-record.ts), so that it is known the moment the scan answered; any other
// win (a clerk's `<eventId>-clerk`, a draw's, a set's) from the record its row holds. Redis keeps nothing
// per win beyond the code's record: only what fulfilment did to it (a redemption, a payout that left
// pending).
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
import { pendingPayoutOf } from './pending-payout.js';
import type { StoredWin, StoredWins } from './stored-wins.js';

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
    private readonly stored: StoredWins,
  ) {}

  /** The win of an event id: its code's record or its store row, else (still on its way to the wins table) this engine's own event store. */
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
   * long after the persist step stored it).
   */
  async byVoucherNow(voucher: string): Promise<FoundWin | null> {
    const row = await this.stored.byVoucher(voucher);
    return row === null ? null : this.ofStored(row);
  }

  /** The user's wins, newest first, with their states. */
  async ofUser(user: string, limit: number): Promise<WinState[]> {
    const out: WinState[] = [];
    for (const row of await this.stored.ofUser(user, limit)) {
      const found = await this.ofStored(row);
      if (found !== null) out.push(await this.stateOf(found));
    }
    return out;
  }

  /** How many wins the user has. */
  countOf(user: string): Promise<number> {
    return this.stored.countOf(user);
  }

  async stateOf(found: FoundWin): Promise<WinState> {
    const [redemption, payout] = await Promise.all([
      this.redis.hget(keys.redeemed(found.tag), found.win.eventId),
      this.redis.hget(keys.payouts(found.tag), found.win.eventId),
    ]);
    // a cash win's payout is pending until it has a record (src/fulfilment/pending-payout.ts)
    return {
      win: found.win,
      redemption: redemption === null ? null : (JSON.parse(redemption) as RedemptionRecord),
      payout: payout !== null ? (JSON.parse(payout) as PayoutRecord) : found.win.prize.kind === 'cash' ? pendingPayoutOf(found.win) : null,
    };
  }

  /**
   * The wins of one campaign (中奖名单), at most `max`, in no order: every shard's code records (SCAN, so
   * no long blocking call) and the stores' rows of wins no code's record holds, filtered by campaign.
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
    }
    for (const row of await this.stored.ofCampaign(campaignId, { withRecordOnly: true })) {
      if (row.record !== null && out.length < max) out.push({ tag: row.shard, win: row.record });
    }
    return out;
  }

  async #record(eventId: string): Promise<FoundWin | null> {
    const code = codeOfEventId(eventId);
    if (code !== null) return this.#recordOfCode(code.batchId, code.serial, eventId);
    const row = await this.stored.byId(eventId);
    return row === null ? null : this.ofStored(row);
  }

  /** The win a stored row names: its record, or its code's. */
  async ofStored(row: StoredWin): Promise<FoundWin | null> {
    if (row.record !== null) return { tag: row.shard, win: row.record };
    const code = codeOfEventId(row.id);
    return code === null ? null : this.#recordOfCode(code.batchId, code.serial, row.id);
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
