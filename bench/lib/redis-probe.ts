// The bench's own connection to the engine's Redis: command counters, memory, and the server's pid
// (for its CPU time when it runs on this machine).
import { Redis } from 'ioredis';
import { processCmdline } from './proc-stats.js';

export interface CommandStat {
  calls: number;
  usec: number;
}

export type CommandStats = Map<string, CommandStat>;

/** Parses `INFO commandstats`: lines `cmdstat_<name>:calls=N,usec=N,usec_per_call=…,…`. */
export function parseCommandStats(info: string): CommandStats {
  const stats: CommandStats = new Map();
  for (const line of info.split(/\r?\n/)) {
    const m = /^cmdstat_([^:]+):(.*)$/.exec(line);
    if (!m) continue;
    const fields = new Map((m[2] as string).split(',').map((kv) => kv.split('=') as [string, string]));
    stats.set(m[1] as string, { calls: Number(fields.get('calls') ?? 0), usec: Number(fields.get('usec') ?? 0) });
  }
  return stats;
}

/** Counters of `after` minus those of `before`, commands with no calls in between left out. */
export function diffCommandStats(before: CommandStats, after: CommandStats): CommandStats {
  const d: CommandStats = new Map();
  for (const [name, a] of after) {
    const b = before.get(name) ?? { calls: 0, usec: 0 };
    if (a.calls - b.calls > 0) d.set(name, { calls: a.calls - b.calls, usec: a.usec - b.usec });
  }
  return d;
}

/**
 * Commands of the engine's stream consumer (its acknowledging script is sent as EVAL), the shared
 * clock's reading (TIME, GET), definition reloads (HGETALL) and health checks: not part of a scan.
 */
export const BACKGROUND_COMMANDS: ReadonlySet<string> = new Set([
  'xreadgroup', 'xack', 'xdel', 'xautoclaim', 'xlen', 'xgroup|create', 'xgroup', 'xpending', 'ping', 'info', 'client|setname', 'client',
  'eval', 'time', 'get',
  // engines re-read definitions (campaigns, API keys) when their version counter moved
  'hgetall',
]);

/** the scan script's calls (EVALSHA; after a Redis restart one EVAL re-caches it) */
export const SCRIPT_COMMANDS: readonly string[] = ['evalsha'];

export function scriptCalls(d: CommandStats): number {
  let n = 0;
  for (const name of SCRIPT_COMMANDS) n += d.get(name)?.calls ?? 0;
  return n;
}

export interface CommandUse {
  calls: number;
  /** calls per scan script call */
  perScript: number;
  usecPerCall: number;
}

/** Every command in `d` that is not a background one, with its calls per script call and cost. */
export function foregroundUse(d: CommandStats): Record<string, CommandUse> {
  const scripts = scriptCalls(d);
  const out: Record<string, CommandUse> = {};
  for (const [name, s] of d) {
    if (BACKGROUND_COMMANDS.has(name)) continue;
    out[name] = { calls: s.calls, perScript: scripts === 0 ? 0 : s.calls / scripts, usecPerCall: s.calls === 0 ? 0 : s.usec / s.calls };
  }
  return out;
}

/** Every command in `d` that is not a background one, as name → calls. */
export function foregroundCalls(d: CommandStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, s] of d) if (!BACKGROUND_COMMANDS.has(name)) out[name] = s.calls;
  return out;
}

function infoField(info: string, field: string): string | null {
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  return m ? (m[1] as string).trim() : null;
}

export class RedisProbe {
  private constructor(readonly redis: Redis) {}

  static async connect(url: string): Promise<RedisProbe> {
    const redis = new Redis(url, { connectionName: 'scanlot-bench', maxRetriesPerRequest: 1, lazyConnect: true });
    await redis.connect();
    return new RedisProbe(redis);
  }

  async commandStats(): Promise<CommandStats> {
    return parseCommandStats(await this.redis.info('commandstats'));
  }

  async usedMemory(): Promise<number> {
    return Number(infoField(await this.redis.info('memory'), 'used_memory'));
  }

  /** The server's pid when it runs on this machine (its /proc entry is a redis-server), else null. */
  async localPid(): Promise<number | null> {
    const pid = Number(infoField(await this.redis.info('server'), 'process_id'));
    if (!Number.isInteger(pid) || pid <= 0) return null;
    try {
      return processCmdline(pid)[0]?.includes('redis') ? pid : null;
    } catch {
      return null;
    }
  }

  async version(): Promise<string> {
    return infoField(await this.redis.info('server'), 'redis_version') ?? '?';
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
