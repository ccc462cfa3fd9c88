// Reads of the win records the win source keeps (src/fulfilment/win-source.ts), over every shard, with
// the states that fulfilment gave them: redeemed (gift, coupon) or paid (cash).
import { ALL_SHARDS, keys, shardTag, type ShardTag } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { EventQuery } from '../events/event-query.js';
import { asWonPrize, type PayoutRecord, type RedemptionRecord, type WinRecord } from './win-record.js';
import { withinLag } from './lag.js';

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
  constructor(private readonly redis: RedisClient, private readonly events: EventQuery) {}

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

  /** The user's wins, newest first, with their states. */
  async ofUser(user: string, limit: number): Promise<WinState[]> {
    const found: { tag: ShardTag; eventId: string; at: number }[] = [];
    for (const tag of ALL_SHARDS) {
      const flat = await this.redis.zrevrange(keys.userWins(tag, user), 0, limit - 1, 'WITHSCORES');
      for (let i = 0; i + 1 < flat.length; i += 2) found.push({ tag, eventId: flat[i] as string, at: Number(flat[i + 1]) });
    }
    found.sort((a, b) => b.at - a.at);
    const out: WinState[] = [];
    for (const f of found.slice(0, limit)) {
      const raw = await this.redis.hget(keys.wins(f.tag), f.eventId);
      if (raw !== null) out.push(await this.stateOf({ tag: f.tag, win: JSON.parse(raw) as WinRecord }));
    }
    return out;
  }

  async stateOf(found: FoundWin): Promise<WinState> {
    const [redemption, payout] = await Promise.all([
      this.redis.hget(keys.redeemed(found.tag), found.win.eventId),
      this.redis.hget(keys.payouts(found.tag), found.win.eventId),
    ]);
    return {
      win: found.win,
      redemption: redemption === null ? null : (JSON.parse(redemption) as RedemptionRecord),
      payout: payout === null ? null : (JSON.parse(payout) as PayoutRecord),
    };
  }

  async #record(eventId: string): Promise<FoundWin | null> {
    for (const tag of ALL_SHARDS) {
      const raw = await this.redis.hget(keys.wins(tag), eventId);
      if (raw !== null) return { tag, win: JSON.parse(raw) as WinRecord };
    }
    return null;
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
