// Shop and clerk leaderboards (GET /v1/campaigns/{id}/leaderboard?by=shop|clerk): first scans per
// member, ties to who got there first. Each shard counts the first scans of its own events in a sorted
// set (lua/includes/aggregate-ops.lua, rank op); a member's count is the sum over shards.
//
// One shard: its sorted set is the board, ties ordered by arrival. Several: merged on read, exactly, by
// Fagin's threshold algorithm: read each shard's set from the top a page at a time, look up every member
// seen on every shard (its total), and stop once the limit-th total is greater than the sum of the
// counts where each shard's page ended (no member not yet seen can reach it). A member got to its total
// with its latest counted scan: ties order by that time (each shard keeps it, boardLatest), to the ms,
// then by id. Merging on read keeps the writes in the event's shard, so they spread like the scans.
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';

export interface BoardRow {
  id: string;
  scans: number;
  rank: number;
}

const TWO32 = 2 ** 32;
const scansOf = (score: string | null | undefined): number => (score == null ? 0 : Math.floor(Number(score) / TWO32));

export async function leaderboard(redis: RedisClient, campaignId: string, by: 'shop' | 'clerk', limit: number): Promise<BoardRow[]> {
  if (ALL_SHARDS.length === 1) {
    const flat = await redis.zrevrange(keys.board(ALL_SHARDS[0] as string, campaignId, by), 0, limit - 1, 'WITHSCORES');
    const out: BoardRow[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: flat[i] as string, scans: scansOf(flat[i + 1]), rank: out.length + 1 });
    return out;
  }
  return merged(redis, campaignId, by, limit);
}

interface Total {
  id: string;
  scans: number;
  latest: number;
}

const better = (a: Total, b: Total): number => b.scans - a.scans || a.latest - b.latest || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

async function merged(redis: RedisClient, campaignId: string, by: 'shop' | 'clerk', limit: number): Promise<BoardRow[]> {
  // pages grow: a board of many small counts (where no early stop is possible) takes few round trips
  let page = Math.max(limit * 2, 100);
  const boards = ALL_SHARDS.map((t) => keys.board(t, campaignId, by));
  const latests = ALL_SHARDS.map((t) => keys.boardLatest(t, campaignId, by));
  /** per shard: where the next page starts, and the count of the last member read (0 once exhausted) */
  const next = boards.map(() => 0);
  const edge = boards.map(() => Infinity);
  const totals = new Map<string, Total>();
  for (;;) {
    const fresh = new Set<string>();
    for (const [i, board] of boards.entries()) {
      if (edge[i] === 0) continue;
      const flat = await redis.zrevrange(board, next[i] as number, (next[i] as number) + page - 1, 'WITHSCORES');
      for (let j = 0; j + 1 < flat.length; j += 2) if (!totals.has(flat[j] as string)) fresh.add(flat[j] as string);
      next[i] = (next[i] as number) + flat.length / 2;
      edge[i] = flat.length / 2 < page ? 0 : scansOf(flat[flat.length - 1]);
    }
    if (fresh.size > 0) {
      const ids = [...fresh];
      const found = ids.map((id) => ({ id, scans: 0, latest: 0 }));
      for (const [i, board] of boards.entries()) {
        const [scores, times] = await Promise.all([redis.zmscore(board, ...ids), redis.hmget(latests[i] as string, ...ids)]);
        found.forEach((f, j) => {
          f.scans += scansOf(scores[j]);
          f.latest = Math.max(f.latest, Number(times[j] ?? 0));
        });
      }
      for (const f of found) totals.set(f.id, f);
    }
    page = Math.min(page * 2, 10_000);
    const ranked = [...totals.values()].sort(better);
    const threshold = edge.reduce((a, b) => a + b, 0);
    const kth = ranked[limit - 1];
    if (threshold === 0 || (kth !== undefined && kth.scans > threshold)) {
      return ranked.slice(0, limit).map((t, i) => ({ id: t.id, scans: t.scans, rank: i + 1 }));
    }
  }
}
