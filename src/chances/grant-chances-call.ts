// The TypeScript side of lua/grantChances-3.lua (see its header).
import { keys, type ShardTag } from '../redis/keys.js';
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';

const SCRIPT = loadScript('grantChances-3.lua');

export interface GrantChancesReply {
  readonly outcome: 'granted' | 'replayed' | 'key_reused';
  readonly balance: number;
}

/** `eventHead`: '{"id":…,"type":"chance",…' without the closing brace; the script appends the balance. */
export async function grantChances(
  redis: RedisClient,
  tag: ShardTag,
  g: { readonly user: string; readonly campaignId: string; readonly count: number; readonly idempotencyKey: string; readonly requestHash: string },
  eventHead: string,
): Promise<GrantChancesReply> {
  const [code, balance] = (await evalScript(redis, SCRIPT, [
    keys.chances(tag, g.user),
    keys.chanceKeys(tag, g.user),
    keys.events(tag),
    g.campaignId,
    g.count,
    `${g.campaignId}|${g.idempotencyKey}`,
    g.requestHash,
    eventHead,
  ])) as [number, number];
  if (code === 1) return { outcome: 'granted', balance: Number(balance) };
  if (code === 0) return { outcome: 'replayed', balance: Number(balance) };
  if (code === -2) return { outcome: 'key_reused', balance: Number(balance) };
  throw new Error(`grantChances: unknown reply ${JSON.stringify([code, balance])}`);
}
