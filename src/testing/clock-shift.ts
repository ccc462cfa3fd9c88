// The shared clock's shift (keys.clockShift) for tests and drills: every shard's script reads its own
// shard's key, so a shift is set on every shard the deployment recorded (keys.shards), not on {s0} alone.
import type { Redis } from 'ioredis';
import { keys } from '../redis/keys.js';
import { deploymentShards } from './shards.js';

/** Makes every shard's clock read `at` (ms) now: the shift is `at` minus this machine's clock. */
export async function shiftClockTo(redis: Redis, at: number): Promise<void> {
  const shift = String(at - Date.now());
  for (const t of await deploymentShards(redis)) await redis.set(keys.clockShift(t), shift);
}

export async function clearClockShift(redis: Redis): Promise<void> {
  for (const t of await deploymentShards(redis)) await redis.del(keys.clockShift(t));
}
