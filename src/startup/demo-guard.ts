// The demo (a batch and a live campaign) is for a first look at an empty installation. A fresh DATA_DIR
// pointed at a Redis that already serves batches is a new engine joining a deployment: a demo campaign
// there would be live for real buyers.
import { keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';

/** null: the demo may be created; else the reason it must not be. */
export async function demoRefusal(redis: RedisClient): Promise<string | null> {
  const batches = await redis.hlen(keys.batchDefs);
  return batches > 0 ? `no demo created: Redis already holds ${batches} batches` : null;
}
