// `npm run bench:floor`: what the shape of the scan hot path costs on this stack before any of scanlot's
// own work. With the same autocannon settings and request bodies as `npm run bench`, one after the other:
//   - the uWS hello (read and copy the body, answer a constant JSON), first and again last;
//   - floor, call per request: the hello plus one Lua script call per request on an embedded Redis
//     like the engine's (AOF every second, Unix socket) that sets one bit and appends one stream entry;
//   - floor, call per turn: the same, the requests of one event-loop turn sharing a call, as in the engine;
//   - floor, call per turn + SQLite: the same, and a worker thread moving each event into SQLite (one
//     consumer-group read per 500, one insert each into a table of id and body, XACK and XDEL).
// Each server then runs open loop at 60 % of its own maximum, as `npm run bench` does for the p99.
// CPU per request of the server process (all its threads) plus redis-server, from /proc. No JSON
// parsing, MAC check, draw or indexes: a lower bound of a scan's cost with one Redis round trip and one
// event per scan, without and with the event reaching SQLite.
// Prints a table and writes bench/results/floor.json (or --out).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedRedis } from '../src/redis/embedded-redis.js';
import { createLogger } from '../src/log.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { benchMain, logger, type Cleanup } from './lib/bench-main.js';
import { BENCH_SECRET } from './lib/engine-process.js';
import { readFlags } from './lib/flags.js';
import { FIXED_RATE_SHARE } from './lib/options.js';
import { errorsOf, runLoad } from './lib/load.js';
import { runPaced } from './lib/open-loop.js';
import { CpuWindow } from './lib/proc-stats.js';
import { FLOOR_STREAM } from './floor-keys.js';
import { diffCommandStats, RedisProbe, scriptCalls } from './lib/redis-probe.js';
import { int, num, table, writeJson } from './lib/report.js';
import { BODIES_PER_SECOND, ScanBodyFactory } from './lib/scan-bodies.js';
import { ServerProcess } from './lib/server-process.js';

const USAGE = `usage: npm run bench:floor -- [--duration S] [--connections N] [--warmup S] [--out FILE]
  --duration S      seconds measured per server (default 10)
  --connections N   autocannon connections (default 50)
  --warmup S        seconds of load before each measured run (default 2)
  --out FILE        results file (default bench/results/floor.json)`;

const PATH = '/v1/scans';

interface Options {
  duration: number;
  connections: number;
  warmup: number;
  out: string;
}

export interface FloorRun {
  name: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU µs per request: the server process, Redis (0 for the hello) and both */
  cpuUsServer: number;
  cpuUsRedis: number;
  cpuUsPerRequest: number;
  /** script calls per request (0 for the hello) */
  scriptCallsPerRequest: number;
  otherCpuCores: number;
  /** open loop at 60 % of this server's req/s above (after up to 2 s of warm-up at that rate), latency from each request's due time */
  fixedRate: { rate: number; p50Ms: number; p99Ms: number; p999Ms: number };
  /** for the floor with SQLite: answers of the warm-up and the measured run, and the rows in SQLite once the stream was empty */
  persisted?: { answered: number; rows: number };
}

export interface FloorResults {
  options: Options;
  runs: FloorRun[];
  /** per floor run: its CPU per request / the hello's, and its req/s / the hello's (the mean of the hello's two runs) */
  vsHello: { name: string; cpu: number; rps: number }[];
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { duration: 10, connections: 50, warmup: 2, out: join(PROJECT_ROOT, 'bench', 'results', 'floor.json') };
  readFlags(argv, USAGE, (flag, v) => {
    if (flag === '--duration') o.duration = v.number(0, false, true);
    else if (flag === '--connections') o.connections = v.number(1, true);
    else if (flag === '--warmup') o.warmup = v.number(0, false);
    else if (flag === '--out') o.out = v.text();
    else return false;
    return true;
  });
  return o;
}

