// Reads one prize's per-shard buckets the way the shard design lays them out (state hash fields `s:` and
// `b:` per shard, open transfers in the source's `moves`, delivered ones in the target's `given`), so a
// test can check "Σ buckets + units in transfer + won = initial + top-ups" on its own, beside the audit,
// and `npm run bench:cluster` can tell the units left unwon (compiled for it: tsconfig "files").
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';

export interface BucketUnits {
  /** the field's value in each shard's state hash, in shard order (absent = 0) */
  perShard: number[];
  /** units taken from a source whose give has not reached its target yet */
  inTransfer: number;
  /** Σ perShard + inTransfer */
  total: number;
}

interface OpenMove {
  to: string;
  field: string;
  units: number;
}

/** `field` is `s:<prize>` (stock) or `b:<prize>` (budget). */
export async function bucketUnits(client: RedisClient, campaignId: string, field: string): Promise<BucketUnits> {
  const perShard: number[] = [];
  let inTransfer = 0;
  for (const t of ALL_SHARDS) {
    perShard.push(Number((await client.hget(keys.campaignState(t, campaignId), field)) ?? 0));
    const moves = await client.hgetall(`${t}:cp:${campaignId}:moves`);
    for (const [tid, json] of Object.entries(moves)) {
      const move = JSON.parse(json) as OpenMove;
      if (move.field !== field) continue;
      const given = await client.hexists(`${move.to}:cp:${campaignId}:given`, tid);
      if (given === 0) inTransfer += move.units;
    }
  }
  return { perShard, inTransfer, total: perShard.reduce((a, b) => a + b, 0) + inTransfer };
}

/** consumed codes of a batch per shard: BITCOUNT of each shard's seen bitmap, in shard order */
export async function consumedPerShard(client: RedisClient, batchId: number): Promise<number[]> {
  const out: number[] = [];
  for (const t of ALL_SHARDS) out.push(await client.bitcount(keys.seen(t, batchId)));
  return out;
}
