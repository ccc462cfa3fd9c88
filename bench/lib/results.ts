// The shape of bench/results/latest.json (what the benchmark measures) and the
// targets of the cost-per-scan work evaluated against it.
import type { BenchOptions } from './options.js';
import type { CommandUse } from './redis-probe.js';
import type { CpuByThread } from './proc-stats.js';

export interface ServerRun {
  rps: number;
  requests: number;
  durationS: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  errors: number;
  /** CPU microseconds of the server process per request answered */
  cpuUsPerRequest: number | null;
  /** the server process's part of cpuUsPerRequest split by thread (engine and floor only; redis-server not included) */
  cpuUsPerRequestByThread?: CpuByThread;
  /** CPU microseconds of the load generator (autocannon, in the bench process) per request */
  generatorCpuUsPerRequest: number;
  /** average cores busy with anything other than this server, its Redis and the load generator (other work on the machine) */
  otherCpuCores: number;
}

/** open loop at one rate: latency from each request's due time */
export interface PacedRun {
  achievedRps: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  errors: number;
  /** requests sent more than 1 ms after they were due */
  sentLate: number;
  otherCpuCores: number;
}

export interface BenchResults {
  scan: ServerRun & {
    /** responses per HTTP status */
    status: Record<string, number>;
    /** bodies sent by kind */
    sent: { fresh: number; repeat: number; forged: number; wrapped: boolean };
    /** outcomes counted by the campaign (GET /v1/campaigns/{id}/stats) */
    outcomes: Record<string, number> | null;
  };
  /** floor: bench/floor-server.ts, one shared call per turn + SQLite; its CPU includes redis-server */
  baselines: { uwsHello: ServerRun; nodeHttpHello: ServerRun; floor: ServerRun };
  ratios: { scanVsUwsHello: number; scanVsNodeHttpHello: number; cpuScanVsUwsHello: number | null; cpuScanVsFloor: number | null; scanVsFloor: number };
  /** redis-server µs in the scan script (EVALSHA, from INFO commandstats) per non-forged scan */
  redisUsPerScan: number | null;
  /** the scan, the floor and the uWS hello at one rate, open loop, after an unrecorded warm-up */
  commonRate: { rate: number; scan: PacedRun; floor: PacedRun; uwsHello: PacedRun };
  /** the scans at the common rate again while one client downloads the big batch's export */
  scanDuringExport: PacedRun;
  /** engine + redis-server CPU µs per scan request (forged included), persistence of its events included */
  cpuUsPerScan: number | null;
  /** the scan run's load again, against a campaign using 满N次 and a card set (bench/lib/store-campaign.ts) */
  storeRules: StoreRulesRun;
  cpuUsPerScanEngine: number;
  /** cpuUsPerScanEngine split by thread: main (HTTP, scan service), persist worker, DCRM worker, the rest */
  cpuUsPerScanByThread: CpuByThread;
  /** Redis used_memory growth per fresh code scanned in the scan run, measured once its events were stored and the stream drained */
  redisBytesPerConsumedCode: number;
  cpuUsPerScanRedis: number | null;
  /** uWS baseline CPU µs per request */
  cpuUsPerHello: number | null;
  cpuUsPerNodeHttpHello: number | null;
  /**
   * script calls (EVALSHA/EVAL) per non-forged scan sent. Below 1 under load: the scans of one
   * event-loop turn share a call; each scan still waits for exactly one (see serialCheck).
   */
  redisCallsPerScan: number;
  /** non-forged scans per script call during the scan run */
  scansPerRedisCall: number;
  /** fresh scans sent one at a time (one connection): script calls must equal requests */
  serialCheck: { requests: number; status: Record<string, number>; scriptCalls: number };
  /**
   * INFO commandstats of the scan run, stream-consumer and health-check commands left out. Redis counts
   * the commands a script runs too: everything but EVALSHA here ran inside the scan script.
   */
  redisCommandsDuringScan: Record<string, CommandUse>;
  /** Redis-side µs per scan script call (the commands it runs included) */
  redisUsecPerScriptCall: number | null;
  /** of which in the commands the script runs; the rest is Lua and argument handling */
  redisUsecPerScriptCallInCommands: number | null;
  forgedCheck: { requests: number; status: Record<string, number>; scriptCalls: number; otherCommands: Record<string, number> };
  redisBytesPerCode: number;
  redisBytesPerCodeAfterTouch: number;
  bigBatch: { size: number; usedMemoryBefore: number; usedMemoryAfterRegister: number; usedMemoryAfterTouch: number };
  export: { codesPerSec: number; codes: number; seconds: number; mbPerSec: number; rssStartMb: number; rssMaxMb: number; rssGrowthMb: number };
  persist: {
    /** events of the scan run / (time from its start until the stream backlog was 0) */
    eventsPerSec: number;
    events: number;
    seconds: number;
    /** backlog when the load stopped; when large, drainEventsPerSec is the persistence speed alone */
    backlogAtEnd: number;
    drainEventsPerSec: number | null;
    /** persistence kept up with the scans: eventsPerSec is then a lower bound of its speed */
    keptUp: boolean;
  };
  targets: TargetCheck[];
  machine: { cpus: number; cpuModel: string; node: string; redis: string; os: string; loadAvgAtStart: number[]; loadAvgAtEnd: number[]; redisEmbedded: boolean };
  options: Omit<BenchOptions, 'out'>;
  startedAt: string;
  tookS: number;
}

