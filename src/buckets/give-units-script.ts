// The TypeScript side of lua/giveUnits-2.lua (see its header): keys, arguments, reply.
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';
import { keys, type ShardTag } from '../redis/keys.js';
import type { BucketField } from './bucket.js';

const SCRIPT = loadScript('giveUnits-2.lua');

/** `given`: added now; `given before`: this transfer id was given already, nothing written */
export type GiveReply = 'given' | 'given before';

export async function runGiveUnits(
  redis: RedisClient,
  target: ShardTag,
  campaignId: string,
  bucket: { key: string; field: BucketField; ttlS: number },
  units: number,
  transferId: string,
): Promise<GiveReply> {
  const reply = Number(await evalScript(redis, SCRIPT, [bucket.key, keys.campaignGiven(target, campaignId), bucket.field, units, transferId, bucket.ttlS]));
  if (reply === 1) return 'given';
  if (reply === 0) return 'given before';
  throw new Error(`giveUnits answered ${reply}`);
}
