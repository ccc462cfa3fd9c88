// The TypeScript side of lua/redeemWin-2.lua (see its header).
import { keys, type ShardTag } from '../redis/keys.js';
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';

const SCRIPT = loadScript('redeemWin-2.lua');

export type RedeemWinReply = { readonly redeemed: true } | { readonly redeemed: false; readonly earlier: string };

export async function redeemWin(redis: RedisClient, tag: ShardTag, eventId: string, recordJson: string, eventJson: string): Promise<RedeemWinReply> {
  const [code, earlier] = (await evalScript(redis, SCRIPT, [keys.redeemed(tag), keys.events(tag), eventId, recordJson, eventJson])) as [number, string | null];
  return code === 1 ? { redeemed: true } : { redeemed: false, earlier: earlier ?? '{}' };
}
