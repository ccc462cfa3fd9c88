// What a soak runs against: one Redis with its AOF (or a three-primary cluster, each primary with its
// AOF), a DCRM receiver that verifies every signature, and N engines, each with its own DATA_DIR and so
// its own SQLite event store. Every part can be broken and brought back by the fault schedule.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';
import { startRedis, type TestRedis } from '../../src/testing/redis-server.js';
import { nodeCli, startCluster, type TestCluster } from '../../src/testing/redis-cluster.js';
import { dcrmEnv, dcrmReceiver, type DcrmReceiver } from '../../src/testing/dcrm-receiver.js';
import { startEngine, type TestEngine } from '../../src/testing/engine-process.js';
import { keys, useShards, type ShardTag } from '../../src/redis/keys.js';

export type AnyRedis = Redis | Cluster;

export interface SoakRedis {
  readonly client: AnyRedis;
  /** the ports of the Redis servers (one, or each primary) */
  readonly ports: number[];
  /** kill -9 of one server (the first primary of a cluster unless told), then its restart from its AOF */
  kill(port: number): Promise<void>;
  restart(port: number): Promise<void>;
  /** CLIENT PAUSE of one server for `ms` */
  pause(port: number, ms: number): Promise<void>;
  /** used_memory summed over the servers (bytes) */
  usedMemory(): Promise<number>;
  /** the size of one server's AOF (aof_current_size, bytes): what a restart of it loads */
  aofBytes(port: number): Promise<number>;
  stop(): Promise<void>;
}

export interface SoakDeployment {
  readonly redis: SoakRedis;
  readonly receiver: DcrmReceiver;
  readonly engines: TestEngine[];
  /** the deployment's shard tags (read from Redis once the first engine recorded them) */
  readonly shards: ShardTag[];
  stop(): Promise<void>;
}

function infoField(info: string, field: string): number {
  return Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
}

function singleRedis(r: TestRedis): SoakRedis {
  return {
    client: r.client,
    ports: [r.port],
    kill: () => r.kill('SIGKILL'),
    restart: () => r.restart(),
    pause: async (_port, ms) => void (await r.client.call('CLIENT', 'PAUSE', String(ms), 'ALL')),
    usedMemory: async () => infoField(await r.client.info('memory'), 'used_memory'),
    aofBytes: async () => infoField(await r.client.info('persistence'), 'aof_current_size'),
    stop: () => r.stop(),
  };
}

function clusterRedis(c: TestCluster): SoakRedis {
  return {
    client: c.client,
    ports: c.ports,
    kill: (port) => c.kill(port),
    restart: (port) => c.restart(port),
    pause: async (port, ms) => void nodeCli(port, 'CLIENT', 'PAUSE', String(ms), 'ALL'),
    usedMemory: async () => c.ports.reduce((n, p) => n + infoField(nodeCli(p, 'INFO', 'memory'), 'used_memory'), 0),
    aofBytes: async (port) => infoField(nodeCli(port, 'INFO', 'persistence'), 'aof_current_size'),
    stop: () => c.stop(),
  };
}

export async function startDeployment(opts: { engines: number; cluster: boolean }): Promise<SoakDeployment> {
  const redis = opts.cluster ? clusterRedis(await startCluster({ aof: true })) : singleRedis(await startRedis({ aof: true }));
  const receiver = await dcrmReceiver();
  await receiver.listen();
  const engines: TestEngine[] = [];
  const dirs: string[] = [];
  const stop = async (): Promise<void> => {
    // each drains its stream and outbox on SIGTERM: at once rather than one after the other
    // (a start that failed left a hole at its index)
    await Promise.all(engines.filter((e): e is TestEngine => e !== undefined).map((e) => e.kill('SIGTERM').catch(() => undefined)));
    await receiver.close();
    await redis.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    // started together, as a deployment's replicas are (a start takes seconds on a loaded machine); every
    // start is waited for, so that a failed one leaves none of the others running
    const starts = await Promise.allSettled(Array.from({ length: opts.engines }, async (_, i) => {
      const dataDir = mkdtempSync(join(tmpdir(), `scanlot-soak-${i}-`));
      dirs.push(dataDir);
      const where: { redisUrl?: string; env: Record<string, string> } = opts.cluster
        ? { env: { REDIS_CLUSTER: redis.ports.map((p) => `127.0.0.1:${p}`).join(',') } }
        : { redisUrl: `redis://127.0.0.1:${redis.ports[0]}`, env: {} };
      const engine = await startEngine({
        ...(where.redisUrl ? { redisUrl: where.redisUrl } : {}),
        dataDir,
        env: {
          ...where.env,
          // the production DCRM timeout (10 s), not the test launcher's 500 ms: the receiver runs on the soak
          // process' event loop, which stalls for 400-800 ms now and then on a loaded machine (measured: the timeline's
          // soakLoopDelayMaxMs); an engine that gave up after 500 ms sent the batch again, after the receiver took it
          ...dcrmEnv(receiver, { SCANLOT_DCRM_POISON_ATTEMPTS: '3', SCANLOT_DCRM_TIMEOUT_MS: '10000' }),
          SCANLOT_CONSUMER: `soak-${i}`,
          // the production default, not the test launcher's 1 s: an engine restarted within it persists its own
          // pending events (a shorter one lets another engine store them a second time: see docs/soak.md)
          SCANLOT_RECLAIM_IDLE_MS: '30000',
          // every soak request comes from 127.0.0.1: the per-IP limits would answer the mix's forged and
          // repeated codes 429 and change what is checked
          SCANLOT_FORGED_PER_MINUTE: '1000000',
          SCANLOT_REPEATS_PER_MINUTE: '1000000',
        },
      });
      engines[i] = engine;
    }));
    const failed = starts.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const raw = await redis.client.get(keys.shards);
    const shards = raw === null ? (['{s0}'] as ShardTag[]) : (JSON.parse(raw) as ShardTag[]);
    useShards(shards);
    return { redis, receiver, engines, shards, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
