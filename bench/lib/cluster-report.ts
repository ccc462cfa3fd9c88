// The shape of bench/results/cluster.json, the medians and targets of issue 15, the capacity figures
// derived from them, and the table `npm run bench:cluster` prints.
import type { ClusterBenchOptions } from './cluster-options.js';
import type { ExhaustionResult } from './stock-exhaustion.js';
import { int, num, table } from './report.js';

/** cluster: P primaries, one shard each; single: one redis-server, one shard; sharded: one redis-server, P shards (--sharded-single) */
export type Target = 'cluster' | 'single' | 'sharded';

export interface TargetRun {
  target: Target;
  shards: number;
  primaries: number;
  /** answers per second of the scan run (autocannon) */
  rps: number;
  status: Record<string, number>;
  /** non-forged scans sent in the scan run (the denominator of every "per scan") */
  scans: number;
  forged: number;
  /** EVALSHA calls each primary served in the scan run (scan, reservation and transfer scripts; the persist step sends EVAL), and its share of them */
  primaryShares: { port: number; scriptCalls: number; share: number }[];
  /** Σ over primaries of used_cpu_user + used_cpu_sys, from the run's start until its events were in SQLite, per scan */
  redisCpuUsPerScan: number;
  /** the engine process (all threads: HTTP, SQLite worker) over the same window, per scan */
  engineCpuUsPerScan: number;
  /** scanCodes calls per scan, the engine's count (below 1 under load: the scans of one turn and one shard share a call) */
  scanCallsPerScan: number;
  /** EVALSHA calls beyond the scans' own (Σ over primaries − scanCodes calls) per scan: reservations on home shards, bucket transfers */
  extraCallsPerScan: number;
  /** of which holdLimits calls (the engine's count) */
  limitCallsPerScan: number;
  /** every other command INFO commandstats counted (those the scripts ran included: Redis counts them too), per scan */
  otherCommandsPerScan: number;
  /** per command (those scripts ran included), summed over the primaries, per scan: calls and Redis µs (commandstats) */
  commandsPerScan?: Record<string, { calls: number; usec: number }>;
  exhaustion: ExhaustionResult;
}

/** the share of one core a primary (or an engine core) is planned at, leaving room for peaks */
export const PLANNED_CORE_LOAD = 0.7;
export const CAPACITY_TARGETS = [100_000, 1_000_000] as const;

export interface TargetSummary {
  rps: number;
  /** answers of the scan run other than 200 and 404 (a forged code is a 404 by design) */
  errors: number;
  redisCpuUsPerScan: number;
  engineCpuUsPerScan: number;
  scanCallsPerScan: number;
  extraCallsPerScan: number;
  limitCallsPerScan: number;
  otherCommandsPerScan: number;
  unwonShare: number;
  outOfStockWhileUnitsLeft: number;
}

export interface ClusterSummary {
  cluster: TargetSummary;
  single: TargetSummary;
  /** with --sharded-single: what the shards cost without the cluster (one redis-server, P shards) */
  sharded: TargetSummary | null;
  /** median over runs of the largest |share − 1/P| / (1/P) among the cluster's primaries (target ≤ 0.15) */
  spreadMaxDeviation: number;
  /** cluster Redis CPU per scan / single (an unchanged cost per scan is 1) */
  redisCpuRatio: number;
  /** cluster − single commands per scan besides EVALSHA (those scripts run included): what spreading adds inside Redis */
  addedCommandsPerScan: number;
  capacity: {
    /** scans/s one primary carries at PLANNED_CORE_LOAD: PLANNED_CORE_LOAD × 10⁶ / cluster Redis CPU µs per scan */
    scansPerSecondPerPrimary: number;
    rows: { scansPerSecond: number; primaries: number; engineCores: number }[];
  };
  targets: { name: string; target: string; actual: string; met: boolean }[];
}

