// Reads one prize's per-shard buckets (state hash fields `s:` and `b:` per shard) and the units in
// transfer between them, so a test can check "Σ buckets + units in transfer + won = initial + top-ups"
// on its own, beside the audit, and `npm run bench:cluster` can tell the units left unwon (compiled for
// it: tsconfig "files").
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { openMoves } from '../buckets/open-moves.js';

export interface BucketUnits {
  /** the field's value in each shard's state hash, in shard order (absent = 0) */
  perShard: number[];
  /** units taken from a source whose give has not reached its target yet */
  inTransfer: number;
  /** Σ perShard + inTransfer */
  total: number;
}

/** `field` is `s:<prize>` (stock) or `b:<prize>` (budget). Read it while no scan runs: a transfer taken between the two reads would count twice. */
export async function bucketUnits(client: RedisClient, campaignId: string, field: string): Promise<BucketUnits> {
  const perShard: number[] = [];
  for (const t of ALL_SHARDS) perShard.push(Number((await client.hget(keys.campaignState(t, campaignId), field)) ?? 0));
  const inTransfer = (await openMoves(client, campaignId)).filter((m) => !m.given && m.move.field === field).reduce((n, m) => n + m.move.units, 0);
  return { perShard, inTransfer, total: perShard.reduce((a, b) => a + b, 0) + inTransfer };
}

/** consumed codes of a batch per shard: BITCOUNT of each shard's seen bitmap, in shard order */
export async function consumedPerShard(client: RedisClient, batchId: number): Promise<number[]> {
  const out: number[] = [];
  for (const t of ALL_SHARDS) out.push(await client.bitcount(keys.seen(t, batchId)));
  return out;
}
