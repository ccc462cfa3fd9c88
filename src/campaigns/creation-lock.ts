// One creation or change of scope or time at a time across the deployment (a Redis lock with a token
// and an expiry), so that two overlapping campaigns cannot both pass the overlap check.
import { conflict } from '../errors.js';
import { keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';

const LOCK_TTL_MS = 10_000;
const RETRY_MS = 50;
const TRIES = 100;

export async function withCreationLock<T>(redis: RedisClient, now: () => number, work: () => Promise<T>): Promise<T> {
  const lock = `${keys.campaignDefs}:lock`;
  const token = `${process.pid}:${now()}:${Math.random()}`;
  for (let i = 0; ; i++) {
    if ((await redis.set(lock, token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK') break;
    if (i > TRIES) throw conflict('another campaign is being created or changed; try again');
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
  try {
    return await work();
  } finally {
    // only the holder releases it: after an expiry another engine may hold it
    const held = await redis.get(lock);
    if (held === token) await redis.del(lock);
  }
}
