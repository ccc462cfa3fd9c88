// The TypeScript side of lua/closeMove-1.lua (see its header): keys, arguments, reply.
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';
import { keys, type ShardTag } from '../redis/keys.js';

const SCRIPT = loadScript('closeMove-1.lua');

/** `closed`, or `not open` (closed before by the mover or a repair) */
export async function runCloseMove(redis: RedisClient, source: ShardTag, campaignId: string, transferId: string): Promise<'closed' | 'not open'> {
  const reply = Number(await evalScript(redis, SCRIPT, [keys.campaignMoves(source, campaignId), transferId]));
  if (reply === 1) return 'closed';
  if (reply === 0) return 'not open';
  throw new Error(`closeMove answered ${reply}`);
}
