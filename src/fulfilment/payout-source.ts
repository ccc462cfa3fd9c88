// Aggregate source: every cash win gets its payout, state pending, keyed by the win's event id: its place
// in the pending index, and, when the id names no code (a clerk's cash rebate drawn on the same scan,
// `<eventId>-clerk`, or a win from before ids named codes), its record. A consumer's pending payout is
// rebuilt from the code's record (src/fulfilment/pending-payout.ts). The win's event is written
// atomically by the scan script and the persist step applies these ops exactly once, so a payout is never
// missing (even across kill -9: the event stays pending in the stream until applied) and never doubled
// (ZADD, HSETNX).
import type { AggregateOp, AggregateSource, StoredEvent } from '../aggregates/aggregate-op.js';
import { keys, type ShardTag } from '../redis/keys.js';
import { codeOfEventId } from '../scan/event-ids.js';
import { asWonPrize, type PayoutRecord } from './win-record.js';
import { drawPrizes, isDrawEvent } from './win-source.js';

function payoutOps(tag: ShardTag, event: StoredEvent, payoutId: string, user: unknown, rawPrize: unknown): AggregateOp[] {
  const prize = asWonPrize(rawPrize);
  if (prize === null || prize.kind !== 'cash' || prize.amount === null || typeof user !== 'string' || user === '') return [];
  const index: AggregateOp = { kind: 'zadd', key: keys.payoutIndex(tag, 'pending'), score: 0, member: payoutId };
  if (payoutId === event.id && codeOfEventId(payoutId) !== null) return [index];
  const payout: PayoutRecord = {
    eventId: payoutId,
    user,
    amount: prize.amount,
    state: 'pending',
    reference: null,
    updatedAt: event.at,
    campaignId: typeof event.campaignId === 'string' ? event.campaignId : null,
    prizeId: prize.id,
  };
  return [{ kind: 'hsetnx', key: keys.payouts(tag), field: payoutId, value: JSON.stringify(payout) }, index];
}

export const payoutSource: AggregateSource = (event, tag) => {
  if (isDrawEvent(event)) return drawPrizes(event).flatMap((d) => payoutOps(tag, event, d.winId, event.user, d.prize));
  if (event.type !== 'scan') return [];
  const ops = event.outcome === 'won' ? payoutOps(tag, event, event.id, event.user, event.prize) : [];
  if (event.clerkPrize) ops.push(...payoutOps(tag, event, `${event.id}-clerk`, event.clerk, event.clerkPrize));
  return ops;
};
