// Payouts: one per cash win, created pending by the payout source, listed over every
// shard, moved to paid or failed by the setPayout script (which writes the payout event). A consumer's
// pending payout has no record of its own: it is rebuilt from its code's record (pending-payout.ts).
import { conflict, notFound } from '../errors.js';
import type { EventIds } from '../scan/event-ids.js';
import { ALL_SHARDS, keys, PAYOUT_STATES, type ShardTag } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { PayoutRecord, PayoutState } from './win-record.js';
import { withinLag } from './lag.js';
import { setPayout } from './set-payout-call.js';
import { pendingPayoutOf, pendingPayoutsOf } from './pending-payout.js';

export interface PayoutPage {
  readonly payouts: PayoutRecord[];
  readonly next: string | null;
}

export class Payouts {
  constructor(private readonly redis: RedisClient, private readonly ids: EventIds, private readonly now: () => number) {}

  /** Payouts in id order (≈ the order of the wins), after `after`, optionally of one state. */
  async list(state: PayoutState | null, after: string | null, limit: number): Promise<PayoutPage> {
    const ids: { tag: ShardTag; id: string }[] = [];
    // every payout is in the index of its state: all of them are the three merged (no index of its own,
    // which would cost every cash win a write and its bytes)
    for (const tag of ALL_SHARDS) {
      for (const s of state === null ? PAYOUT_STATES : [state]) {
        const page = await this.redis.zrangebylex(keys.payoutIndex(tag, s), after === null ? '-' : `(${after}`, '+', 'LIMIT', 0, limit);
        for (const id of page) ids.push({ tag, id });
      }
    }
    ids.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const chosen = ids.slice(0, limit);
    const payouts: PayoutRecord[] = [];
    for (const tag of ALL_SHARDS) {
      const mine = chosen.filter((c) => c.tag === tag).map((c) => c.id);
      if (mine.length === 0) continue;
      const raws = await this.redis.hmget(keys.payouts(tag), ...mine);
      const rebuilt = await pendingPayoutsOf(this.redis, mine.filter((_, i) => raws[i] === null));
      for (const [i, raw] of raws.entries()) {
        const p = raw !== null ? (JSON.parse(raw) as PayoutRecord) : rebuilt.get(mine[i] as string);
        if (p !== undefined) payouts.push(p);
      }
    }
    payouts.sort((a, b) => (a.eventId < b.eventId ? -1 : 1));
    const last = chosen[chosen.length - 1];
    return { payouts, next: chosen.length === limit && last ? last.id : null };
  }

  /**
   * pending -> paid | failed, failed -> paid; the same state again answers the payout unchanged; leaving
   * paid is 409. A win answered a moment ago may not have its payout yet (the persist step creates it):
   * an unknown id is looked for during the lag before it is 404.
   */
  async set(payoutId: string, state: 'paid' | 'failed', reference: string | null): Promise<PayoutRecord> {
    const tag = await withinLag(() => this.#shardOf(payoutId));
    if (tag === null) throw notFound(`payout ${payoutId}`);
    const now = this.now();
    const at = new Date(now).toISOString();
    const head = `{"id":"${this.ids.next(now)}","type":"payout","at":"${at}"`;
    const pending = await pendingPayoutOf(this.redis, payoutId);
    const reply = await setPayout(this.redis, tag, { payoutId, state, reference, nowIso: at, eventHead: head, pending: pending === null ? null : JSON.stringify(pending) });
    if (reply.kind === 'missing') throw notFound(`payout ${payoutId}`);
    if (reply.kind === 'paid_already') throw conflict(`payout ${payoutId} is paid: it cannot become ${state}`);
    return JSON.parse(reply.record) as PayoutRecord;
  }

  async #shardOf(payoutId: string): Promise<ShardTag | null> {
    for (const tag of ALL_SHARDS) {
      if ((await this.redis.hexists(keys.payouts(tag), payoutId)) === 1) return tag;
      if ((await this.redis.zscore(keys.payoutIndex(tag, 'pending'), payoutId)) !== null) return tag;
    }
    return null;
  }
}
