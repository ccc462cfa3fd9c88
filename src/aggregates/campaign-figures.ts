// Campaign figures no scan decision reads, derived from the scan events as they are stored: outcome
// counts (the campaign's stats), wins per prize and per prize and day, members' points, and the
// shop and clerk leaderboards. The scan script keeps only what decides (stock, budget, capped counters).
// These lag the answers by one persist step (the linger, about 50-100 ms).
//
// With several shards, a member's points go to the member's home shard (homeShard(user)),
// where points are spent (lua/changePoints-3.lua): forwarded there when the event's shard is another
// (src/persistence/forward-ops.ts). Leaderboards stay in the event's shard, merged on read
// (src/campaigns/leaderboard.ts); each shard also keeps the time of each member's latest counted scan
// there, which orders ties across shards.
import { statsField } from '../redis/campaign-fields.js';
import { ALL_SHARDS, homeShard, keys, type ShardTag } from '../redis/keys.js';
import { eventTime, type AggregateContext, type AggregateOp, type StoredEvent } from './aggregate-op.js';

interface PrizeRef {
  id?: unknown;
  kind?: unknown;
  amount?: unknown;
}

const FIRST_SCANS = new Set(['won', 'lost', 'verified']);


export function campaignFigures(e: StoredEvent, tag: ShardTag, ctx: AggregateContext): AggregateOp[] {
  if (e.type !== 'scan') return [];
  const campaignId = e.campaignId;
  const ops: AggregateOp[] = [];
  const outcome = String(e.outcome);
  const user = typeof e.user === 'string' ? e.user : '';
  const prize = e.prize as PrizeRef | null;
  if (outcome === 'won' && prize && typeof prize.id === 'string' && user !== '' && !user.startsWith('anon_')) {
    // points are spent (a decision): they live on the member's home shard. The member's wins are rows of
    // the event stores (src/fulfilment/stored-wins.ts): no counter of their own
    if (prize.kind === 'points' && typeof prize.amount === 'number') ops.push({ kind: 'hincrby', key: keys.member(homeShard(user), user), field: 'points', by: prize.amount });
  }
  if (typeof campaignId !== 'string') return ops;
  const stats = keys.campaignStats(tag, campaignId);
  ops.push({ kind: 'hincrby', key: stats, field: statsField.outcome(outcome, typeof e.reason === 'string' ? e.reason : null), by: 1 });
  if (e.diverted === true) ops.push({ kind: 'hincrby', key: stats, field: 'diverted', by: 1 });
  const at = eventTime(e);
  const day = ctx.campaignDay(campaignId, at);
  for (const p of [outcome === 'won' ? prize : null, e.clerkPrize as PrizeRef | null]) {
    if (!p || typeof p.id !== 'string') continue;
    ops.push({ kind: 'hincrby', key: stats, field: statsField.won(p.id), by: 1 });
    if (day !== null) ops.push({ kind: 'hincrby', key: stats, field: statsField.wonOn(p.id, day), by: 1 });
  }
  if (FIRST_SCANS.has(outcome)) {
    const counter = keys.boardArrivals(tag, campaignId);
    for (const by of ['shop', 'clerk'] as const) {
      const member = e[by];
      if (typeof member !== 'string') continue;
      ops.push({ kind: 'rank', key: keys.board(tag, campaignId, by), member, counter });
      if (ALL_SHARDS.length > 1 && Number.isFinite(at)) ops.push({ kind: 'hmax', key: keys.boardLatest(tag, campaignId, by), field: member, value: at });
    }
  }
  return ops;
}