export interface ClusterBenchResults {
  summary: ClusterSummary;
  runs: TargetRun[];
  machine: { cpus: number; cpuModel: string; node: string; loadAvgAtStart: number[]; loadAvgAtEnd: number[] };
  options: Omit<ClusterBenchOptions, 'out'>;
  startedAt: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function spreadDeviation(run: TargetRun): number {
  const fair = 1 / run.primaries;
  return Math.max(...run.primaryShares.map((p) => Math.abs(p.share - fair) / fair));
}

function summarizeTarget(runs: readonly TargetRun[]): TargetSummary {
  const m = (f: (r: TargetRun) => number): number => median(runs.map(f));
  return {
    rps: m((r) => r.rps),
    errors: m((r) => Object.entries(r.status).reduce((n, [code, c]) => (code === '200' || code === '404' ? n : n + c), 0)),
    redisCpuUsPerScan: m((r) => r.redisCpuUsPerScan),
    engineCpuUsPerScan: m((r) => r.engineCpuUsPerScan),
    scanCallsPerScan: m((r) => r.scanCallsPerScan),
    extraCallsPerScan: m((r) => r.extraCallsPerScan),
    limitCallsPerScan: m((r) => r.limitCallsPerScan),
    otherCommandsPerScan: m((r) => r.otherCommandsPerScan),
    unwonShare: m((r) => r.exhaustion.unwonShare),
    outOfStockWhileUnitsLeft: m((r) => r.exhaustion.outOfStockWhileUnitsLeft),
  };
}

export function summarize(runs: readonly TargetRun[], primaries: number): ClusterSummary {
  const cluster = summarizeTarget(runs.filter((r) => r.target === 'cluster'));
  const single = summarizeTarget(runs.filter((r) => r.target === 'single'));
  const shardedRuns = runs.filter((r) => r.target === 'sharded');
  const sharded = shardedRuns.length === 0 ? null : summarizeTarget(shardedRuns);
  const spreadMaxDeviation = median(runs.filter((r) => r.target === 'cluster').map(spreadDeviation));
  const perPrimary = (PLANNED_CORE_LOAD * 1_000_000) / cluster.redisCpuUsPerScan;
  const rows = CAPACITY_TARGETS.map((t) => ({
    scansPerSecond: t,
    primaries: Math.ceil(t / perPrimary),
    engineCores: Math.ceil((t * cluster.engineCpuUsPerScan) / (PLANNED_CORE_LOAD * 1_000_000)),
  }));
  const redisCpuRatio = cluster.redisCpuUsPerScan / single.redisCpuUsPerScan;
  // a broken bucket shows as more wins than stock: the unwon share is then meaningless
  const inexact = runs.filter((r) => r.exhaustion.won + r.exhaustion.unitsLeft !== r.exhaustion.stock);
  return {
    cluster,
    single,
    sharded,
    spreadMaxDeviation,
    redisCpuRatio,
    addedCommandsPerScan: cluster.otherCommandsPerScan - single.otherCommandsPerScan,
    capacity: { scansPerSecondPerPrimary: perPrimary, rows },
    targets: [
      { name: `each primary's share of script calls within ±15 % of 1/${primaries}`, target: '≤ 0.15', actual: num(spreadMaxDeviation, 3), met: spreadMaxDeviation <= 0.15 },
      { name: 'units left unwon when the stock is reported exhausted', target: '≤ 1 %', actual: `${num(cluster.unwonShare * 100, 2)} %`, met: cluster.unwonShare <= 0.01 },
      {
        name: 'stock exact: won + units left = stock, every run',
        target: 'all runs',
        actual: inexact.length === 0 ? 'all runs' : inexact.map((r) => `${r.target}: ${r.exhaustion.won} won + ${r.exhaustion.unitsLeft} left of ${r.exhaustion.stock}`).join('; '),
        met: inexact.length === 0,
      },
    ],
  };
}

export function formatClusterResults(r: ClusterBenchResults): string {
  const s = r.summary;
  const o = r.options;
  const out: string[] = [];
  out.push(`scanlot bench:cluster: ${r.machine.cpus} x ${r.machine.cpuModel}, node ${r.machine.node}; everything on this one machine`);
  out.push(`options: --runs ${o.runs} --duration ${o.duration} --connections ${o.connections} --primaries ${o.primaries}${o.smoke ? ' --smoke (a harness check: these figures measure nothing)' : ''}`);
  out.push(`load average at start ${r.machine.loadAvgAtStart.map((n) => n.toFixed(2)).join(' ')}, at end ${r.machine.loadAvgAtEnd.map((n) => n.toFixed(2)).join(' ')}`);
  out.push('');
  const row = (name: string, t: TargetSummary): string[] => [
    name,
    int(t.rps),
    int(t.errors),
    num(t.redisCpuUsPerScan, 1),
    num(t.engineCpuUsPerScan, 1),
    num(t.scanCallsPerScan, 3),
    num(t.extraCallsPerScan, 3),
    num(t.limitCallsPerScan, 3),
    num(t.otherCommandsPerScan, 2),
    `${num(t.unwonShare * 100, 2)} %`,
    int(t.outOfStockWhileUnitsLeft),
  ];
  out.push(
    table(`Medians of ${o.runs} run(s) (per non-forged scan)`, [
      ['target', 'scans/s', 'errors', 'Redis CPU µs (Σ primaries)', 'engine CPU µs', 'scan calls', 'extra calls', 'of which limits', 'other commands', 'stock left unwon', 'out_of_stock while units left'],
      row(`cluster (${o.primaries} primaries)`, s.cluster),
      row('single redis-server', s.single),
      ...(s.sharded ? [row(`single redis-server, ${o.primaries} shards`, s.sharded)] : []),
    ]),
  );
  out.push(`cluster / single Redis CPU per scan: ${num(s.redisCpuRatio, 2)}; other commands per scan added by spreading: ${num(s.addedCommandsPerScan, 2)}`);
  out.push('');
  const cluster = r.runs.filter((x) => x.target === 'cluster');
  out.push(
    table('Share of script calls per primary (target 1/P ± 15 %)', [
      ['run', ...(cluster[0]?.primaryShares.map((p) => `:${p.port}`) ?? [])],
      ...cluster.map((x, i) => [String(i + 1), ...x.primaryShares.map((p) => `${num(p.share * 100, 1)} %`)]),
    ]),
  );
  out.push('');
  out.push(
    table(`Capacity at ${PLANNED_CORE_LOAD * 100} % of a core (scans/s per primary: ${int(s.capacity.scansPerSecondPerPrimary)})`, [
      ['scans/s', 'primaries', 'engine cores'],
      ...s.capacity.rows.map((c) => [int(c.scansPerSecond), int(c.primaries), int(c.engineCores)]),
    ]),
  );
  out.push('');
  out.push(
    table('Targets', [
      ['target', 'wanted', 'actual', ''],
      ...s.targets.map((t) => [t.name, t.target, t.actual, t.met ? 'met' : 'MISSED']),
    ]),
  );
  return out.join('\n');
}
