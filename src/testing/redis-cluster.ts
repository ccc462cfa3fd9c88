// A real Redis Cluster of primaries only (three by default) on free loopback ports, for one test file or
// one bench run. Each node can be killed (kill -9) and restarted on its port with its own nodes.conf, so
// it rejoins the cluster as the same node; with `aof` it comes back with its data, as a production
// primary with appendonly would. Also compiled for the bench (tsconfig "files").
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { freePort } from '../redis/embedded-redis.js';
import { HASH_MAX_LISTPACK_VALUE } from '../redis/redis-settings.js';

export interface ClusterOptions {
  nodes?: number;
  /** appendonly yes (fsync every second): a node killed and restarted keeps what it acknowledged */
  aof?: boolean;
}

export interface TestCluster {
  /** host:port of every node, comma-separated: the REDIS_CLUSTER value */
  seeds: string;
  ports: number[];
  /** a client of the whole cluster (routes by slot); errors while a node is down are the caller's */
  client: Cluster;
  /** keys on every node together */
  keyCount(): number;
  /** the port of the primary serving a key's slot (CLUSTER KEYSLOT, then CLUSTER SLOTS) */
  portOfKey(key: string): number;
  /** the process id of the node on a port */
  pid(port: number): number;
  /** kill -9 of the node on `port` */
  kill(port: number): Promise<void>;
  /** starts the node on `port` again and waits until the cluster is ok on every node */
  restart(port: number): Promise<void>;
  stop(): Promise<void>;
}

/** redis-cli against one node; the reply as text */
export function nodeCli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });
  return r.stdout ?? '';
}

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`redis cluster: ${what} not reached in ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** CLUSTER SLOTS of one node, as [from, to, port of the primary] */
function slotRanges(port: number): [number, number, number][] {
  // each entry: from, to, then per node [ip, port, id, metadata], the primary first
  const r = spawnSync('redis-cli', ['-p', String(port), '--json', 'CLUSTER', 'SLOTS'], { encoding: 'utf8' });
  const parsed = JSON.parse(r.stdout) as [number, number, [string, number, ...unknown[]], ...unknown[]][];
  return parsed.map(([from, to, primary]) => [from, to, primary[1]]);
}

export async function startCluster(opts: ClusterOptions = {}): Promise<TestCluster> {
  const nodes = opts.nodes ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'scanlot-cluster-'));
  const ports: number[] = [];
  const children = new Map<number, ChildProcess>();
  const persistence = opts.aof ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no'];
  const launch = (port: number): void => {
    const nodeDir = join(dir, String(port));
    mkdirSync(nodeDir, { recursive: true });
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', nodeDir, '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--save', '', ...persistence, '--maxmemory-policy', 'noeviction', '--hash-max-listpack-value', String(HASH_MAX_LISTPACK_VALUE)],
      { stdio: 'ignore' },
    );
    children.set(port, child);
  };
  for (let i = 0; i < nodes; i++) {
    const port = await freePort();
    ports.push(port);
    launch(port);
  }
  const allOk = (): boolean => ports.every((p) => nodeCli(p, 'CLUSTER', 'INFO').includes('cluster_state:ok'));
  let client: Cluster | null = null;
  const kill = async (port: number): Promise<void> => {
    const child = children.get(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  const stop = async (): Promise<void> => {
    client?.disconnect();
    for (const port of ports) await kill(port);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until('every node answering', () => ports.every((p) => nodeCli(p, 'PING').trim() === 'PONG'));
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-yes'], { encoding: 'utf8' });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    await until('cluster_state:ok on every node', allOk);
    client = new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })), { redisOptions: { maxRetriesPerRequest: 1 } });
    client.on('error', () => undefined);
    await client.ping();
  } catch (err) {
    await stop();
    throw err;
  }
  const cluster = client;
  const keyCount = (): number => ports.reduce((n, p) => n + Number(nodeCli(p, 'DBSIZE').trim()), 0);
  const portOfKey = (key: string): number => {
    const slot = Number(nodeCli(ports[0] as number, 'CLUSTER', 'KEYSLOT', key).trim());
    const range = slotRanges(ports[0] as number).find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`no primary serves slot ${slot} of ${key}`);
    return range[2];
  };
  const pid = (port: number): number => {
    const child = children.get(port);
    if (child?.pid === undefined) throw new Error(`no node on port ${port}`);
    return child.pid;
  };
  const restart = async (port: number): Promise<void> => {
    launch(port);
    await until(`node ${port} answering`, () => nodeCli(port, 'PING').trim() === 'PONG');
    await until('cluster_state:ok on every node after the restart', allOk);
  };
  return { seeds: ports.map((p) => `127.0.0.1:${p}`).join(','), ports, client: cluster, keyCount, portOfKey, pid, kill, restart, stop };
}
