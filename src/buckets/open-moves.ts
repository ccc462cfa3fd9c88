// The open transfers of one campaign across every shard, each with whether its target has it already:
// an open transfer not given yet holds units that are in no bucket (in transfer, or stranded by a
// crash between take and give); one given but not closed is only waiting for its close.
import { ALL_SHARDS, keys, type ShardTag } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { parseOpenMove, type OpenMove } from './open-move.js';
import { kindOfField, prizeOfField } from './bucket.js';

export interface OpenMoveAt {
  campaignId: string;
  source: ShardTag;
  transferId: string;
  move: OpenMove;
  /** the target recorded this transfer id: its units are in the target's bucket */
  given: boolean;
}

export async function openMoves(redis: RedisClient, campaignId: string): Promise<OpenMoveAt[]> {
  const out: OpenMoveAt[] = [];
  for (const source of ALL_SHARDS) {
    // the moves first, then the targets: a transfer given and closed in between reads as given, never as lost
    const open = await redis.hgetall(keys.campaignMoves(source, campaignId));
    for (const [transferId, json] of Object.entries(open)) {
      const move = parseOpenMove(json);
      const given = (await redis.hexists(keys.campaignGiven(move.to, campaignId), transferId)) === 1;
      out.push({ campaignId, source, transferId, move, given });
    }
  }
  return out;
}

/** units taken and not yet given, per prize: stock units, budget amount, daily-cap units (all days), released units */
export interface PrizeInTransfer {
  stock: number;
  budget: number;
  daily: number;
  paced: number;
}

export function unitsInTransfer(moves: readonly OpenMoveAt[]): Map<string, PrizeInTransfer> {
  const out = new Map<string, PrizeInTransfer>();
  for (const m of moves) {
    if (m.given) continue;
    const prize = prizeOfField(m.move.field);
    const p = out.get(prize) ?? { stock: 0, budget: 0, daily: 0, paced: 0 };
    p[kindOfField(m.move.field)] += m.move.units;
    out.set(prize, p);
  }
  return out;
}
