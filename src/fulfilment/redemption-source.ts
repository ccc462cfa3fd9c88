// Aggregate source: redemptions indexed by time, for the whole deployment and per shop
// (GET /v1/reports/redemptions). The redemption itself was recorded by the redeemWin script.
import type { AggregateSource } from '../aggregates/aggregate-op.js';
import { keys } from '../redis/keys.js';

export const redemptionSource: AggregateSource = (event, tag) => {
  if (event.type !== 'redemption' || typeof event.eventId !== 'string' || typeof event.shop !== 'string') return [];
  const at = Date.parse(event.at);
  return [
    { kind: 'zadd', key: keys.redemptionsByTime(tag), score: at, member: event.eventId },
    { kind: 'zadd', key: keys.redemptionsOfShop(tag, event.shop), score: at, member: event.eventId },
  ];
};
