// Pruning of the `given` hashes of bucket transfers. A give is idempotent because the target records the
// transfer id (lua/giveUnits-2.lua); a repair that read a transfer as open may give it again after its
// mover closed it, so an id cannot go the moment its transfer closes. Instead a transfer seen closed
// (its id in no source's open transfers) is marked `closed:<ms>`, and deleted once it has been closed for
// `keptMs`: far longer than a repair takes between reading an open transfer and giving it. An id whose
// transfer is still open (given, not closed: a crash before the close) is never touched.
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';

const CLOSED = 'closed:';

export interface GivenPruning {
  /** ids seen closed for the first time, marked now */
  marked: number;
  /** ids closed for longer than keptMs, deleted */
  pruned: number;
}

/** `openIds`: every transfer id of the campaign still open on any source, read before this call. */
export async function pruneGiven(redis: RedisClient, campaignId: string, openIds: ReadonlySet<string>, now: number, keptMs: number): Promise<GivenPruning> {
  const out: GivenPruning = { marked: 0, pruned: 0 };
  for (const t of ALL_SHARDS) {
    const key = keys.campaignGiven(t, campaignId);
    const given = await redis.hgetall(key);
    const stale: string[] = [];
    for (const [id, value] of Object.entries(given)) {
      if (openIds.has(id)) continue;
      if (!value.startsWith(CLOSED)) {
        await redis.hset(key, id, `${CLOSED}${now}`);
        out.marked++;
      } else if (now - Number(value.slice(CLOSED.length)) > keptMs) {
        stale.push(id);
      }
    }
    if (stale.length > 0) out.pruned += await redis.hdel(key, ...stale);
  }
  return out;
}
