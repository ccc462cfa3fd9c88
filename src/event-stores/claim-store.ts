// The typed call of lua/claimStore-2.lua (see its header).
import { keys } from '../redis/keys.js';
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';
import { parseStoreRecord, type StoreRecord } from './store-record.js';

const script = loadScript('claimStore-2.lua');

export type ClaimResult = { claimed: true; previous: StoreRecord | null } | { claimed: false; holderStoreId: string };

export async function claimStore(redis: RedisClient, record: StoreRecord, ttlMs: number): Promise<ClaimResult> {
  const reply = (await evalScript(redis, script, [
    keys.eventStoreAlive(record.consumer),
    keys.eventStores,
    record.storeId,
    record.consumer,
    ttlMs,
    JSON.stringify(record),
  ])) as [number, string];
  if (reply[0] === 1) return { claimed: true, previous: reply[1] === '' ? null : parseStoreRecord(reply[1]) };
  return { claimed: false, holderStoreId: reply[1] };
}
