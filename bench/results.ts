// The shape of bench/results/latest.json (CONTRACT §7 plus the figures of issue 5) and the targets of
// issue 5 evaluated against it.
import type { BenchOptions } from './options.js';
import type { CommandUse } from './redis-probe.js';

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
  /** CPU microseconds of the load generator (autocannon, in the bench process) per request */
  generatorCpuUsPerRequest: number;
  /** average cores busy with anything other than this server, its Redis and the load generator (other work on the machine) */
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
  baselines: { uwsHello: ServerRun; nodeHttpHello: ServerRun };
  ratios: { scanVsUwsHello: number; scanVsNodeHttpHello: number; cpuScanVsUwsHello: number | null };
  /** engine + redis-server CPU µs per scan request (forged included), persistence of its events included */
  cpuUsPerScan: number | null;
  cpuUsPerScanEngine: number;
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
  /** autocannon with overallRate (bursts within each second, latencies in whole ms: see open-loop.ts) */
  fixedRate: { rate: number; achievedRps: number; durationS: number; p50Ms: number; p99Ms: number; p999Ms: number; errors: number; otherCpuCores: number };
  /** the same rate from the open-loop generator: evenly paced, latency from each request's due time */
  fixedRateOpenLoop: { rate: number; achievedRps: number; durationS: number; p50Ms: number; p99Ms: number; p999Ms: number; maxMs: number; errors: number; sentLate: number; otherCpuCores: number };
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
  const cpuRatio = r.cpuUsPerScan !== null && r.cpuUsPerHello !== null ? r.cpuUsPerScan / r.cpuUsPerHello : null;
  return [
    { name: 'scan throughput vs uWS hello', target: '>= 0.80', actual: f(r.ratios.scanVsUwsHello), met: r.ratios.scanVsUwsHello >= 0.8 },
    { name: 'CPU per scan vs uWS hello', target: '<= 2.00', actual: cpuRatio === null ? 'n/a' : f(cpuRatio), met: cpuRatio === null ? null : cpuRatio <= 2 },
    { name: 'Redis calls per scan, one at a time', target: '1', actual: f(r.serialCheck.scriptCalls / Math.max(1, r.serialCheck.requests), 4), met: r.serialCheck.requests > 0 && r.serialCheck.scriptCalls === r.serialCheck.requests },
    { name: 'Redis calls per scan under load', target: '<= 1', actual: f(r.redisCallsPerScan, 4), met: r.redisCallsPerScan > 0 && r.redisCallsPerScan <= 1 },
    { name: 'Redis calls per forged scan', target: '0', actual: String(r.forgedCheck.scriptCalls + Object.values(r.forgedCheck.otherCommands).reduce((a, b) => a + b, 0)), met: r.forgedCheck.scriptCalls === 0 && Object.keys(r.forgedCheck.otherCommands).length === 0 },
    { name: 'p99 at fixed rate, autocannon (ms)', target: '<= 5', actual: f(r.fixedRate.p99Ms), met: r.fixedRate.p99Ms <= 5 },
    { name: 'p99 at fixed rate, open loop (ms)', target: '<= 5', actual: f(r.fixedRateOpenLoop.p99Ms), met: r.fixedRateOpenLoop.p99Ms <= 5 },
    { name: 'Redis bytes per unscanned code', target: '<= 1', actual: f(r.redisBytesPerCode, 4), met: r.redisBytesPerCode <= 1 },
    { name: 'export codes/s', target: '>= 1,000,000', actual: Math.round(r.export.codesPerSec).toLocaleString('en-US'), met: r.export.codesPerSec >= 1_000_000 },
    { name: 'export RSS growth (MB)', target: '< 50', actual: f(r.export.rssGrowthMb, 1), met: r.export.rssGrowthMb < 50 },
  ];
}
