// The shard tags of the deployment under test, as the engine recorded them: tests that reach into
// Redis name each shard's keys with them.
import type { Redis } from 'ioredis';
import { keys, type ShardTag } from '../redis/keys.js';

/** The shard tags the engine recorded under {meta}:shards (`['{s0}']` before an engine started). */
export async function deploymentShards(redis: Redis): Promise<ShardTag[]> {
  const raw = await redis.get(keys.shards);
  return raw === null ? ['{s0}'] : (JSON.parse(raw) as ShardTag[]);
}
