// The TypeScript side of lua/changePoints-3.lua (see its header).
import { keys, type ShardTag } from '../redis/keys.js';
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';

const SCRIPT = loadScript('changePoints-3.lua');

export interface ChangePointsReply {
  readonly outcome: 'applied' | 'replayed' | 'insufficient';
  readonly balance: number;
}

/** `eventHead`: '{"id":…,"type":"points","at":…,…' without the closing brace; the script appends the balance. */
export async function changePoints(redis: RedisClient, tag: ShardTag, user: string, delta: number, idempotencyKey: string, eventHead: string): Promise<ChangePointsReply> {
  const [code, balance] = (await evalScript(redis, SCRIPT, [keys.member(tag, user), keys.pointsKeys(tag, user), keys.events(tag), delta, idempotencyKey, eventHead])) as [number, number];
  return { outcome: code === 1 ? 'applied' : code === 0 ? 'replayed' : 'insufficient', balance: Number(balance) };
}
