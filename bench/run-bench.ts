// `npm run bench`: the engine on an embedded Redis (or REDIS_URL) against
// two hello-world baselines and the floor of this stack (bench/floor-server.ts: one shared Lua call per
// turn that consumes a code and appends its event, and a worker moving each event into SQLite), all with
// the same autocannon settings and the same prepared request bodies; CPU per request from /proc; Redis
// commands and memory from INFO; the three at one common rate, open loop; the scans at that rate again
// while an export streams; export and persistence speed. Prints a table and writes
// bench/results/latest.json (or --out).
import { campaignBody } from './lib/bench-campaign.js';
import { PER_SCANS, storeCampaignBody } from './lib/store-campaign.js';
import { cpus, loadavg, release } from 'node:os';
import { BENCH_SECRET, BENCH_TOKEN, EngineProcess } from './lib/engine-process.js';
import { measureExport } from './lib/measure-export.js';
import { errorsOf, runLoad, type LoadResult } from './lib/load.js';
import { runPaced } from './lib/open-loop.js';
import { parseOptions, type BenchOptions } from './lib/options.js';
import { benchMain, logger, type Cleanup } from './lib/bench-main.js';
import { CpuWindow, ThreadCpuWindow, type CpuByThread } from './lib/proc-stats.js';
import { diffCommandStats, foregroundCalls, foregroundUse, RedisProbe, scriptCalls, SCRIPT_COMMANDS } from './lib/redis-probe.js';
import { checkTargets, type BenchResults, type PacedRun, type ServerRun, type StoreRulesRun } from './lib/results.js';
import { formatResults, writeJson } from './lib/report.js';
import { BODIES_PER_SECOND, countKinds as sentKinds, FORGED_ONLY, FRESH_ONLY, ScanBodyFactory, type BodySet } from './lib/scan-bodies.js';
import { ServerProcess } from './lib/server-process.js';
import { FLOOR_BITMAP, FLOOR_STREAM } from './floor-keys.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCAN_PATH = '/v1/scans';
/** the common rate, unless --rate says: half of the scan's maximum */
const COMMON_RATE_SHARE = 0.5;
/** scans of the one-at-a-time run */
const SERIAL_SCANS = 300;

const log = logger('bench');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Errors of a scan run: anything but 200 and 404, and any 404 beyond the forged codes sent. */
function scanErrors(r: LoadResult, set: BodySet): number {
  const forgedSent = sentKinds(set, r.bodiesTaken).forged;
  return errorsOf(r, ['200', '404']) + Math.max(0, (r.status['404'] ?? 0) - forgedSent);
}

function serverRun(r: LoadResult, expected: readonly string[], cpuUs: number | null, otherCpuCores: number): ServerRun {
  return {
    rps: r.rps,
    requests: r.requests,
    durationS: r.durationS,
    p50Ms: r.latencyMs.p50,
    p99Ms: r.latencyMs.p99,
    p999Ms: r.latencyMs.p999,
    errors: errorsOf(r, expected),
    cpuUsPerRequest: cpuUs === null || r.requests === 0 ? null : cpuUs / r.requests,
    generatorCpuUsPerRequest: r.generatorCpuUsPerRequest,
    otherCpuCores,
  };
}

