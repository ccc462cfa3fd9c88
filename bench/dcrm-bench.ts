// `npm run bench:dcrm`: what DCRM delivery costs the scan path, and how fast it delivers. Rounds of an
// engine with delivery OFF (no DCRM_URL) then one with delivery ON (DCRM_URL pointing at a loopback
// receiver), interleaved in one run, each a fresh engine with its own embedded redis-server (or
// REDIS_URL, with a fresh batch and campaign per engine), same autocannon settings and freshly prepared
// bodies of the same mix. Prints a table and writes bench/results/dcrm.json.
//
// The receiver runs in its own process (this file, forked with RECEIVER_FLAG), so that its CPU is not
// counted as the engine's: node:http, answers 200 to every POST of {"events":[…]}, checks no signature,
// counts events and unique ids, and reports them on GET /count.
import { campaignBody } from './lib/bench-campaign.js';
import { int, num, table, writeJson } from './lib/report.js';
import { benchMain, logger, type Cleanup } from './lib/bench-main.js';
import { readFlags } from './lib/flags.js';
import { stopChild } from './lib/stop-child.js';
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { cpus, loadavg, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../src/paths.js';
import { BENCH_SECRET, EngineProcess } from './lib/engine-process.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { CpuWindow } from './lib/proc-stats.js';
import { diffCommandStats, RedisProbe, scriptCalls } from './lib/redis-probe.js';
import { BODIES_PER_SECOND, ScanBodyFactory, type BodySet } from './lib/scan-bodies.js';

const RECEIVER_FLAG = '--dcrm-bench-receiver';
const SCAN_PATH = '/v1/scans';
const WARMUP_S = 1;
const DCRM_BENCH_SECRET = 'dcrm-bench-secret-0123456789abcdef';
/** a backlog smaller than this at the end of the load is "kept up" (as persist in run-bench) */
const DRAIN_MIN_BACKLOG = 1_000;

// ---------------------------------------------------------------------------------------------------
// The receiver (child process)

/** What the receiver reports on GET /count (since its last POST /reset). */
export interface ReceiverCount {
  /** POSTs of events answered 200 */
  requests: number;
  /** events received, copies included */
  events: number;
  /** distinct event ids */
  unique: number;
  /** POSTs that were not {"events":[{id},…]} (answered 400) */
  bad: number;
  /** Date.now() when the last new id arrived; 0 when none */
  lastNewAtMs: number;
  /** Date.now() when the first event arrived; 0 when none */
  firstAtMs: number;
}

function runReceiver(): void {
  let count: ReceiverCount = { requests: 0, events: 0, unique: 0, bad: 0, lastNewAtMs: 0, firstAtMs: 0 };
  let ids = new Set<string>();
  const reply = (res: ServerResponse, status: number, body: string): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const onEvents = (raw: string, res: ServerResponse): void => {
    let list: unknown;
    try {
      list = (JSON.parse(raw) as { events?: unknown }).events;
    } catch {
      list = undefined;
    }
    if (!Array.isArray(list)) {
      count.bad++;
      reply(res, 400, '{"error":"expected {\\"events\\":[…]}"}');
      return;
    }
    const now = Date.now();
    if (count.firstAtMs === 0 && list.length > 0) count.firstAtMs = now;
    count.requests++;
    for (const e of list as unknown[]) {
      count.events++;
      const id = typeof e === 'object' && e !== null ? (e as { id?: unknown }).id : undefined;
      if (typeof id === 'string' && !ids.has(id)) {
        ids.add(id);
        count.lastNewAtMs = now;
      }
    }
    count.unique = ids.size;
    reply(res, 200, '{"ok":true}');
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/count') return reply(res, 200, JSON.stringify(count));
      if (req.method === 'POST' && req.url === '/reset') {
        count = { requests: 0, events: 0, unique: 0, bad: 0, lastNewAtMs: 0, firstAtMs: 0 };
        ids = new Set();
        return reply(res, 200, '{"ok":true}');
      }
      if (req.method === 'POST') return onEvents(Buffer.concat(chunks).toString('utf8'), res);
      reply(res, 404, '{"error":"not found"}');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    process.send?.({ type: 'ready', port: typeof addr === 'object' && addr ? addr.port : 0 });
  });
  // the bench went away (or stops us): nothing to keep
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

/** The receiver process, seen from the bench. */
class Receiver {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('receiver has no pid');
    return this.child.pid;
  }

  /** Where the engine posts its batches. */
  get eventsUrl(): string {
    return `${this.url}/dcrm/events`;
  }

  static async start(): Promise<Receiver> {
    const child = fork(fileURLToPath(import.meta.url), [RECEIVER_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the DCRM receiver did not start in 15 s')), 15_000);
      child.once('message', (m: unknown) => {
        clearTimeout(timer);
        const port = typeof m === 'object' && m !== null ? (m as { port?: unknown }).port : undefined;
        if (typeof port === 'number' && port > 0) resolve(port);
        else reject(new Error(`the DCRM receiver sent ${JSON.stringify(m)}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the DCRM receiver exited with ${code}`));
      });
    }).catch((err: unknown) => {
      child.kill('SIGKILL');
      throw err;
    });
    return new Receiver(child, `http://127.0.0.1:${port}`);
  }

  async count(): Promise<ReceiverCount> {
    const r = await fetch(`${this.url}/count`);
    const b = (await r.json()) as Partial<ReceiverCount>;
    const n = (v: unknown): number => (typeof v === 'number' ? v : NaN);
    return { requests: n(b.requests), events: n(b.events), unique: n(b.unique), bad: n(b.bad), lastNewAtMs: n(b.lastNewAtMs), firstAtMs: n(b.firstAtMs) };
  }

  async reset(): Promise<void> {
    const r = await fetch(`${this.url}/reset`, { method: 'POST' });
    await r.text();
    if (r.status !== 200) throw new Error(`receiver reset answered ${r.status}`);
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

// ---------------------------------------------------------------------------------------------------
// The bench

interface Options {
  duration: number;
  connections: number;
  rounds: number;
}

const USAGE = `usage: npm run bench:dcrm -- [--duration S] [--connections N] [--rounds K]
  --duration S     seconds of each load run (default 10)
  --connections N  autocannon connections (default 50)
  --rounds K       rounds of (delivery off, delivery on), interleaved (default 2)`;


function parseArgs(argv: readonly string[]): Options {
  const o: Options = { duration: 10, connections: 50, rounds: 2 };
  readFlags(argv, USAGE, (flag, v) => {
    if (flag === '--duration') o.duration = v.number(0, false, true);
    else if (flag === '--connections') o.connections = v.number(1, true);
    else if (flag === '--rounds') o.rounds = v.number(1, true);
    else return false;
    return true;
  });
  return o;
}

const log = logger('bench:dcrm');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


export interface DeliveryFigures {
  /** distinct event ids the receiver got during the measured run */
  events: number;
  /** copies beyond the first (a batch sent twice) */
  duplicates: number;
  /** POSTs */
  batches: number;
  /** events not yet at the receiver when the load stopped */
  backlogAtLoadEnd: number;
  /** from load start until the receiver had every event of the run */
  secondsFromLoadStart: number;
  /** events / secondsFromLoadStart */
  eventsPerSec: number;
  /** from load end until the receiver had every event */
  lagAfterLoadS: number;
  /** backlogAtLoadEnd / lagAfterLoadS, when the backlog was at least DRAIN_MIN_BACKLOG */
  drainEventsPerSec: number | null;
  /** CPU µs of the receiver process per event received (not counted in the engine's CPU) */
  receiverCpuUsPerEvent: number | null;
  /** POSTs the receiver could not read as {"events":[…]} */
  badRequests: number;
}

export interface DcrmRun {
  round: number;
  delivery: 'off' | 'on';
  scansPerSec: number;
  requests: number;
  durationS: number;
  p50Ms: number;
  p99Ms: number;
  /** socket errors, timeouts, answers other than 200/404, and 404s beyond the forged codes sent */
  errors: number;
  status: Record<string, number>;
  sent: { fresh: number; repeat: number; forged: number };
  /** scan script calls (= events) from load start until everything was done */
  events: number;
  /** engine (all threads) + redis-server CPU µs per scan answered, from load start until its events were persisted (off) / delivered (on) */
  cpuUsPerScan: number | null;
  cpuUsPerScanEngine: number;
  cpuUsPerScanRedis: number | null;
  /** the same, from load start until every event was in SQLite (delivery not waited for) */
  cpuUsPerScanUntilPersisted: number | null;
  /** seconds from load end until every event was in SQLite */
  persistLagAfterLoadS: number;
  generatorCpuUsPerRequest: number;
  /** average cores busy with anything else than engine, redis, receiver and the bench process */
  otherCpuCores: number;
  dcrm: DeliveryFigures | null;
}

export interface DcrmResults {
  rounds: DcrmRun[];
  ratios: {
    perRound: { round: number; scansPerSecOnVsOff: number; cpuUsPerScanOnVsOff: number | null }[];
    /** mean over rounds of on/off */
    meanScansPerSecOnVsOff: number;
    meanCpuUsPerScanOnVsOff: number | null;
  };
  meanDeliveryEventsPerSec: number | null;
  dcrmSettings: { lingerMs: string; batch: string };
  machine: { cpus: number; cpuModel: string; node: string; redis: string; os: string; loadAvgAtStart: number[]; loadAvgAtEnd: number[]; redisEmbedded: boolean };
  options: Options & { warmupS: number };
  startedAt: string;
  tookS: number;
}

interface Health {
  backlog: number;
  outbox: number;
}

async function health(engine: EngineProcess): Promise<Health> {
  const r = await engine.api('GET', '/healthz');
  const b = r.body as { backlog?: unknown; outbox?: unknown } | null;
  if (r.status !== 200 || typeof b?.backlog !== 'number' || typeof b.outbox !== 'number') throw new Error(`/healthz answered ${r.status}: ${JSON.stringify(r.body)}`);
  return { backlog: b.backlog, outbox: b.outbox };
}

/** Polls /healthz until `done`; returns when that was (performance.now()). */
async function waitHealth(engine: EngineProcess, what: string, done: (h: Health) => boolean, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const h = await health(engine);
    if (done(h)) return performance.now();
    if (Date.now() > until) throw new Error(`${what} not reached within ${timeoutMs / 1000} s (backlog ${h.backlog}, outbox ${h.outbox})`);
    await sleep(20);
  }
}

function sentKinds(set: BodySet, taken: number): { fresh: number; repeat: number; forged: number } {
  const n = Math.min(taken, set.kinds.length);
  const counts = [0, 0, 0];
  for (let i = 0; i < n; i++) counts[set.kinds[i] as number]!++;
  return { fresh: counts[0]!, repeat: counts[1]!, forged: counts[2]! };
}

function scanErrors(r: LoadResult, forgedSent: number): number {
  let n = r.socketErrors;
  for (const [code, count] of Object.entries(r.status)) if (code !== '200' && code !== '404') n += count;
  return n + Math.max(0, (r.status['404'] ?? 0) - forgedSent);
}

/** Runs `start` with DCRM_URL / DCRM_SECRET set (on) or removed (off) in process.env, which EngineProcess copies; restores them after. */
async function withDcrmEnv<T>(dcrm: { url: string; secret: string } | null, start: () => Promise<T>): Promise<T> {
  const keys = ['DCRM_URL', 'DCRM_SECRET'] as const;
  const saved = keys.map((k) => process.env[k]);
  try {
    if (dcrm) {
      process.env.DCRM_URL = dcrm.url;
      process.env.DCRM_SECRET = dcrm.secret;
    } else {
      // an engine with delivery off must not inherit a DCRM_URL from the caller's environment
      for (const k of keys) delete process.env[k];
    }
    return await start();
  } finally {
    keys.forEach((k, i) => {
      const v = saved[i];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    });
  }
}

interface Ctx {
  opts: Options;
  receiver: Receiver;
  cleanup: Cleanup;
  runId: string;
  redisVersion: string;
}

async function runOne(ctx: Ctx, round: number, mode: 'off' | 'on'): Promise<DcrmRun> {
  const { opts, receiver, cleanup } = ctx;
  const on = mode === 'on';
  const load = { connections: opts.connections, duration: opts.duration, overallRate: null };
  log(`round ${round}, delivery ${mode}: starting the engine`);
  const engine = await withDcrmEnv(on ? { url: receiver.eventsUrl, secret: DCRM_BENCH_SECRET } : null, () => EngineProcess.start());
  const stopEngine = cleanup.add(() => engine.stop());
  const probe = await RedisProbe.connect(engine.redisUrl());
  const closeProbe = cleanup.add(() => probe.close());
  const redisPid = await probe.localPid();
  ctx.redisVersion = await probe.version();

  // the engine says whether it delivers (an empty replay queues nothing: no dead letters yet)
  const replay = await engine.apiOk('POST', '/v1/dcrm/replay', undefined, 200);
  if (replay.delivery !== mode) throw new Error(`engine started for delivery ${mode} reports delivery ${JSON.stringify(replay.delivery)}`);

  // a fresh batch and campaign per engine: never a code scanned before, even on a shared REDIS_URL
  const size = Math.ceil((WARMUP_S + opts.duration) * BODIES_PER_SECOND) + 100_000;
  const tag = `dcrm-${ctx.runId}-${round}-${mode}`;
  const b = await engine.apiOk('POST', '/v1/batches', { sku: tag, size }, 201);
  if (typeof b.batchId !== 'number') throw new Error(`POST /v1/batches: no batchId in ${JSON.stringify(b)}`);
  await engine.apiOk('POST', '/v1/campaigns', campaignBody(tag, tag), 201);
  log(`round ${round}, delivery ${mode}: preparing request bodies`);
  // the same seed for every engine: the same mix, users and kinds in the same order
  const factory = new ScanBodyFactory(BENCH_SECRET, b.batchId, size);
  const warmup = factory.make(WARMUP_S * BODIES_PER_SECOND);
  const main = factory.make(Math.ceil(opts.duration * BODIES_PER_SECOND));

  log(`round ${round}, delivery ${mode}: warm-up ${WARMUP_S} s`);
  await runLoad(engine.url, SCAN_PATH, warmup.bodies, { ...load, duration: WARMUP_S });
  await sleep(200);
  await waitHealth(engine, 'warm-up persisted and delivered', (h) => h.backlog === 0 && h.outbox === 0, 120_000);
  await receiver.reset();
  await sleep(100); // nothing of the warm-up still on its way to the receiver

  log(`round ${round}, delivery ${mode}: scans ${opts.duration} s`);
  const pids = [engine.pid, ...(redisPid === null ? [] : [redisPid]), receiver.pid];
  const receiverAt = pids.length - 1;
  const sBefore = await probe.commandStats();
  const cpuPersisted = new CpuWindow(pids);
  const cpuDone = new CpuWindow(pids);
  const loadStartMs = Date.now();
  const r = await runLoad(engine.url, SCAN_PATH, main.bodies, load);
  const runEnd = performance.now();
  const loadEndMs = Date.now();
  const atLoadEnd = await receiver.count();
  await sleep(200); // answers in flight when autocannon stopped
  const persisted = await waitHealth(engine, 'events persisted', (h) => h.backlog === 0, 300_000);
  const persistedCpu = cpuPersisted.stop();
  let doneCpu = persistedCpu;
  if (on) {
    await waitHealth(engine, 'events delivered', (h) => h.backlog === 0 && h.outbox === 0, 600_000);
    doneCpu = cpuDone.stop();
  }
  const events = scriptCalls(diffCommandStats(sBefore, await probe.commandStats()));
  let got = await receiver.count();
  if (on) {
    // outbox 0 means delivered and answered; this only guards against a miscount of the two sides
    const until = Date.now() + 10_000;
    while (got.unique < events && Date.now() < until) {
      await sleep(50);
      got = await receiver.count();
    }
    if (got.unique !== events) log(`round ${round}: the receiver has ${got.unique} distinct events, the engine ran ${events} scan scripts`);
  } else if (got.events !== 0) {
    throw new Error(`delivery off, yet the receiver got ${got.events} events`);
  }

  await closeProbe();
  log(`round ${round}, delivery ${mode}: stopping the engine`);
  await stopEngine();

  const sent = sentKinds(main, r.bodiesTaken);
  const engineUs = doneCpu.perPid[0] ?? 0;
  const redisUs = redisPid === null ? null : (doneCpu.perPid[1] ?? 0);
  const perScan = (us: number | null): number | null => (us === null || r.requests === 0 ? null : us / r.requests);
  const persistedEngineRedis = (persistedCpu.perPid[0] ?? 0) + (redisPid === null ? 0 : (persistedCpu.perPid[1] ?? 0));
  let delivery: DeliveryFigures | null = null;
  if (on) {
    const backlogAtLoadEnd = Math.max(0, events - atLoadEnd.unique);
    const secondsFromLoadStart = (got.lastNewAtMs - loadStartMs) / 1000;
    const lagAfterLoadS = Math.max(0, (got.lastNewAtMs - loadEndMs) / 1000);
    const receiverUs = doneCpu.perPid[receiverAt] ?? 0;
    delivery = {
      events: got.unique,
      duplicates: got.events - got.unique,
      batches: got.requests,
      backlogAtLoadEnd,
      secondsFromLoadStart,
      eventsPerSec: secondsFromLoadStart > 0 ? got.unique / secondsFromLoadStart : 0,
      lagAfterLoadS,
      drainEventsPerSec: backlogAtLoadEnd >= DRAIN_MIN_BACKLOG && lagAfterLoadS > 0 ? backlogAtLoadEnd / lagAfterLoadS : null,
      receiverCpuUsPerEvent: got.events === 0 ? null : receiverUs / got.events,
      badRequests: got.bad,
    };
  }
  return {
    round,
    delivery: mode,
    scansPerSec: r.rps,
    requests: r.requests,
    durationS: r.durationS,
    p50Ms: r.latencyMs.p50,
    p99Ms: r.latencyMs.p99,
    errors: scanErrors(r, sent.forged),
    status: r.status,
    sent,
    events,
    cpuUsPerScan: redisUs === null ? null : perScan(engineUs + redisUs),
    cpuUsPerScanEngine: perScan(engineUs) ?? 0,
    cpuUsPerScanRedis: perScan(redisUs),
    cpuUsPerScanUntilPersisted: redisPid === null ? null : perScan(persistedEngineRedis),
    persistLagAfterLoadS: (persisted - runEnd) / 1000,
    generatorCpuUsPerRequest: r.generatorCpuUsPerRequest,
    otherCpuCores: doneCpu.otherCores,
    dcrm: delivery,
  };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function ratios(runs: readonly DcrmRun[]): DcrmResults['ratios'] {
  const perRound: DcrmResults['ratios']['perRound'] = [];
  for (const off of runs.filter((x) => x.delivery === 'off')) {
    const on = runs.find((x) => x.delivery === 'on' && x.round === off.round);
    if (!on) continue;
    perRound.push({
      round: off.round,
      scansPerSecOnVsOff: on.scansPerSec / off.scansPerSec,
      cpuUsPerScanOnVsOff: on.cpuUsPerScan === null || off.cpuUsPerScan === null ? null : on.cpuUsPerScan / off.cpuUsPerScan,
    });
  }
  const cpu = perRound.map((p) => p.cpuUsPerScanOnVsOff).filter((x): x is number => x !== null);
  return {
    perRound,
    meanScansPerSecOnVsOff: mean(perRound.map((p) => p.scansPerSecOnVsOff)),
    meanCpuUsPerScanOnVsOff: cpu.length === perRound.length && cpu.length > 0 ? mean(cpu) : null,
  };
}

// --- the printed table


export function formatDcrm(res: DcrmResults): string {
  const m = res.machine;
  const out: string[] = [];
  out.push(`scanlot bench:dcrm: ${m.cpus} x ${m.cpuModel}, node ${m.node}, redis ${m.redis} (${m.redisEmbedded ? 'embedded' : 'REDIS_URL'}), load generator and DCRM receiver on the same machine`);
  out.push(`load average at start ${m.loadAvgAtStart.map((n) => n.toFixed(2)).join(' ')}, at end ${m.loadAvgAtEnd.map((n) => n.toFixed(2)).join(' ')}`);
  out.push(
    `options: --duration ${res.options.duration} --connections ${res.options.connections} --rounds ${res.options.rounds}` +
      ` (${res.options.warmupS} s warm-up per engine); DCRM linger ${res.dcrmSettings.lingerMs} ms, batch ${res.dcrmSettings.batch}`,
  );
  out.push('');
  out.push(
    table('Scans with DCRM delivery off / on (a fresh engine and Redis per row; CPU = engine all threads + redis-server, until the events were persisted (off) / delivered (on))', [
      ['round', 'delivery', 'scans/s', 'p50', 'p99', 'errors', 'CPU µs/scan', 'engine', 'redis', 'events', 'delivered/s', 'backlog at end', 'lag after end (s)', 'drain/s', 'receiver µs/event', 'other load'],
      ...res.rounds.map((r) => {
        const d = r.dcrm;
        return [
          String(r.round),
          r.delivery,
          int(r.scansPerSec),
          num(r.p50Ms),
          num(r.p99Ms),
          int(r.errors),
          num(r.cpuUsPerScan, 1),
          num(r.cpuUsPerScanEngine, 1),
          num(r.cpuUsPerScanRedis, 1),
          int(r.events),
          d ? int(d.eventsPerSec) : '-',
          d ? int(d.backlogAtLoadEnd) : '-',
          d ? num(d.lagAfterLoadS) : '-',
          d ? (d.drainEventsPerSec === null ? 'kept up' : int(d.drainEventsPerSec)) : '-',
          d ? num(d.receiverCpuUsPerEvent, 1) : '-',
          num(r.otherCpuCores),
        ];
      }),
    ]),
  );
  const ons = res.rounds.filter((r) => r.dcrm !== null);
  const dups = ons.reduce((n, r) => n + (r.dcrm?.duplicates ?? 0), 0);
  const batches = ons.reduce((n, r) => n + (r.dcrm?.batches ?? 0), 0);
  const delivered = ons.reduce((n, r) => n + (r.dcrm?.events ?? 0), 0);
  out.push(`delivery on: ${int(delivered)} events in ${int(batches)} POSTs (${num(batches === 0 ? null : delivered / batches, 1)} per POST), ${int(dups)} duplicates`);
  out.push('');
  out.push(
    table('On / off', [
      ['figure', ...res.ratios.perRound.map((p) => `round ${p.round}`), 'mean'],
      ['scans/s on / off', ...res.ratios.perRound.map((p) => num(p.scansPerSecOnVsOff, 3)), num(res.ratios.meanScansPerSecOnVsOff, 3)],
      ['CPU µs/scan on / off', ...res.ratios.perRound.map((p) => num(p.cpuUsPerScanOnVsOff, 3)), num(res.ratios.meanCpuUsPerScanOnVsOff, 3)],
    ]),
  );
  return out.join('\n');
}

async function bench(opts: Options, cleanup: Cleanup): Promise<DcrmResults> {
  const startedAt = new Date();
  const t0 = performance.now();
  const loadAvgAtStart = loadavg();
  log('starting the DCRM receiver');
  const receiver = await Receiver.start();
  cleanup.add(() => receiver.stop());
  const ctx: Ctx = { opts, receiver, cleanup, runId: startedAt.getTime().toString(36), redisVersion: '?' };
  const runs: DcrmRun[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    runs.push(await runOne(ctx, round, 'off'));
    runs.push(await runOne(ctx, round, 'on'));
  }
  const ons = runs.flatMap((r) => (r.dcrm ? [r.dcrm.eventsPerSec] : []));
  return {
    rounds: runs,
    ratios: ratios(runs),
    meanDeliveryEventsPerSec: ons.length === 0 ? null : mean(ons),
    dcrmSettings: { lingerMs: process.env.SCANLOT_DCRM_LINGER_MS ?? '200', batch: process.env.SCANLOT_DCRM_BATCH ?? '500' },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? '?',
      node: process.version,
      redis: ctx.redisVersion,
      os: `${process.platform} ${release()}`,
      loadAvgAtStart,
      loadAvgAtEnd: loadavg(),
      redisEmbedded: !(process.env.REDIS_URL && process.env.REDIS_URL !== ''),
    },
    options: { ...opts, warmupS: WARMUP_S },
    startedAt: startedAt.toISOString(),
    tookS: (performance.now() - t0) / 1000,
  };
}

const OUT = join(PROJECT_ROOT, 'bench', 'results', 'dcrm.json');

if (process.argv[2] === RECEIVER_FLAG) runReceiver();
else
  void benchMain('bench:dcrm', parseArgs, bench, (_opts, results) => {
    writeJson(OUT, results);
    process.stdout.write(`${formatDcrm(results)}\n\nwritten to ${OUT}\n`);
  });
