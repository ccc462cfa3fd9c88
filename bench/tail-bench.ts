// `npm run bench:tail`: where the slow answers of a fixed-rate run come from. One engine (embedded
// Redis, or REDIS_URL), the open-loop generator of `npm run bench` at --rate for --duration seconds after
// --warmup seconds at the same rate, and for the measured window, side by side:
//   - the client's view: latency from each request's due time, and how many went out late;
//   - the engine's view: its scanlot_scan_duration_seconds histogram (request body read → answer
//     written) and its main thread's event-loop delay, both from /metrics;
//   - Redis' view: LATENCY LATEST (events over 2 ms) and SLOWLOG (commands over 2 ms of wall time).
// A command that normally takes microseconds and shows milliseconds in SLOWLOG waited for a core.
// --redis-config "NAME VALUE" (CONFIG SET before the run) and --engine-node-arg try changes.
// Prints a table and writes bench/results/tail.json (or --out).
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { campaignBody } from './lib/bench-campaign.js';
import { benchMain, logger, type Cleanup } from './lib/bench-main.js';
import { BENCH_SECRET, BENCH_TOKEN, EngineProcess } from './lib/engine-process.js';
import { runPaced } from './lib/open-loop.js';
import { readFlags, UsageError } from './lib/flags.js';
import { RedisProbe } from './lib/redis-probe.js';
import { int, num, table, writeJson } from './lib/report.js';
import { ScanBodyFactory } from './lib/scan-bodies.js';

const USAGE = `usage: npm run bench:tail -- [--rate R] [--connections N] [--duration S] [--warmup S] [--redis-config "NAME VALUE"]... [--engine-node-arg ARG]... [--out FILE]
  --rate R             scans per second, open loop (default 5000)
  --connections N      connections of the generator (default 50)
  --duration S         seconds measured (default 10)
  --warmup S           seconds at the rate before, not measured (default 2)
  --redis-config NV    CONFIG SET NAME VALUE on the engine's Redis before the run (repeatable)
  --engine-node-arg A  node option for the engine process (repeatable)
  --out FILE           results file (default bench/results/tail.json)`;

const SCAN_PATH = '/v1/scans';
/** Redis reports events and commands slower than this */
const REDIS_THRESHOLD_MS = 2;
/** a 100 ms window is slow when one of its answers took longer than this */
const SLOW_MS = 5;

interface Options {
  rate: number;
  connections: number;
  duration: number;
  warmup: number;
  redisConfig: [string, string][];
  engineNodeArgs: string[];
  out: string;
}

export interface TailResults {
  options: Options;
  client: { sent: number; answered: number; p50Ms: number; p99Ms: number; p999Ms: number; maxMs: number; sentLate: number; status: Record<string, number> };
  /** 100 ms windows of due times with an answer slower than SLOW_MS, of all windows */
  slowWindows: { slow: number; total: number };
  /** scans the engine answered in the window, and the share answered within each bound (request body → answer) */
  engine: { answered: number; shareWithinMs: Record<string, number>; loopDelayP99Ms: number; loopDelayMaxMs: number };
  redis: { latencyEvents: { event: string; maxMs: number }[]; slowCommands: number; slowest: { command: string; ms: number }[] };
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { rate: 5000, connections: 50, duration: 10, warmup: 2, redisConfig: [], engineNodeArgs: [], out: join(PROJECT_ROOT, 'bench', 'results', 'tail.json') };
  readFlags(argv, USAGE, (flag, v) => {
    if (flag === '--rate') o.rate = v.number(1, false);
    else if (flag === '--connections') o.connections = v.number(1, true);
    else if (flag === '--duration') o.duration = v.number(0.1, false);
    else if (flag === '--warmup') o.warmup = v.number(0, false);
    else if (flag === '--engine-node-arg') o.engineNodeArgs.push(v.text());
    else if (flag === '--out') o.out = v.text();
    else if (flag === '--redis-config') {
      const text = v.text();
      const m = /^(\S+)\s+(.*)$/.exec(text);
      if (!m) throw new UsageError(`--redis-config needs "NAME VALUE", got ${JSON.stringify(text)}\n${USAGE}`);
      o.redisConfig.push([m[1] as string, m[2] as string]);
    } else return false;
    return true;
  });
  return o;
}

const log = logger('bench:tail');

interface EngineMetrics {
  /** cumulative count of scans answered within each bucket bound (seconds, as prom-client writes it) */
  buckets: Map<string, number>;
  loopP99S: number;
  loopMaxS: number;
}

