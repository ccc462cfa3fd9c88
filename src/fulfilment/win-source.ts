// Aggregate source: every won scan is indexed by user (in the bucket of users its user falls in:
// src/redis/user-win-index.ts) and, for gifts and coupons, by voucher (for GET /me,
// GET /v/{voucher} and redemptions). The win itself is its code's record, which the scan wrote and its
// event id names (src/fulfilment/win-of-record.ts): no record per win is kept for it. The clerk's prize of
// a scan is a win of the clerk's, `<eventId>-clerk` (its voucher is derived from that id), kept as a win
// record here, and so is a win whose id names no code (an event from before ids named them), so a
// clerk's gift or coupon is redeemed like anyone's. A draw's prize (a spent chance, a ticket revealed in a
// shop) and the set prize it completed (`<eventId>-set`) are wins with records of their own too, and so is
// the set prize a scan's card completed (its own event, `<scan eventId>-set`, type set).
// HSETNX/ZADD: replaying an event changes nothing.
import { type AggregateOp, type AggregateSource, type StoredEvent } from '../aggregates/aggregate-op.js';
import { keys, type ShardTag } from '../redis/keys.js';
import { userWinMember } from '../redis/user-win-index.js';
import { codeOfEventId } from '../scan/event-ids.js';
import { asWonPrize, type WinRecord } from './win-record.js';

function winOps(event: StoredEvent, tag: ShardTag, winId: string, user: unknown, rawPrize: unknown): AggregateOp[] {
  const prize = asWonPrize(rawPrize);
  if (prize === null || typeof user !== 'string' || user === '') return [];
  const ops: AggregateOp[] = [{ kind: 'zadd', key: keys.userWinIndex(tag, user), score: 0, member: userWinMember(user, winId) }];
  if (winId !== event.id || codeOfEventId(winId) === null) {
    const win: WinRecord = { eventId: winId, user, campaignId: typeof event.campaignId === 'string' ? event.campaignId : null, prize, at: event.at };
    ops.push({ kind: 'hsetnx', key: keys.wins(tag), field: winId, value: JSON.stringify(win) });
  }
  if (prize.voucher) ops.push({ kind: 'hsetnx', key: keys.vouchers(tag), field: prize.voucher.code, value: winId });
  return ops;
}

/** The events whose prizes are drawn outside a scan's own: a draw's (or a reveal's), and a set's prize completed by a draw or a scan. */
export function isDrawEvent(event: StoredEvent): boolean {
  return event.type === 'chance' || event.type === 'reveal' || event.type === 'set';
}

/** A draw's prize and a set's prize it completed (a spent chance, or a ticket revealed in a shop: docs/store.md); a scan's completed set's prize. */
export function drawPrizes(event: StoredEvent): { readonly winId: string; readonly prize: unknown }[] {
  if (event.type === 'set') {
    const set = event.set as { prize?: unknown } | null | undefined;
    return typeof set === 'object' && set !== null && set.prize ? [{ winId: event.id, prize: set.prize }] : [];
  }
  const draw = event.draw as { outcome?: unknown; prize?: unknown; set?: { prize?: unknown } | null } | null | undefined;
  if ((event.type !== 'chance' && event.type !== 'reveal') || typeof draw !== 'object' || draw === null) return [];
  const out: { winId: string; prize: unknown }[] = [];
  if (draw.outcome === 'won' && draw.prize) out.push({ winId: event.id, prize: draw.prize });
  if (draw.set?.prize) out.push({ winId: `${event.id}-set`, prize: draw.set.prize });
  return out;
}

export const winSource: AggregateSource = (event, tag) => {
  if (isDrawEvent(event)) return drawPrizes(event).flatMap((d) => winOps(event, tag, d.winId, event.user, d.prize));
  if (event.type !== 'scan') return [];
  const ops = event.outcome === 'won' ? winOps(event, tag, event.id, event.user, event.prize) : [];
  if (event.clerkPrize) ops.push(...winOps(event, tag, `${event.id}-clerk`, event.clerk, event.clerkPrize));
  return ops;
};
