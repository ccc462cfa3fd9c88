// The TypeScript side of lua/applyForwarded-1.lua (read its header).
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';

const script = loadScript('applyForwarded-1.lua');

export interface OutboxEntry {
  readonly id: string;
  /** MessagePack array of ops, as packOps made them */
  readonly ops: Buffer;
}

/** Applies the entries not applied before (ids ascending); returns how many were applied now. */
export async function applyForwarded(redis: RedisClient, lastAppliedKey: string, entries: readonly OutboxEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  return Number(await evalScript(redis, script, [lastAppliedKey, ...entries.flatMap((e) => [e.id, e.ops])]));
}
