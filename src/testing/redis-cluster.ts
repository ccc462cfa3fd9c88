// A real three-node Redis Cluster (masters only) on free loopback ports, for one test file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../redis/embedded-redis.js';

export interface TestCluster {
  /** host:port of every node, comma-separated: the REDIS_CLUSTER value */
  seeds: string;
  ports: number[];
  /** keys on every node together */
  keyCount(): number;
  stop(): Promise<void>;
}

function cli(port: number, ...args: string[]): string {
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

export async function startCluster(nodes = 3): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'scanlot-cluster-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < nodes; i++) {
    const port = await freePort();
    const nodeDir = join(dir, String(port));
    mkdirSync(nodeDir);
    children.push(
      spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', nodeDir, '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' }),
    );
    ports.push(port);
  }
  const stop = async (): Promise<void> => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until('every node answering', () => ports.every((p) => cli(p, 'PING').trim() === 'PONG'));
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-yes'], { encoding: 'utf8' });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    await until('cluster_state:ok on every node', () => ports.every((p) => cli(p, 'CLUSTER', 'INFO').includes('cluster_state:ok')));
  } catch (err) {
    await stop();
    throw err;
  }
  const keyCount = (): number => ports.reduce((n, p) => n + Number(cli(p, 'DBSIZE').trim()), 0);
  return { seeds: ports.map((p) => `127.0.0.1:${p}`).join(','), ports, keyCount, stop };
}
