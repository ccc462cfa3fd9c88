// Every event store registered in Redis, and whether it is alive (its claim has not expired). Engines
// on one Redis each store the share of the stream they consumed: the audit says so when there are several.
import { keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { parseStoreRecord, type StoreRecord } from './store-record.js';

export interface RegisteredStore extends StoreRecord {
  readonly alive: boolean;
}

export async function registeredStores(redis: RedisClient): Promise<RegisteredStore[]> {
  const all = await redis.hgetall(keys.eventStores);
  const stores: RegisteredStore[] = [];
  for (const json of Object.values(all)) {
    const r = parseStoreRecord(json);
    if (r === null) continue;
    stores.push({ ...r, alive: (await redis.get(keys.eventStoreAlive(r.consumer))) === r.storeId });
  }
  return stores.sort((a, b) => a.consumer.localeCompare(b.consumer));
}