async function engineMetrics(engine: EngineProcess): Promise<EngineMetrics> {
  const r = await fetch(`${engine.url}/metrics`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
  if (r.status !== 200) throw new Error(`GET /metrics answered ${r.status}`);
  const m: EngineMetrics = { buckets: new Map(), loopP99S: 0, loopMaxS: 0 };
  for (const line of (await r.text()).split('\n')) {
    const b = /^scanlot_scan_duration_seconds_bucket\{le="([^"]+)"\} (\S+)$/.exec(line);
    if (b) m.buckets.set(b[1] as string, Number(b[2]));
    const l = /^scanlot_event_loop_delay_(p99|max)_seconds (\S+)$/.exec(line);
    if (l?.[1] === 'p99') m.loopP99S = Number(l[2]);
    if (l?.[1] === 'max') m.loopMaxS = Number(l[2]);
  }
  return m;
}

/** LATENCY LATEST: rows of [event, unix time, latest ms, max ms]. */
function latencyEvents(reply: unknown): { event: string; maxMs: number }[] {
  if (!Array.isArray(reply)) return [];
  return reply
    .filter((row): row is unknown[] => Array.isArray(row) && row.length >= 4)
    .map((row) => ({ event: String(row[0]), maxMs: Number(row[3]) }))
    .sort((a, b) => b.maxMs - a.maxMs);
}

/** SLOWLOG GET: entries of [id, unix time, µs, [command, args…], …]. */
function slowCommands(reply: unknown): { command: string; ms: number }[] {
  if (!Array.isArray(reply)) return [];
  return reply
    .filter((e): e is unknown[] => Array.isArray(e) && e.length >= 4 && Array.isArray(e[3]))
    .map((e) => ({ command: String((e[3] as unknown[])[0] ?? '?').toLowerCase(), ms: Number(e[2]) / 1000 }))
    .sort((a, b) => b.ms - a.ms);
}

async function bench(opts: Options, cleanup: Cleanup): Promise<TailResults> {
  log('starting the engine');
  const engine = await EngineProcess.start(opts.engineNodeArgs);
  cleanup.add(() => engine.stop());
  const probe = await RedisProbe.connect(engine.redisUrl());
  cleanup.add(() => probe.close());
  const redis = probe.redis;
  for (const [name, value] of opts.redisConfig) await redis.config('SET', name, value);

  const sku = `tail-${Date.now().toString(36)}`;
  const total = Math.ceil(opts.rate * (opts.warmup + opts.duration + 3)) + 1;
  const size = Math.max(100_000, Math.ceil(total * 1.2));
  const b = await engine.apiOk('POST', '/v1/batches', { sku, size }, 201);
  if (typeof b.batchId !== 'number') throw new Error(`POST /v1/batches: no batchId in ${JSON.stringify(b)}`);
  await engine.apiOk('POST', '/v1/campaigns', campaignBody(sku, sku), 201);
  const factory = new ScanBodyFactory(BENCH_SECRET, b.batchId, size);

  // 3 s at the rate first on connections of their own, so that the engine's code is compiled
  log(`warm-up: ${opts.rate}/s for 3 s`);
  await runPaced(engine.url, SCAN_PATH, factory.make(Math.ceil(opts.rate * 3)).bodies, { connections: opts.connections, rate: opts.rate, duration: 3 });

  log(`open loop: ${opts.rate}/s, ${opts.warmup} s + ${opts.duration} s measured`);
  const bodies = factory.make(Math.ceil(opts.rate * (opts.warmup + opts.duration)) + 1).bodies;
  // the measured window starts after the warm-up: read the engine's counters and reset Redis' then
  // (a holder: TypeScript does not see the assignment in the timer and would narrow a plain let to null)
  const measured: { opened: Promise<EngineMetrics> | null } = { opened: null };
  const windowStart = setTimeout(() => {
    measured.opened = (async () => {
      await redis.config('SET', 'latency-monitor-threshold', String(REDIS_THRESHOLD_MS));
      await redis.config('SET', 'slowlog-log-slower-than', String(REDIS_THRESHOLD_MS * 1000));
      await redis.config('SET', 'slowlog-max-len', '1024');
      await redis.call('LATENCY', 'RESET');
      await redis.call('SLOWLOG', 'RESET');
      return engineMetrics(engine);
    })();
  }, opts.warmup * 1000);
  cleanup.add(async () => clearTimeout(windowStart));
  const windows = new Map<number, number>();
  const paced = await runPaced(engine.url, SCAN_PATH, bodies, {
    connections: opts.connections,
    rate: opts.rate,
    duration: opts.duration,
    warmup: opts.warmup,
    onAnswer: (dueMs, latencyMs) => {
      const w = Math.floor(dueMs / 100);
      windows.set(w, Math.max(windows.get(w) ?? 0, latencyMs));
    },
  });
  const after = await engineMetrics(engine);
  if (measured.opened === null) throw new Error('the run ended before its measured window started');
  const start = await measured.opened;
  const latency = latencyEvents(await redis.call('LATENCY', 'LATEST'));
  const slow = slowCommands(await redis.call('SLOWLOG', 'GET', '1024'));

  const answered = (after.buckets.get('+Inf') ?? 0) - (start.buckets.get('+Inf') ?? 0);
  const shareWithinMs: Record<string, number> = {};
  for (const [le, n] of after.buckets) {
    if (le === '+Inf') continue;
    shareWithinMs[String(Number(le) * 1000)] = answered === 0 ? 0 : (n - (start.buckets.get(le) ?? 0)) / answered;
  }
  return {
    options: opts,
    client: {
      sent: paced.sent,
      answered: paced.answered,
      p50Ms: paced.latencyMs.p50,
      p99Ms: paced.latencyMs.p99,
      p999Ms: paced.latencyMs.p999,
      maxMs: paced.latencyMs.max,
      sentLate: paced.sentLate,
      status: paced.status,
    },
    slowWindows: { slow: [...windows.values()].filter((v) => v > SLOW_MS).length, total: windows.size },
    // the event-loop gauge covers the time since the previous scrape: the measured window
    engine: { answered, shareWithinMs, loopDelayP99Ms: after.loopP99S * 1000, loopDelayMaxMs: after.loopMaxS * 1000 },
    redis: { latencyEvents: latency, slowCommands: slow.length, slowest: slow.slice(0, 5) },
  };
}