export interface TargetCheck {
  name: string;
  target: string;
  actual: string;
  met: boolean | null;
}

const f = (n: number, d = 2): string => n.toFixed(d);

export function checkTargets(r: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const c = r.commonRate;
  const p99 = c.scan.p99Ms / c.floor.p99Ms;
  const p999 = c.scan.p999Ms / c.floor.p999Ms;
  const exportP99 = r.scanDuringExport.p99Ms / c.scan.p99Ms;
  const persistVsFloor = r.baselines.floor.cpuUsPerRequestByThread ? r.cpuUsPerScanByThread.persist / r.baselines.floor.cpuUsPerRequestByThread.persist : null;
  return [
    { name: 'CPU per scan vs floor', target: '<= 2.00', actual: r.ratios.cpuScanVsFloor === null ? 'n/a' : f(r.ratios.cpuScanVsFloor), met: r.ratios.cpuScanVsFloor === null ? null : r.ratios.cpuScanVsFloor <= 2 },
    { name: 'redis-server CPU µs per scan (all of it)', target: '<= 30', actual: r.cpuUsPerScanRedis === null ? 'n/a' : f(r.cpuUsPerScanRedis, 1), met: r.cpuUsPerScanRedis === null ? null : r.cpuUsPerScanRedis <= 30 },
    { name: 'Redis µs in the scan script per scan', target: '<= 15', actual: r.redisUsPerScan === null ? 'n/a' : f(r.redisUsPerScan, 1), met: r.redisUsPerScan === null ? null : r.redisUsPerScan <= 15 },
    { name: 'persist worker CPU per event vs the floor\'s', target: '<= 2.00', actual: persistVsFloor === null ? 'n/a' : f(persistVsFloor), met: persistVsFloor === null ? null : persistVsFloor <= 2 },
    { name: 'scan throughput vs floor', target: '>= 0.50', actual: f(r.ratios.scanVsFloor), met: r.ratios.scanVsFloor >= 0.5 },
    { name: `p99 at ${Math.round(c.rate)}/s vs floor`, target: '<= 2.00', actual: `${f(p99)} (${f(c.scan.p99Ms)} / ${f(c.floor.p99Ms)} ms)`, met: p99 <= 2 },
    { name: `p99.9 at ${Math.round(c.rate)}/s vs floor`, target: '<= 3.00', actual: `${f(p999)} (${f(c.scan.p999Ms)} / ${f(c.floor.p999Ms)} ms)`, met: p999 <= 3 },
    { name: 'Redis bytes per consumed code (stream drained)', target: '<= 64', actual: f(r.redisBytesPerConsumedCode, 1), met: r.redisBytesPerConsumedCode <= 64 },
    { name: 'p99 during an export vs without', target: '<= 1.50', actual: `${f(exportP99)} (${f(r.scanDuringExport.p99Ms)} / ${f(c.scan.p99Ms)} ms)`, met: exportP99 <= 1.5 },
    { name: 'Redis calls per scan, one at a time', target: '1', actual: f(r.serialCheck.scriptCalls / Math.max(1, r.serialCheck.requests), 4), met: r.serialCheck.requests > 0 && r.serialCheck.scriptCalls === r.serialCheck.requests },
    { name: 'Redis calls per scan under load', target: '<= 1', actual: f(r.redisCallsPerScan, 4), met: r.redisCallsPerScan > 0 && r.redisCallsPerScan <= 1 },
    { name: 'Redis calls per forged scan', target: '0', actual: String(r.forgedCheck.scriptCalls + Object.values(r.forgedCheck.otherCommands).reduce((a, b) => a + b, 0)), met: r.forgedCheck.scriptCalls === 0 && Object.keys(r.forgedCheck.otherCommands).length === 0 },
    { name: 'Redis bytes per unscanned code', target: '<= 1', actual: f(r.redisBytesPerCode, 4), met: r.redisBytesPerCode <= 1 },
    { name: 'export codes/s', target: '>= 1,000,000', actual: Math.round(r.export.codesPerSec).toLocaleString('en-US'), met: r.export.codesPerSec >= 1_000_000 },
    { name: 'export RSS growth (MB)', target: '< 50', actual: f(r.export.rssGrowthMb, 1), met: r.export.rssGrowthMb < 50 },
  ];
}

/** scans of a campaign with the store's rules (满N次 every `perScans`, a card set), measured as the scan run is */
export interface StoreRulesRun {
  perScans: number;
  rps: number;
  requests: number;
  errors: number;
  /** engine + redis-server CPU µs per scan request, persistence of its events (the chance events too) included */
  cpuUsPerScan: number | null;
  /** redis-server µs in the scan script per non-forged scan */
  redisUsPerScan: number | null;
}