const log = logger('bench:floor');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function bench(opts: Options, cleanup: Cleanup): Promise<FloorResults> {
  const dir = mkdtempSync(join(tmpdir(), 'scanlot-floor-'));
  cleanup.add(async () => rmSync(dir, { recursive: true, force: true }));
  const redis = new EmbeddedRedis(dir, null, createLogger('warn')) // no password: the floor's clients connect by URL, on a throw-away data dir;
  const redisUrl = await redis.start();
  cleanup.add(() => redis.stop());
  const probe = await RedisProbe.connect(redisUrl);
  cleanup.add(() => probe.close());
  const redisPid = await probe.localPid();
  if (redisPid === null) throw new Error('cannot find the pid of the embedded redis-server');

  log('preparing request bodies');
  const factory = new ScanBodyFactory(BENCH_SECRET, 1, 100_000_000);
  const warmupBodies = opts.warmup > 0 ? factory.make(Math.ceil(opts.warmup * BODIES_PER_SECOND)) : null;
  const mainBodies = factory.make(Math.ceil(opts.duration * BODIES_PER_SECOND));
  const load = { connections: opts.connections, duration: opts.duration, overallRate: null };

  /** `dbPath`: the floor's SQLite file, when it persists */
  const measure = async (name: string, script: string, env: Record<string, string>, withRedis: boolean, dbPath: string | null = null): Promise<FloorRun> => {
    log(`${name}: ${opts.duration} s`);
    // each floor starts on an empty Redis: the stream an earlier floor filled is no backlog of this one
    if (withRedis) await probe.redis.flushall();
    const server = await ServerProcess.start(name, script, env);
    const stop = cleanup.add(() => server.stop());
    const warmupAnswered = warmupBodies ? (await runLoad(server.url, PATH, warmupBodies.bodies, { ...load, duration: opts.warmup })).requests : 0;
    const statsBefore = await probe.commandStats();
    const cpu = new CpuWindow(withRedis ? [server.pid, redisPid] : [server.pid]);
    const r = await runLoad(server.url, PATH, mainBodies.bodies, load);
    const { perPid, otherCores } = cpu.stop();
    const calls = scriptCalls(diffCommandStats(statsBefore, await probe.commandStats()));
    const rate = Math.max(1, Math.round(r.rps * FIXED_RATE_SHARE));
    log(`${name}: open loop at ${rate}/s, ${opts.duration} s`);
    const paced = await runPaced(server.url, PATH, mainBodies.bodies, { connections: opts.connections, rate, duration: opts.duration, warmup: Math.min(2, opts.warmup) });
    let persisted: FloorRun['persisted'];
    if (dbPath !== null) {
      const until = Date.now() + 30_000;
      while ((await probe.redis.xlen(FLOOR_STREAM)) > 0 && Date.now() < until) await sleep(50);
      const db = new Database(dbPath, { readonly: true });
      const rows = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
      db.close();
      persisted = { answered: warmupAnswered + r.requests + paced.answered, rows };
    }
    await stop();
    const n = Math.max(1, r.requests);
    const serverUs = (perPid[0] ?? 0) / n;
    const redisUs = withRedis ? (perPid[1] ?? 0) / n : 0;
    let errors = errorsOf(r, ['200']) + paced.errors;
    for (const [code, count] of Object.entries(paced.status)) if (code !== '200') errors += count;
    return {
      name,
      rps: r.rps,
      p50Ms: r.latencyMs.p50,
      p99Ms: r.latencyMs.p99,
      errors,
      cpuUsServer: serverUs,
      cpuUsRedis: redisUs,
      cpuUsPerRequest: serverUs + redisUs,
      scriptCallsPerRequest: withRedis ? calls / n : 0,
      otherCpuCores: otherCores,
      fixedRate: { rate, p50Ms: paced.latencyMs.p50, p99Ms: paced.latencyMs.p99, p999Ms: paced.latencyMs.p999 },
      ...(persisted ? { persisted } : {}),
    };
  };

  // the hello runs first and last: the machine's speed drifts, and the ratios use the mean of the two
  const helloFirst = await measure('uWS hello', 'hello-uws', {}, false);
  const perCall = await measure('floor, one call per request', 'floor-server', { REDIS_URL: redisUrl, FLOOR_MODE: 'call' }, true);
  const perTurn = await measure('floor, one call per turn', 'floor-server', { REDIS_URL: redisUrl, FLOOR_MODE: 'turn' }, true);
  const dbPath = join(dir, 'floor.db');
  const persisted = await measure('floor, one call per turn + SQLite', 'floor-server', { REDIS_URL: redisUrl, FLOOR_MODE: 'turn', FLOOR_PERSIST: '1', FLOOR_DB: dbPath }, true, dbPath);
  const helloLast = await measure('uWS hello, again', 'hello-uws', {}, false);
  const helloCpu = (helloFirst.cpuUsPerRequest + helloLast.cpuUsPerRequest) / 2;
  const helloRps = (helloFirst.rps + helloLast.rps) / 2;
  const floors = [perCall, perTurn, persisted];
  return {
    options: opts,
    runs: [helloFirst, ...floors, helloLast],
    vsHello: floors.map((f) => ({ name: f.name, cpu: f.cpuUsPerRequest / helloCpu, rps: f.rps / helloRps })),
  };
}

function report(opts: Options, r: FloorResults): void {
  const rows = [
    ['server', 'req/s', 'p50', 'p99', 'errors', 'CPU µs/req', 'server', 'redis', 'script calls/req', 'other load (cores)', 'open loop at', 'p50', 'p99', 'p99.9'],
    ...r.runs.map((s) => [
      s.name, int(s.rps), num(s.p50Ms), num(s.p99Ms), int(s.errors), num(s.cpuUsPerRequest, 1), num(s.cpuUsServer, 1), num(s.cpuUsRedis, 1), num(s.scriptCallsPerRequest, 3), num(s.otherCpuCores),
      `${int(s.fixedRate.rate)}/s`, num(s.fixedRate.p50Ms), num(s.fixedRate.p99Ms), num(s.fixedRate.p999Ms),
    ]),
  ];
  process.stdout.write(`${table(`Floor of the scan hot path (--duration ${opts.duration} --connections ${opts.connections}; latency ms: autocannon at full speed, then open loop at 60 % of it)`, rows)}\n\n`);
  const vs = [['floor', 'CPU / hello CPU', 'req/s / hello req/s', 'open-loop p99 ms'], ...r.vsHello.map((v, i) => [v.name, num(v.cpu), num(v.rps), num(r.runs[i + 1]?.fixedRate.p99Ms ?? null)])];
  process.stdout.write(`${table('Against the uWS hello (issue 5 targets: CPU <= 2.00, req/s >= 0.80, p99 <= 5 ms)', vs)}\n\n`);
  for (const s of r.runs) if (s.persisted) process.stdout.write(`${s.name}: ${int(s.persisted.rows)} events in SQLite for ${int(s.persisted.answered)} answers\n`);
  writeJson(opts.out, r);
  process.stdout.write(`written to ${opts.out}\n`);
}

void benchMain('bench:floor', parseArgs, bench, report);
