// The TypeScript side of lua/changePoints-3.lua (see its header).
import { keys, type ShardTag } from '../redis/keys.js';
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';

const SCRIPT = loadScript('changePoints-3.lua');

export interface ChangePointsReply {
  readonly outcome: 'applied' | 'replayed' | 'insufficient' | 'key_reused';
  readonly balance: number;
}

/**
 * `eventHead`: '{"id":…,"type":"points","at":…,…' without the closing brace; the script appends the balance.
 * `requestHash`: hex digest of the request the key comes with (src/validation/request-hash.ts).
 */
export async function changePoints(
  redis: RedisClient,
  tag: ShardTag,
  user: string,
  c: { readonly delta: number; readonly idempotencyKey: string; readonly requestHash: string },
  eventHead: string,
): Promise<ChangePointsReply> {
  const [code, balance] = (await evalScript(redis, SCRIPT, [keys.member(tag, user), keys.pointsKeys(tag, user), keys.events(tag), c.delta, c.idempotencyKey, eventHead, c.requestHash])) as [number, number];
  const outcome = code === 1 ? 'applied' : code === 0 ? 'replayed' : code === -2 ? 'key_reused' : 'insufficient';
  return { outcome, balance: Number(balance) };
}
