// The call of lua/touchApiKey-2.lua, mirroring its header: records a key's last use, keeping the later
// time of all engines, and nothing for a key revoked meanwhile.
import { keys } from '../redis/keys.js';
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';

const SCRIPT = loadScript('touchApiKey-2.lua');

/** true when written (or a later time was there), false when the key is revoked */
export async function touchApiKey(redis: RedisClient, keyId: string, lastUsedMs: number): Promise<boolean> {
  return (await evalScript(redis, SCRIPT, [keys.apiKeyLastUsed, keys.apiKeys, keyId, lastUsedMs])) === 1;
}
