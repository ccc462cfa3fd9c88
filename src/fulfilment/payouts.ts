// Payouts: one per cash win, listed over the deployment, moved to paid or failed by the setPayout script
// (which writes the payout event). A payout is pending until it has a record: until then it is its cash
// win, found in the event stores (src/fulfilment/stored-wins.ts) and rebuilt by pending-payout.ts; a
// record, and a place in the index of its state, is written when it leaves pending. So Redis keeps
// nothing per cash win, only per payout paid or failed.
import { conflict, notFound } from '../errors.js';
import type { EventIds } from '../scan/event-ids.js';
import { ALL_SHARDS, keys, type ShardTag } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { PayoutRecord, PayoutState } from './win-record.js';
import { setPayout } from './set-payout-call.js';
import { pendingPayoutOf } from './pending-payout.js';
import type { StoredWin, StoredWins } from './stored-wins.js';
import type { Wins } from './wins.js';

export interface PayoutPage {
  readonly payouts: PayoutRecord[];
  /** where the next page starts; null at the end. A page may hold fewer than `limit` payouts and still have a next one. */
  readonly next: string | null;
}

/** cash wins looked at for one page of pending payouts, as a multiple of the page's size: a page of a list mostly paid stops there, with `next` */
const LOOKED_AT_PER_PAGE = 20;

export class Payouts {
  constructor(
    private readonly redis: RedisClient,
    private readonly wins: Wins,
    private readonly stored: StoredWins,
    private readonly ids: EventIds,
    private readonly now: () => number,
  ) {}

  /** Payouts in id order (≈ the order of the wins), after `after`, optionally of one state. */
  async list(state: PayoutState | null, after: string | null, limit: number): Promise<PayoutPage> {
    return state === 'paid' || state === 'failed' ? this.#recorded(state, after, limit) : this.#ofCashWins(state, after, limit);
  }

  /**
   * pending -> paid | failed, failed -> paid; the same state again answers the payout unchanged; leaving
   * paid is 409. A win answered a moment ago may not be in the event stores yet: its win is looked for
   * during the lag before it is 404 (a consumer's is its code's record, known at once).
   */
  async set(payoutId: string, state: 'paid' | 'failed', reference: string | null): Promise<PayoutRecord> {
    const found = await this.wins.byEventId(payoutId);
    const pending = found === null ? null : pendingPayoutOf(found.win);
    if (found === null || pending === null) throw notFound(`payout ${payoutId}`);
    const now = this.now();
    const at = new Date(now).toISOString();
    const head = `{"id":"${this.ids.next(now)}","type":"payout","at":"${at}"`;
    const reply = await setPayout(this.redis, found.tag, { payoutId, state, reference, nowIso: at, eventHead: head, pending: JSON.stringify(pending) });
    if (reply.kind === 'missing') throw notFound(`payout ${payoutId}`);
    if (reply.kind === 'paid_already') throw conflict(`payout ${payoutId} is paid: it cannot become ${state}`);
    return JSON.parse(reply.record) as PayoutRecord;
  }

  /** Paid or failed payouts: each has its record and its place in its state's index. */
  async #recorded(state: 'paid' | 'failed', after: string | null, limit: number): Promise<PayoutPage> {
    const ids: { tag: ShardTag; id: string }[] = [];
    for (const tag of ALL_SHARDS) {
      const page = await this.redis.zrangebylex(keys.payoutIndex(tag, state), after === null ? '-' : `(${after}`, '+', 'LIMIT', 0, limit);
      for (const id of page) ids.push({ tag, id });
    }
    ids.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const chosen = ids.slice(0, limit);
    const payouts: PayoutRecord[] = [];
    for (const tag of ALL_SHARDS) {
      const mine = chosen.filter((c) => c.tag === tag).map((c) => c.id);
      if (mine.length === 0) continue;
      for (const raw of await this.redis.hmget(keys.payouts(tag), ...mine)) if (raw !== null) payouts.push(JSON.parse(raw) as PayoutRecord);
    }
    payouts.sort((a, b) => (a.eventId < b.eventId ? -1 : 1));
    const last = chosen[chosen.length - 1];
    return { payouts, next: chosen.length === limit && last ? last.id : null };
  }

  /** Every payout (state null), or the pending ones: the cash wins in id order, each with its record if it left pending. */
  async #ofCashWins(state: 'pending' | null, after: string | null, limit: number): Promise<PayoutPage> {
    const payouts: PayoutRecord[] = [];
    let cursor = after;
    for (let looked = 0; payouts.length < limit && looked < limit * LOOKED_AT_PER_PAGE; ) {
      const rows = await this.stored.cashAfter(cursor, limit);
      if (rows.length === 0) return { payouts, next: null };
      looked += rows.length;
      const records = new Map<string, PayoutRecord>();
      for (const tag of ALL_SHARDS) {
        const mine = rows.filter((r) => r.shard === tag).map((r) => r.id);
        if (mine.length === 0) continue;
        for (const raw of await this.redis.hmget(keys.payouts(tag), ...mine)) {
          if (raw === null) continue;
          const p = JSON.parse(raw) as PayoutRecord;
          records.set(p.eventId, p);
        }
      }
      // one round of reads for the pending ones' wins (a consumer's is its code's record)
      const pending = await Promise.all(rows.map(async (row) => (records.has(row.id) ? null : this.#pendingOf(row))));
      for (const [i, row] of rows.entries()) {
        cursor = row.id;
        const payout = records.get(row.id) ?? pending[i] ?? null;
        if (payout !== null && (state === null || payout.state === state)) payouts.push(payout);
        if (payouts.length === limit) break;
      }
      if (rows.length < limit && payouts.length < limit) return { payouts, next: null };
    }
    return { payouts, next: cursor };
  }

  async #pendingOf(row: StoredWin): Promise<PayoutRecord | null> {
    const found = await this.wins.ofStored(row);
    return found === null ? null : pendingPayoutOf(found.win);
  }
}
