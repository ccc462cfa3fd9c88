// Counts the commands a piece of work makes Redis run, from INFO commandstats (commands called inside a
// script count as their own commands there). Deterministic on a Redis that nothing else talks to: the
// cost counters of the scan and persist paths hold ceilings on these numbers.
import type { Redis } from 'ioredis';

/** what the counting itself runs, and the script entry points (their inner calls are counted instead) */
const NOT_COUNTED = new Set(['info', 'config|resetstat', 'eval', 'evalsha', 'fcall', 'script|load', 'client|setinfo', 'client|setname', 'select']);

export type CommandCounts = Readonly<Record<string, number>>;

async function commandStats(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const text = await redis.info('commandstats');
  const out = new Map<string, { calls: number; usec: number }>();
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) out.set(m[1] as string, { calls: Number(m[2]), usec: Number(m[3]) });
  return out;
}

/**
 * The commands `work` made Redis run, by name, and their total (script entry points and INFO excluded);
 * `usec`: Redis' own time in each command, script entry points included (a script's time holds its commands').
 */
export async function commandsDuring(redis: Redis, work: () => Promise<unknown>): Promise<{ total: number; byCommand: CommandCounts; usec: CommandCounts }> {
  const before = await commandStats(redis);
  await work();
  const after = await commandStats(redis);
  const byCommand: Record<string, number> = {};
  const usec: Record<string, number> = {};
  let total = 0;
  for (const [name, now] of after) {
    const was = before.get(name) ?? { calls: 0, usec: 0 };
    const n = now.calls - was.calls;
    if (n === 0 || name === 'info' || name === 'config|resetstat') continue;
    usec[name] = now.usec - was.usec;
    if (NOT_COUNTED.has(name)) continue;
    byCommand[name] = n;
    total += n;
  }
  return { total, byCommand, usec };
}
