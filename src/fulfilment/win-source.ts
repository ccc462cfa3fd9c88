// Aggregate source: every won scan becomes a win record (for GET /me, GET /v/{voucher} and
// redemptions), indexed by user and, for gifts and coupons, by voucher. HSETNX/ZADD: replaying an
// event changes nothing.
import { eventTime, type AggregateOp, type AggregateSource } from '../aggregates/aggregate-op.js';
import { keys } from '../redis/keys.js';
import { asWonPrize, type WinRecord } from './win-record.js';

export const winSource: AggregateSource = (event, tag) => {
  if (event.type !== 'scan' || event.outcome !== 'won' || typeof event.user !== 'string') return [];
  const prize = asWonPrize(event.prize);
  if (prize === null) return [];
  const win: WinRecord = {
    eventId: event.id,
    user: event.user,
    campaignId: typeof event.campaignId === 'string' ? event.campaignId : null,
    prize,
    at: event.at,
  };
  const ops: AggregateOp[] = [
    { kind: 'hsetnx', key: keys.wins(tag), field: event.id, value: JSON.stringify(win) },
    { kind: 'zadd', key: keys.userWins(tag, event.user), score: eventTime(event), member: event.id },
  ];
  if (prize.voucher) ops.push({ kind: 'hsetnx', key: keys.vouchers(tag), field: prize.voucher.code, value: event.id });
  return ops;
};
