// Counts the commands a piece of work makes Redis run, from INFO commandstats (commands called inside a
// script count as their own commands there). Deterministic on a Redis that nothing else talks to: the
// cost counters of the scan and persist paths hold ceilings on these numbers.
import type { Redis } from 'ioredis';

/** what the counting itself runs, and the script entry points (their inner calls are counted instead) */
const NOT_COUNTED = new Set(['info', 'config|resetstat', 'eval', 'evalsha', 'fcall', 'script|load', 'client|setinfo', 'client|setname', 'select']);

export type CommandCounts = Readonly<Record<string, number>>;

async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info('commandstats');
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1] as string, Number(m[2]));
  return out;
}

/** The commands `work` made Redis run, by name, and their total (script entry points and INFO excluded). */
export async function commandsDuring(redis: Redis, work: () => Promise<unknown>): Promise<{ total: number; byCommand: CommandCounts }> {
  const before = await commandStats(redis);
  await work();
  const after = await commandStats(redis);
  const byCommand: Record<string, number> = {};
  let total = 0;
  for (const [name, calls] of after) {
    const n = calls - (before.get(name) ?? 0);
    if (n === 0 || NOT_COUNTED.has(name)) continue;
    byCommand[name] = n;
    total += n;
  }
  return { total, byCommand };
}
