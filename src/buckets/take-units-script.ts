// The TypeScript side of lua/takeUnits-2.lua (see its header): keys, arguments, reply.
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';
import { keys, type ShardTag } from '../redis/keys.js';
import type { BucketPlace } from './bucket.js';
import type { OpenMove } from './open-move.js';

const SCRIPT = loadScript('takeUnits-2.lua');

export type TakeReply = { taken: true; availableBefore: number } | { taken: false; available: number } | { taken: false; duplicate: true };

export async function runTakeUnits(redis: RedisClient, source: ShardTag, campaignId: string, place: BucketPlace, transferId: string, move: OpenMove): Promise<TakeReply> {
  const reply = (await evalScript(redis, SCRIPT, [
    place.key,
    keys.campaignMoves(source, campaignId),
    place.field,
    move.units,
    place.base,
    place.winsField,
    transferId,
    JSON.stringify(move),
    place.ttlS,
    place.countedAt === undefined ? '' : keys.clockShift(source),
    place.countedAt === undefined ? '' : place.countedAt,
  ])) as [number, number];
  const [code, n] = reply;
  if (code === 1) return { taken: true, availableBefore: n };
  if (code === 0) return { taken: false, available: n };
  if (code === -1) return { taken: false, duplicate: true };
  throw new Error(`takeUnits answered ${JSON.stringify(reply)}`);
}
