// Aggregate source: every won scan becomes a win record (for GET /me, GET /v/{voucher} and
// redemptions), indexed by user and, for gifts and coupons, by voucher. The clerk's prize of a scan is
// a win of the clerk's, `<eventId>-clerk` (its voucher is derived from that id), so a clerk's gift or
// coupon is redeemed like anyone's. HSETNX/ZADD: replaying an event changes nothing.
import { eventTime, type AggregateOp, type AggregateSource, type StoredEvent } from '../aggregates/aggregate-op.js';
import { keys, type ShardTag } from '../redis/keys.js';
import { asWonPrize, type WinRecord } from './win-record.js';

function winOps(event: StoredEvent, tag: ShardTag, winId: string, user: unknown, rawPrize: unknown): AggregateOp[] {
  const prize = asWonPrize(rawPrize);
  if (prize === null || typeof user !== 'string' || user === '') return [];
  const win: WinRecord = {
    eventId: winId,
    user,
    campaignId: typeof event.campaignId === 'string' ? event.campaignId : null,
    prize,
    at: event.at,
  };
  const ops: AggregateOp[] = [
    { kind: 'hsetnx', key: keys.wins(tag), field: winId, value: JSON.stringify(win) },
    { kind: 'zadd', key: keys.userWins(tag, user), score: eventTime(event), member: winId },
  ];
  if (prize.voucher) ops.push({ kind: 'hsetnx', key: keys.vouchers(tag), field: prize.voucher.code, value: winId });
  return ops;
}

export const winSource: AggregateSource = (event, tag) => {
  if (event.type !== 'scan') return [];
  const ops = event.outcome === 'won' ? winOps(event, tag, event.id, event.user, event.prize) : [];
  if (event.clerkPrize) ops.push(...winOps(event, tag, `${event.id}-clerk`, event.clerk, event.clerkPrize));
  return ops;
};
