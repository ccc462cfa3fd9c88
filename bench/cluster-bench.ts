// `npm run bench:cluster` (issue 15): the same scan workload as `npm run bench` (its campaign, its
// request mix) against the engine on a Redis Cluster of P primaries (SCANLOT_SHARDS default: one per
// primary) and, in the same run, on a single redis-server, both started here with the same settings
// (AOF every second). Per target: each primary's share of the scan-script calls, Redis CPU per scan
// summed over the primaries, engine CPU per scan, Redis calls per scan beyond the scans' own script
// calls, and a stock-limited prize scanned to exhaustion (units left unwon). Median of --runs; the
// capacity figures of README "Scaling out: one campaign over a Redis Cluster" follow from the medians (cluster-report.ts).
import { BENCH_SECRET, EngineProcess } from './lib/engine-process.js';
import { campaignBody } from './lib/bench-campaign.js';
import { runLoad } from './lib/load.js';
import { benchMain, logger, type Cleanup } from './lib/bench-main.js';
import { CpuWindow } from './lib/proc-stats.js';
import { RedisNodeStats, type NodeDelta } from './lib/redis-node-stats.js';
import { BODIES_PER_SECOND, countKinds, ScanBodyFactory } from './lib/scan-bodies.js';
import { scanToExhaustion, type ExhaustionResult } from './lib/stock-exhaustion.js';
import { parseClusterOptions, type ClusterBenchOptions } from './lib/cluster-options.js';
import { formatClusterResults, summarize, type ClusterBenchResults, type Target, type TargetRun } from './lib/cluster-report.js';
import { writeJson } from './lib/report.js';
import { startCluster } from '../src/testing/redis-cluster.js';
import { startRedis } from '../src/testing/redis-server.js';
import { keys, useShards } from '../src/redis/keys.js';
import type { RedisClient } from '../src/redis/scripts.js';
import { cpus, loadavg } from 'node:os';

const log = logger('bench:cluster');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface RedisUnderTest {
  ports: number[];
  client: RedisClient;
  env: Record<string, string>;
  stop(): Promise<void>;
}

async function startTarget(target: Target, primaries: number): Promise<RedisUnderTest> {
  if (target === 'cluster') {
    const c = await startCluster({ nodes: primaries, aof: true });
    return { ports: c.ports, client: c.client, env: { REDIS_CLUSTER: c.seeds, REDIS_URL: '', SCANLOT_SHARDS: '' }, stop: () => c.stop() };
  }
  const r = await startRedis({ aof: true });
  const shards = target === 'sharded' ? String(primaries) : '';
  return { ports: [r.port], client: r.client, env: { REDIS_URL: r.url, REDIS_CLUSTER: '', SCANLOT_SHARDS: shards }, stop: () => r.stop() };
}

async function waitDrained(engine: EngineProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while ((await engine.backlog()) > 0) {
    if (Date.now() > until) throw new Error(`event backlog not persisted within ${ms / 1000} s`);
    await sleep(50);
  }
}

async function registerBatch(engine: EngineProcess, sku: string, size: number): Promise<number> {
  const b = await engine.apiOk('POST', '/v1/batches', { sku, size }, 201);
  if (typeof b.batchId !== 'number') throw new Error(`POST /v1/batches: no batchId in ${JSON.stringify(b)}`);
  return b.batchId;
}

/** The engine's own count of its calls of one script (a gauge on /metrics). */
async function engineCalls(engine: EngineProcess, gauge: 'scanlot_scan_script_calls' | 'scanlot_limit_script_calls'): Promise<number> {
  const r = await engine.api('GET', '/metrics');
  const m = typeof r.body === 'string' ? new RegExp(`^${gauge} (\\d+)`, 'm').exec(r.body) : null;
  if (r.status !== 200 || m === null) throw new Error(`GET /metrics answered ${r.status} without ${gauge}`);
  return Number(m[1]);
}

const callsOf = (d: NodeDelta, names: readonly string[]): number => names.reduce((n, name) => n + (d.commands.get(name)?.calls ?? 0), 0);
const allCallsOf = (d: NodeDelta): number => [...d.commands.values()].reduce((n, s) => n + s.calls, 0);

