// The typed call of lua/releaseStore-1.lua (see its header).
import { keys } from '../redis/keys.js';
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';

const script = loadScript('releaseStore-1.lua');

/** true: released; false: this store did not hold the name any more. */
export async function releaseStore(redis: RedisClient, consumer: string, storeId: string): Promise<boolean> {
  return (await evalScript(redis, script, [keys.eventStoreAlive(consumer), storeId])) === 1;
}