function report(opts: Options, r: TailResults): void {
  const o = r.options;
  const out: string[] = [];
  out.push(`scanlot bench:tail: open loop at ${int(o.rate)}/s on ${o.connections} connections, ${o.duration} s measured after ${o.warmup} s` +
    (o.redisConfig.length > 0 ? `; redis ${o.redisConfig.map(([n, v]) => `${n}=${v}`).join(', ')}` : '') +
    (o.engineNodeArgs.length > 0 ? `; engine ${o.engineNodeArgs.join(' ')}` : ''));
  out.push('');
  out.push(
    table('Client (latency from each request\'s due time, ms)', [
      ['sent', 'answered', 'p50', 'p99', 'p99.9', 'max', 'sent > 1 ms late', `100 ms windows with an answer > ${SLOW_MS} ms`],
      [int(r.client.sent), int(r.client.answered), num(r.client.p50Ms), num(r.client.p99Ms), num(r.client.p999Ms), num(r.client.maxMs), int(r.client.sentLate), `${r.slowWindows.slow} of ${r.slowWindows.total}`],
    ]),
  );
  out.push('');
  const bounds = Object.keys(r.engine.shareWithinMs).sort((a, b) => Number(a) - Number(b));
  out.push(
    table('Engine (request body read → answer written, share of scans answered within; main-thread event-loop delay, ms)', [
      ['answered', ...bounds.map((b) => `≤ ${b} ms`), 'loop delay p99', 'loop delay max'],
      [int(r.engine.answered), ...bounds.map((b) => `${num(100 * (r.engine.shareWithinMs[b] ?? 0), 1)} %`), num(r.engine.loopDelayP99Ms), num(r.engine.loopDelayMaxMs)],
    ]),
  );
  out.push('');
  out.push(`Redis: LATENCY LATEST (events over ${REDIS_THRESHOLD_MS} ms, max ms): ${r.redis.latencyEvents.map((e) => `${e.event} ${e.maxMs}`).join(', ') || 'none'}`);
  out.push(`Redis: SLOWLOG, commands over ${REDIS_THRESHOLD_MS} ms of wall time: ${r.redis.slowCommands}; slowest: ${r.redis.slowest.map((s) => `${s.command} ${num(s.ms)} ms`).join(', ') || 'none'}`);
  process.stdout.write(`${out.join('\n')}\n`);
  writeJson(opts.out, r);
  process.stdout.write(`\nwritten to ${opts.out}\n`);
}

void benchMain('bench:tail', parseArgs, bench, report);
