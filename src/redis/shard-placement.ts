// Which shard tags a deployment uses, decided once and kept under {meta}:shards: a code's shard is
// (serial + batchId) mod S, so S must never change under existing codes (a consumed code would look
// fresh in another shard). On Redis Cluster the tags are chosen so that shard j's slot sits on primary
// j mod P: the scans of one campaign spread over every primary.
import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import { keys, type ShardTag } from './keys.js';
import type { RedisClient } from './scripts.js';
import { StartupRefused } from '../startup-refused.js';

/** the slot ranges of each primary, in the order CLUSTER SHARDS/SLOTS lists them (sorted by first slot) */
async function primarySlotRanges(cluster: Cluster): Promise<[number, number][][]> {
  const slots = await cluster.cluster('SLOTS');
  const byPrimary = new Map<string, [number, number][]>();
  for (const [from, to, master] of slots) {
    if (master === undefined) continue;
    const id = `${master[0]}:${master[1]}`;
    const ranges = byPrimary.get(id) ?? [];
    ranges.push([from, to]);
    byPrimary.set(id, ranges);
  }
  return [...byPrimary.values()].sort((a, b) => Math.min(...a.map((r) => r[0])) - Math.min(...b.map((r) => r[0])));
}

/** S tags `{s<k>}`: on a cluster, shard j's tag hashes to a slot of primary j mod P */
export async function chooseShardTags(redis: RedisClient, count: number): Promise<ShardTag[]> {
  if (!(redis instanceof Cluster)) return Array.from({ length: count }, (_, i) => `{s${i}}`);
  const primaries = await primarySlotRanges(redis);
  const tags: ShardTag[] = [];
  const used = new Set<number>();
  for (let j = 0; j < count; j++) {
    const ranges = primaries[j % primaries.length] ?? [];
    for (let k = 0; ; k++) {
      if (used.has(k)) continue;
      const slot = calculateSlot(`{s${k}}`);
      if (ranges.some(([from, to]) => slot >= from && slot <= to)) {
        used.add(k);
        tags.push(`{s${k}}`);
        break;
      }
      if (k > 100_000) throw new StartupRefused('cannot find a shard tag for every primary of REDIS_CLUSTER (are all slots covered?)');
    }
  }
  return tags;
}

async function primaryCount(redis: RedisClient): Promise<number> {
  return redis instanceof Cluster ? (await primarySlotRanges(redis)).length : 1;
}

/**
 * The deployment's shard tags: those recorded, or (first start) `wanted` of them (default one per
 * primary), recorded with NX so that two engines starting at once agree. A SCANLOT_SHARDS that differs
 * from the record stops start-up: moving codes between shards is not supported.
 */
export async function placeShards(redis: RedisClient, wanted: number | null): Promise<ShardTag[]> {
  let stored = await redis.get(keys.shards);
  if (stored === null) {
    const tags = await chooseShardTags(redis, wanted ?? (await primaryCount(redis)));
    if ((await redis.set(keys.shards, JSON.stringify(tags), 'NX')) === 'OK') return tags;
    stored = (await redis.get(keys.shards)) as string;
  }
  const tags = JSON.parse(stored) as ShardTag[];
  if (wanted !== null && wanted !== tags.length) {
    throw new StartupRefused(
      `SCANLOT_SHARDS=${wanted} but this Redis's codes are spread over ${tags.length} shards (${keys.shards}): a code's shard depends on the count; start with SCANLOT_SHARDS=${tags.length} or unset`,
    );
  }
  return tags;
}