async function runTarget(target: Target, opts: ClusterBenchOptions, run: number, cleanup: Cleanup): Promise<TargetRun> {
  log(`run ${run + 1}/${opts.runs}, ${target}: starting Redis and the engine`);
  const redis = await startTarget(target, opts.primaries);
  const stopRedis = cleanup.add(() => redis.stop());
  const engine = await EngineProcess.start([], redis.env);
  const stopEngine = cleanup.add(() => engine.stop());
  const stats = await RedisNodeStats.connect(redis.ports);
  const closeStats = cleanup.add(() => stats.close());
  const shards = JSON.parse((await redis.client.get(keys.shards)) ?? '[]') as string[];
  useShards(shards);

  const runId = `${Date.now().toString(36)}-${target}`;
  const warmupS = opts.smoke ? 0 : 1;
  const batchSize = Math.ceil((warmupS + opts.duration) * BODIES_PER_SECOND) + 100_000;
  const sku = `bench-${runId}`;
  const batchId = await registerBatch(engine, sku, batchSize);
  await engine.apiOk('POST', '/v1/campaigns', campaignBody(`bench-${runId}`, sku), 201);
  const factory = new ScanBodyFactory(BENCH_SECRET, batchId, batchSize);
  const load = { connections: opts.connections, duration: opts.duration, overallRate: null };
  if (warmupS > 0) {
    await runLoad(engine.url, '/v1/scans', factory.make(warmupS * BODIES_PER_SECOND).bodies, { ...load, duration: warmupS });
    await waitDrained(engine, 120_000);
  }
  const bodies = factory.make(Math.ceil(opts.duration * BODIES_PER_SECOND));

  log(`run ${run + 1}/${opts.runs}, ${target}: scans for ${opts.duration} s`);
  const before = await stats.snapshot();
  const scanCallsBefore = await engineCalls(engine, 'scanlot_scan_script_calls');
  const limitCallsBefore = await engineCalls(engine, 'scanlot_limit_script_calls');
  const cpu = new CpuWindow([engine.pid]);
  const r = await runLoad(engine.url, '/v1/scans', bodies.bodies, load);
  await sleep(200); // answers in flight when autocannon stopped
  await waitDrained(engine, 300_000);
  const engineUs = cpu.stop().perPid[0] ?? 0;
  const deltas = RedisNodeStats.diff(before, await stats.snapshot());
  const scanCalls = (await engineCalls(engine, 'scanlot_scan_script_calls')) - scanCallsBefore;
  const limitCalls = (await engineCalls(engine, 'scanlot_limit_script_calls')) - limitCallsBefore;

  const sent = countKinds(bodies, r.bodiesTaken);
  const scans = sent.fresh + sent.repeat;
  const scriptCalls = deltas.map((d) => callsOf(d, ['evalsha']));
  const totalScriptCalls = scriptCalls.reduce((a, b) => a + b, 0);
  const allCalls = deltas.reduce((n, d) => n + allCallsOf(d), 0);
  const redisCpuUs = deltas.reduce((n, d) => n + d.cpuSeconds * 1_000_000, 0);

  log(`run ${run + 1}/${opts.runs}, ${target}: a stock of ${opts.exhaustStock} to exhaustion`);
  const exhaust = await exhaustStock(engine, redis.client, opts, runId);

  await closeStats();
  await stopEngine();
  await stopRedis();
  return {
    target,
    shards: shards.length,
    primaries: redis.ports.length,
    rps: r.rps,
    status: r.status,
    scans,
    forged: sent.forged,
    primaryShares: deltas.map((d, i) => ({ port: d.port, scriptCalls: scriptCalls[i] ?? 0, share: totalScriptCalls === 0 ? 0 : (scriptCalls[i] ?? 0) / totalScriptCalls })),
    redisCpuUsPerScan: scans === 0 ? 0 : redisCpuUs / scans,
    engineCpuUsPerScan: scans === 0 ? 0 : engineUs / scans,
    scanCallsPerScan: scans === 0 ? 0 : scanCalls / scans,
    extraCallsPerScan: scans === 0 ? 0 : (totalScriptCalls - scanCalls) / scans,
    limitCallsPerScan: scans === 0 ? 0 : limitCalls / scans,
    otherCommandsPerScan: scans === 0 ? 0 : (allCalls - totalScriptCalls) / scans,
    commandsPerScan: perScan(deltas, scans),
    exhaustion: exhaust,
  };
}

/** where the Redis time per scan goes, command by command, summed over the primaries */
function perScan(deltas: readonly { commands: Map<string, { calls: number; usec: number }> }[], scans: number): Record<string, { calls: number; usec: number }> {
  const out: Record<string, { calls: number; usec: number }> = {};
  for (const d of deltas) {
    for (const [name, c] of d.commands) {
      const o = (out[name] ??= { calls: 0, usec: 0 });
      o.calls += c.calls / Math.max(1, scans);
      o.usec += c.usec / Math.max(1, scans);
    }
  }
  return out;
}

async function exhaustStock(engine: EngineProcess, client: RedisClient, opts: ClusterBenchOptions, runId: string): Promise<ExhaustionResult> {
  const size = Math.ceil((opts.exhaustStock / opts.exhaustProbability) * 3) + 10_000;
  const sku = `exhaust-${runId}`;
  const batchId = await registerBatch(engine, sku, size);
  const campaignId = `exhaust-${runId}`;
  const body = { ...campaignBody(campaignId, sku), prizes: [{ id: 'g', name: 'Gift', kind: 'gift', probability: opts.exhaustProbability, stock: opts.exhaustStock }], limits: {} };
  await engine.apiOk('POST', '/v1/campaigns', body, 201);
  return scanToExhaustion(engine, client, campaignId, 'g', opts.exhaustStock, new ScanBodyFactory(BENCH_SECRET, batchId, size), size, opts.connections);
}

async function bench(opts: ClusterBenchOptions, cleanup: Cleanup): Promise<ClusterBenchResults> {
  const startedAt = new Date();
  const loadAvgAtStart = loadavg();
  const runs: TargetRun[] = [];
  for (let i = 0; i < opts.runs; i++) {
    // alternate which target goes first, so drift over the session does not favour one
    const targets: Target[] = opts.shardedSingle ? ['cluster', 'single', 'sharded'] : ['cluster', 'single'];
    const order = i % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) runs.push(await runTarget(target, opts, i, cleanup));
  }
  return {
    summary: summarize(runs, opts.primaries),
    runs,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? '?', node: process.version, loadAvgAtStart, loadAvgAtEnd: loadavg() },
    options: (({ out: _out, ...rest }) => rest)(opts),
    startedAt: startedAt.toISOString(),
  };
}

void benchMain('bench:cluster', parseClusterOptions, bench, (opts, results) => {
  writeJson(opts.out, results);
  process.stdout.write(`${formatClusterResults(results)}\n\nwritten to ${opts.out}\n`);
});