/** Polls /healthz until the event backlog is 0; returns when that was (performance.now()). */
async function waitDrained(engine: EngineProcess, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if ((await engine.backlog()) === 0) return performance.now();
    if (Date.now() > until) throw new Error(`event backlog not persisted within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

function perRequest(us: CpuByThread, requests: number): CpuByThread {
  const d = Math.max(1, requests);
  return { main: us.main / d, persist: us.persist / d, dcrm: us.dcrm / d, other: us.other / d };
}

/**
 * The scan run again, as long, on a batch of its own covered by a campaign using 满N次 and a card set
 * (bench/lib/store-campaign.ts): engine + redis-server CPU µs per scan (persistence of its events, the
 * chance events included) and the scan script's µs per non-forged scan, to set beside the plain run's.
 */
async function storeRulesRun(
  engine: EngineProcess,
  probe: RedisProbe,
  pids: number[],
  opts: BenchOptions,
  runId: string,
  load: { connections: number; duration: number; overallRate: null },
  warmupS: number,
): Promise<StoreRulesRun> {
  const size = Math.min(100_000_000, Math.ceil((warmupS + opts.duration) * BODIES_PER_SECOND) + 100_000);
  const sku = `bench-store-${runId}`;
  const batchId = await registerBatch(engine, sku, size);
  const campaignId = `bench-store-${runId}`;
  await engine.apiOk('POST', '/v1/campaigns', storeCampaignBody(campaignId, sku), 201);
  const factory = new ScanBodyFactory(BENCH_SECRET, batchId, size);
  const bodies = factory.make(Math.ceil(opts.duration * BODIES_PER_SECOND));
  if (warmupS > 0) {
    log('store rules warm-up');
    await runLoad(engine.url, SCAN_PATH, factory.make(warmupS * BODIES_PER_SECOND).bodies, { ...load, duration: warmupS });
    await waitDrained(engine, 120_000);
  }
  log(`scans of a campaign with perScans ${PER_SCANS} and a card set: ${opts.duration} s`);
  const before = await probe.commandStats();
  const cpu = new CpuWindow(pids);
  const run = await runLoad(engine.url, SCAN_PATH, bodies.bodies, load);
  await sleep(200);
  await waitDrained(engine, 300_000);
  const { perPid } = cpu.stop();
  const diff = diffCommandStats(before, await probe.commandStats());
  const sent = sentKinds(bodies, run.bodiesTaken);
  const nonForged = sent.fresh + sent.repeat;
  let scriptUsec = 0;
  for (const name of SCRIPT_COMMANDS) scriptUsec += diff.get(name)?.usec ?? 0;
  const cpuUs = pids.length > 1 ? (perPid[0] ?? 0) + (perPid[1] ?? 0) : null;
  return {
    perScans: PER_SCANS,
    rps: run.rps,
    requests: run.requests,
    errors: scanErrors(run, bodies),
    cpuUsPerScan: cpuUs === null || run.requests === 0 ? null : cpuUs / run.requests,
    redisUsPerScan: nonForged === 0 ? null : scriptUsec / nonForged,
  };
}

async function registerBatch(engine: EngineProcess, sku: string, size: number): Promise<number> {
  const b = await engine.apiOk('POST', '/v1/batches', { sku, size }, 201);
  if (typeof b.batchId !== 'number') throw new Error(`POST /v1/batches: no batchId in ${JSON.stringify(b)}`);
  return b.batchId;
}

async function outcomeCounts(engine: EngineProcess, campaignId: string): Promise<Record<string, number>> {
  const s = await engine.apiOk('GET', `/v1/campaigns/${campaignId}/stats`, undefined, 200);
  const out: Record<string, number> = {};
  if (typeof s.outcomes === 'object' && s.outcomes !== null) {
    for (const [k, v] of Object.entries(s.outcomes)) if (typeof v === 'number') out[k] = v;
  }
  return out;
}

function diffCounts(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const d: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) d[k] = v - (before[k] ?? 0);
  return d;
}

async function bench(opts: BenchOptions, cleanup: Cleanup): Promise<BenchResults> {
  const startedAt = new Date();
  const t0 = performance.now();
  const loadAvgAtStart = loadavg();
  const runId = startedAt.getTime().toString(36);
  const load = { connections: opts.connections, duration: opts.duration, overallRate: null };
  const warmupS = opts.quick ? 0 : 1;

  log('starting the engine');
  const engine = await EngineProcess.start(opts.engineNodeArgs);
  cleanup.add(() => engine.stop());
  const probe = await RedisProbe.connect(engine.redisUrl());
  cleanup.add(() => probe.close());
  const redisPid = await probe.localPid();
  const redisVersion = await probe.version();
  const enginePids = redisPid === null ? [engine.pid] : [engine.pid, redisPid];

  // --- Redis bytes per registered code
  log(`registering a ${opts.bigBatchSize.toLocaleString('en-US')}-code batch`);
  // a first, tiny batch creates the per-batch hashes, so that the measured one adds only its own bytes
  await registerBatch(engine, `bench-tiny-${runId}`, 1);
  const memBefore = await probe.usedMemory();
  const bigBatchId = await registerBatch(engine, `bench-big-${runId}`, opts.bigBatchSize);
  const memAfterRegister = await probe.usedMemory();
  const bigCodec = new ScanBodyFactory(BENCH_SECRET, bigBatchId, opts.bigBatchSize);
  const lastCode = bigCodec.codeOf(opts.bigBatchSize - 1);
  const touch = await engine.api('POST', SCAN_PATH, { code: lastCode, user: 'bench_touch' });
  if (touch.status !== 200) throw new Error(`scanning the last code of the big batch answered ${touch.status}: ${JSON.stringify(touch.body)}`);
  const memAfterTouch = await probe.usedMemory();

  // --- the scan batch and campaign
  // fresh codes for every run, generously: a batch costs nothing per code until a code is scanned
  const fixedRateBodies = Math.max(opts.rate ?? 0, BODIES_PER_SECOND) * opts.fixedRateDuration * 2.5;
  const scanBatchSize = Math.min(100_000_000, Math.ceil((warmupS + opts.duration) * BODIES_PER_SECOND + fixedRateBodies) + 100_000);
  const sku = `bench-${runId}`;
  const scanBatchId = await registerBatch(engine, sku, scanBatchSize);
  const campaignId = `bench-${runId}`;
  await engine.apiOk('POST', '/v1/campaigns', campaignBody(campaignId, sku), 201);
  const factory = new ScanBodyFactory(BENCH_SECRET, scanBatchId, scanBatchSize);

  log('preparing request bodies');
  const warmupBodies = warmupS > 0 ? factory.make(warmupS * BODIES_PER_SECOND) : null;
  const mainBodies = factory.make(Math.ceil(opts.duration * BODIES_PER_SECOND));
  const forgedBodies = factory.make(opts.forgedRequests, FORGED_ONLY);

  // --- baselines: same settings, same bodies; the servers stay up for the common-rate runs
  /** `drained`: for a server that persists, resolves once what it was sent is stored (its CPU window closes then, as the scan run's does) */
  const baseline = async (name: string, script: string, env: Record<string, string> = {}, withRedis = false, drained?: () => Promise<void>): Promise<{ run: ServerRun; server: ServerProcess }> => {
    log(`${name}: ${opts.duration} s`);
    const server = await ServerProcess.start(name, script, env);
    cleanup.add(() => server.stop());
    if (warmupBodies) await runLoad(server.url, SCAN_PATH, warmupBodies.bodies, { ...load, duration: warmupS });
    if (drained) await drained();
    const pids = withRedis && redisPid !== null ? [server.pid, redisPid] : [server.pid];
    const cpu = new CpuWindow(pids);
    const threads = new ThreadCpuWindow(server.pid);
    const r = await runLoad(server.url, SCAN_PATH, mainBodies.bodies, load);
    if (drained) await drained();
    const byThread = threads.stop();
    const { perPid, otherCores } = cpu.stop();
    const cpuUs = (perPid[0] ?? 0) + (withRedis ? (perPid[1] ?? 0) : 0);
    const run = serverRun(r, ['200'], cpuUs, otherCores);
    return { run: drained ? { ...run, cpuUsPerRequestByThread: perRequest(byThread, r.requests) } : run, server };
  };
  const uwsServer = await baseline('uWS hello', 'hello-uws');
  const uws = uwsServer.run;
  const nodeServer = await baseline('node:http hello', 'hello-node-http');
  await nodeServer.server.stop();
  const node = nodeServer.run;
  // the floor on the engine's own Redis (its keys are its own), persisting into a SQLite file of its own
  const floorDir = mkdtempSync(join(tmpdir(), 'scanlot-bench-floor-'));
  cleanup.add(async () => rmSync(floorDir, { recursive: true, force: true }));
  // the floor's CPU window closes once its worker stored every event, as the scan run's does
  const floorDrained = async (): Promise<void> => {
    const until = Date.now() + 60_000;
    while ((await probe.redis.xlen(FLOOR_STREAM)) > 0 && Date.now() < until) await sleep(50);
  };
  const floorServer = await baseline('floor (call per turn + SQLite)', 'floor-server', { REDIS_URL: engine.redisUrl(), FLOOR_MODE: 'turn', FLOOR_PERSIST: '1', FLOOR_DB: join(floorDir, 'floor.db') }, true, floorDrained);
  const floor = floorServer.run;

  // --- forged codes never reach Redis
  log(`forged codes only: ${opts.forgedRequests} requests`);
  // the engine's own background scripts (EVAL: persist steps, the event store's lease every 3 s) run
  // commands that look like a scan's; a window in which one ran is measured again, up to three times
  let forgedRun: LoadResult;
  let fDiff: ReturnType<typeof diffCommandStats>;
  for (let attempt = 1; ; attempt++) {
    const fBefore = await probe.commandStats();
    forgedRun = await runLoad(engine.url, SCAN_PATH, forgedBodies.bodies, { ...load, duration: 60, maxRequests: opts.forgedRequests });
    await sleep(200);
    fDiff = diffCommandStats(fBefore, await probe.commandStats());
    if ((fDiff.get('eval')?.calls ?? 0) === 0 || attempt === 3) break;
  }
  const forgedCheck = { requests: forgedRun.requests, status: forgedRun.status, scriptCalls: scriptCalls(fDiff), otherCommands: foregroundCalls(fDiff) };
  for (const name of SCRIPT_COMMANDS) delete forgedCheck.otherCommands[name];

  // --- one scan at a time: no turn is shared, so every scan is exactly one script call
  log(`one scan at a time: ${SERIAL_SCANS} requests`);
  const serialBodies = factory.make(SERIAL_SCANS, FRESH_ONLY);
  const oBefore = await probe.commandStats();
  const serialRun = await runLoad(engine.url, SCAN_PATH, serialBodies.bodies, { connections: 1, duration: 60, overallRate: null, maxRequests: SERIAL_SCANS });
  await sleep(200);
  const serialCheck = { requests: serialRun.requests, status: serialRun.status, scriptCalls: scriptCalls(diffCommandStats(oBefore, await probe.commandStats())) };

  // --- the scan run
  if (warmupBodies) {
    log('scan warm-up');
    await runLoad(engine.url, SCAN_PATH, warmupBodies.bodies, { ...load, duration: warmupS });
    await waitDrained(engine, 120_000);
  }
  log(`scans: ${opts.duration} s`);
  const outcomesBefore = await outcomeCounts(engine, campaignId);
  const sBefore = await probe.commandStats();
  const memBeforeScans = await probe.usedMemory();
  const cpu = new CpuWindow(enginePids);
  const engineThreads = new ThreadCpuWindow(engine.pid);
  const runStart = performance.now();
  const scanRun = await runLoad(engine.url, SCAN_PATH, mainBodies.bodies, load);
  const runEnd = performance.now();
  await sleep(200); // answers in flight when autocannon stopped
  const backlogAtEnd = await engine.backlog();
  const drained = await waitDrained(engine, 300_000);
  const engineByThread = engineThreads.stop();
  const { perPid, otherCores } = cpu.stop();
  const memAfterScans = await probe.usedMemory();
  const engineCpu = perPid[0] ?? 0;
  const redisCpu = redisPid === null ? null : (perPid[1] ?? 0);
  const sDiff = diffCommandStats(sBefore, await probe.commandStats());
  const outcomes = diffCounts(outcomesBefore, await outcomeCounts(engine, campaignId));
  // denominator: non-forged requests sent, answered or not. When autocannon stops, the requests in
  // flight (one per connection) still run their script but their answers are not counted.
  const sent = sentKinds(mainBodies, scanRun.bodiesTaken);
  const nonForgedSent = sent.fresh + sent.repeat;
  const scripts = scriptCalls(sDiff);
  let scriptUsec = 0;
  for (const name of SCRIPT_COMMANDS) scriptUsec += sDiff.get(name)?.usec ?? 0;
  const commandUse = foregroundUse(sDiff);
  let innerUsec = 0;
  for (const [name, u] of Object.entries(commandUse)) if (!SCRIPT_COMMANDS.includes(name)) innerUsec += u.calls * u.usecPerCall;
  const scan = { ...serverRun(scanRun, ['200', '404'], engineCpu + (redisCpu ?? 0), otherCores), errors: scanErrors(scanRun, mainBodies) };
  const drainS = (drained - runEnd) / 1000;

  // --- the same load against a campaign with the store's rules (满N次 and a card set): their cost per scan
  const storeRules = await storeRulesRun(engine, probe, enginePids, opts, runId, load, warmupS);

  // --- the three servers at one common rate, open loop (latency from each request's due time)
  const rate = opts.rate ?? Math.max(1, Math.round(scan.rps * COMMON_RATE_SHARE));
  const pacedWarmup = opts.quick ? 0 : 2;
  const pacedBodiesFor = (): BodySet => factory.make(Math.ceil(rate * (opts.fixedRateDuration + pacedWarmup)) + 1);
  const paced = async (name: string, url: string, pids: number[], bodies: BodySet): Promise<PacedRun> => {
    log(`${name} at ${rate}/s, open loop: ${opts.fixedRateDuration} s`);
    const cpu = new CpuWindow(pids);
    const p = await runPaced(url, SCAN_PATH, bodies.bodies, { connections: opts.connections, rate, duration: opts.fixedRateDuration, warmup: pacedWarmup });
    const other = cpu.stop().otherCores;
    return {
      achievedRps: p.achievedRps,
      p50Ms: p.latencyMs.p50,
      p99Ms: p.latencyMs.p99,
      p999Ms: p.latencyMs.p999,
      maxMs: p.latencyMs.max,
      errors: p.errors + Object.entries(p.status).reduce((n, [code, c]) => (code === '200' || code === '404' ? n : n + c), 0) + Math.max(0, (p.status['404'] ?? 0) - sentKinds(bodies, p.sent).forged),
      sentLate: p.sentLate,
      otherCpuCores: other,
    };
  };
  const commonScan = await paced('scans', engine.url, enginePids, pacedBodiesFor());
  await waitDrained(engine, 300_000);
  const commonFloor = await paced('floor', floorServer.server.url, redisPid === null ? [floorServer.server.pid] : [floorServer.server.pid, redisPid], pacedBodiesFor());
  await floorServer.server.stop();
  await probe.redis.del(FLOOR_STREAM, FLOOR_BITMAP);
  const commonHello = await paced('uWS hello', uwsServer.server.url, [uwsServer.server.pid], pacedBodiesFor());
  await uwsServer.server.stop();

  // --- the scans at the common rate again, while a client downloads a big export
  const exporter = await ServerProcess.start('export reader', 'export-reader', {
    URL: `${engine.url}/v1/batches/${bigBatchId}/codes?format=csv`,
    TOKEN: BENCH_TOKEN,
  });
  cleanup.add(() => exporter.stop());
  const underExport = await paced('scans during an export', engine.url, enginePids, pacedBodiesFor());
  await exporter.stop();
  await waitDrained(engine, 300_000);

  // --- export
  const exportCodes = Math.min(opts.exportCodes, opts.bigBatchSize);
  log(`export of ${exportCodes.toLocaleString('en-US')} codes`);
  const exp = await measureExport(engine.url, engine.pid, bigBatchId, exportCodes);

  const cpuUsPerScan = redisCpu === null ? null : (engineCpu + redisCpu) / scanRun.requests;
  const partial: Omit<BenchResults, 'targets'> = {
    scan: { ...scan, status: scanRun.status, sent, outcomes },
    baselines: { uwsHello: uws, nodeHttpHello: node, floor },
    ratios: {
      scanVsUwsHello: scan.rps / uws.rps,
      scanVsNodeHttpHello: scan.rps / node.rps,
      cpuScanVsUwsHello: cpuUsPerScan === null || uws.cpuUsPerRequest === null ? null : cpuUsPerScan / uws.cpuUsPerRequest,
      cpuScanVsFloor: cpuUsPerScan === null || floor.cpuUsPerRequest === null ? null : cpuUsPerScan / floor.cpuUsPerRequest,
      scanVsFloor: scan.rps / floor.rps,
    },
    cpuUsPerScan,
    storeRules,
    // the scan script's own time (EVALSHA) per non-forged scan
    redisUsPerScan: nonForgedSent === 0 ? null : scriptUsec / nonForgedSent,
    commonRate: { rate, scan: commonScan, floor: commonFloor, uwsHello: commonHello },
    scanDuringExport: underExport,
    cpuUsPerScanEngine: engineCpu / scanRun.requests,
    cpuUsPerScanByThread: perRequest(engineByThread, scanRun.requests),
    redisBytesPerConsumedCode: sent.fresh === 0 ? 0 : (memAfterScans - memBeforeScans) / sent.fresh,
    cpuUsPerScanRedis: redisCpu === null ? null : redisCpu / scanRun.requests,
    cpuUsPerHello: uws.cpuUsPerRequest,
    cpuUsPerNodeHttpHello: node.cpuUsPerRequest,
    redisCallsPerScan: nonForgedSent === 0 ? 0 : scripts / nonForgedSent,
    scansPerRedisCall: scripts === 0 ? 0 : nonForgedSent / scripts,
    serialCheck,
    redisCommandsDuringScan: commandUse,
    redisUsecPerScriptCall: scripts === 0 ? null : scriptUsec / scripts,
    redisUsecPerScriptCallInCommands: scripts === 0 ? null : innerUsec / scripts,
    forgedCheck,
    redisBytesPerCode: (memAfterRegister - memBefore) / opts.bigBatchSize,
    redisBytesPerCodeAfterTouch: (memAfterTouch - memBefore) / opts.bigBatchSize,
    bigBatch: { size: opts.bigBatchSize, usedMemoryBefore: memBefore, usedMemoryAfterRegister: memAfterRegister, usedMemoryAfterTouch: memAfterTouch },
    export: {
      codesPerSec: exp.codesPerSec,
      codes: exp.codes,
      seconds: exp.seconds,
      mbPerSec: exp.bytesPerSec / (1024 * 1024),
      rssStartMb: exp.rssStartMb,
      rssMaxMb: exp.rssMaxMb,
      rssGrowthMb: exp.rssGrowthMb,
    },
    persist: {
      // one event per non-forged scan (a script call carries the scans of one event-loop turn)
      eventsPerSec: nonForgedSent / ((drained - runStart) / 1000),
      events: nonForgedSent,
      seconds: (drained - runStart) / 1000,
      backlogAtEnd,
      drainEventsPerSec: backlogAtEnd >= 1000 && drainS > 0 ? backlogAtEnd / drainS : null,
      keptUp: backlogAtEnd < 1000,
    },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? '?',
      node: process.version,
      redis: redisVersion,
      os: `${process.platform} ${release()}`,
      loadAvgAtStart,
      loadAvgAtEnd: loadavg(),
      redisEmbedded: engine.externalRedisUrl === null,
    },
    options: (({ out: _out, ...rest }) => rest)(opts),
    startedAt: startedAt.toISOString(),
    tookS: 0,
  };
  const results: BenchResults = { ...partial, targets: checkTargets(partial) };
  results.tookS = (performance.now() - t0) / 1000;
  return results;
}

void benchMain('bench', parseOptions, bench, (opts, results) => {
  writeJson(opts.out, results);
  process.stdout.write(`${formatResults(results)}\n\nwritten to ${opts.out}\n`);
});
