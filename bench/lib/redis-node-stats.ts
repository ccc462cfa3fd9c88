// Counters of every primary a run uses (one redis-server, or each primary of a cluster), read with
// INFO from a plain connection to each node: calls per command (commandstats) and the server's CPU
// seconds (used_cpu_user + used_cpu_sys, all of its threads).
import { Redis } from 'ioredis';
import { diffCommandStats, parseCommandStats, type CommandStats } from './redis-probe.js';

export interface NodeSnapshot {
  port: number;
  commands: CommandStats;
  /** CPU seconds the server has used since it started */
  cpuSeconds: number;
}

export interface NodeDelta {
  port: number;
  commands: CommandStats;
  cpuSeconds: number;
}

function cpuSecondsOf(info: string): number {
  const field = (name: string): number => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? NaN);
  const s = field('used_cpu_user') + field('used_cpu_sys');
  if (!Number.isFinite(s)) throw new Error('INFO cpu has no used_cpu_user / used_cpu_sys');
  return s;
}

export class RedisNodeStats {
  private constructor(private readonly nodes: readonly { port: number; redis: Redis }[]) {}

  static async connect(ports: readonly number[], password: string | null = null): Promise<RedisNodeStats> {
    const nodes = ports.map((port) => ({
      port,
      redis: new Redis(port, '127.0.0.1', { connectionName: 'scanlot-bench-stats', maxRetriesPerRequest: 1, lazyConnect: true, ...(password ? { password } : {}) }),
    }));
    for (const n of nodes) await n.redis.connect();
    return new RedisNodeStats(nodes);
  }

  async snapshot(): Promise<NodeSnapshot[]> {
    return Promise.all(
      this.nodes.map(async ({ port, redis }) => {
        const [commands, cpu] = await Promise.all([redis.info('commandstats'), redis.info('cpu')]);
        return { port, commands: parseCommandStats(commands), cpuSeconds: cpuSecondsOf(cpu) };
      }),
    );
  }

  static diff(before: readonly NodeSnapshot[], after: readonly NodeSnapshot[]): NodeDelta[] {
    return after.map((a, i) => {
      const b = before[i];
      if (b === undefined || b.port !== a.port) throw new Error('snapshots of different nodes');
      return { port: a.port, commands: diffCommandStats(b.commands, a.commands), cpuSeconds: a.cpuSeconds - b.cpuSeconds };
    });
  }

  async close(): Promise<void> {
    for (const n of this.nodes) await n.redis.quit().catch(() => n.redis.disconnect());
  }
}
