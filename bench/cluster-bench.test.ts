// npm run bench:cluster: the figures it derives from its runs (medians, the spread target, the exactness
// check, the capacity arithmetic of README "Scaling out: one campaign over a Redis Cluster"), and its harness end to end
// with --smoke (a cluster and a single redis-server, a second of load each). Nothing here asserts a speed.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/paths.js';
import { median, PLANNED_CORE_LOAD, summarize, type ClusterBenchResults, type TargetRun } from './lib/cluster-report.js';

function run(target: 'cluster' | 'single', shares: number[], redisUs: number, engineUs: number, won = 100, left = 0): TargetRun {
  return {
    target,
    shards: shares.length,
    primaries: shares.length,
    rps: 1000,
    status: { '200': 1000 },
    scans: 1000,
    forged: 0,
    primaryShares: shares.map((share, i) => ({ port: 7000 + i, scriptCalls: share * 300, share })),
    redisCpuUsPerScan: redisUs,
    engineCpuUsPerScan: engineUs,
    scanCallsPerScan: 0.3,
    extraCallsPerScan: target === 'cluster' ? 0.2 : 0,
    limitCallsPerScan: target === 'cluster' ? 0.15 : 0,
    otherCommandsPerScan: target === 'cluster' ? 9 : 8,
    exhaustion: { stock: 100, scans: 600, won, outOfStockWhileUnitsLeft: 0, unitsLeft: left, unwonShare: left / 100, errors: 0 },
  };
}

describe('bench:cluster summary', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('the spread target compares each primary with 1/P, relative; medians over runs', () => {
    const even = summarize([run('cluster', [0.33, 0.34, 0.33], 40, 100), run('single', [1], 30, 100)], 3);
    expect(even.spreadMaxDeviation).toBeCloseTo(0.02, 5);
    expect(even.targets[0]!.met).toBe(true);
    const skewed = summarize([run('cluster', [0.2, 0.4, 0.4], 40, 100), run('single', [1], 30, 100)], 3);
    expect(skewed.spreadMaxDeviation).toBeCloseTo(0.4, 5);
    expect(skewed.targets[0]!.met).toBe(false);
  });

  it('capacity: scans/s per primary from the cluster Redis CPU per scan; primaries and engine cores for each target', () => {
    const s = summarize([run('cluster', [0.33, 0.34, 0.33], 35, 140), run('single', [1], 28, 140)], 3);
    expect(s.capacity.scansPerSecondPerPrimary).toBeCloseTo((PLANNED_CORE_LOAD * 1e6) / 35, 6);
    // 100,000 scans/s × 35 µs = 3.5 cores of Redis at 0.7 each → 5 primaries; × 140 µs = 14 cores / 0.7 → 20
    expect(s.capacity.rows).toEqual([
      { scansPerSecond: 100_000, primaries: 5, engineCores: 20 },
      { scansPerSecond: 1_000_000, primaries: 50, engineCores: 200 },
    ]);
    expect(s.redisCpuRatio).toBeCloseTo(1.25, 6);
    expect(s.addedCommandsPerScan).toBe(1);
  });

  it('more wins than stock fails the exactness target and names the run', () => {
    const s = summarize([run('cluster', [0.33, 0.34, 0.33], 40, 100, 300, 0), run('single', [1], 30, 100)], 3);
    const exact = s.targets.find((t) => t.name.startsWith('stock exact'))!;
    expect(exact.met).toBe(false);
    expect(exact.actual).toContain('cluster: 300 won + 0 left of 100');
    const ok = summarize([run('cluster', [0.33, 0.34, 0.33], 40, 100, 99, 1), run('single', [1], 30, 100)], 3);
    expect(ok.targets.find((t) => t.name.startsWith('stock exact'))!.met).toBe(true);
    expect(ok.cluster.unwonShare).toBe(0.01);
  });
});

describe('npm run bench:cluster -- --smoke', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanlot-cluster-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const runBench = (args: readonly string[], timeout: number): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [join(PROJECT_ROOT, 'dist', 'bench', 'cluster-bench.js'), ...args], { timeout, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
      );
    });

  it('measures a 3-primary cluster, a single redis-server and one with 3 shards, with the same workload, and writes the figures', async () => {
    const out = join(dir, 'cluster.json');
    const run = await runBench(['--smoke', '--sharded-single', '--out', out], 110_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Share of script calls per primary');
    const r = JSON.parse(readFileSync(out, 'utf8')) as ClusterBenchResults;
    expect(r.runs.map((x) => [x.target, x.primaries, x.shards])).toEqual([
      ['cluster', 3, 3],
      ['single', 1, 1],
      ['sharded', 1, 3],
    ]);
    for (const x of r.runs) {
      expect(x.scans, x.target).toBeGreaterThan(0);
      // every primary served script calls; the shares are of the same total
      expect(x.primaryShares.every((p) => p.scriptCalls > 0), x.target).toBe(true);
      expect(x.primaryShares.reduce((a, p) => a + p.share, 0)).toBeCloseTo(1, 9);
      expect(x.redisCpuUsPerScan, x.target).toBeGreaterThan(0);
      expect(x.engineCpuUsPerScan, x.target).toBeGreaterThan(0);
      expect(x.scanCallsPerScan, x.target).toBeGreaterThan(0);
      expect(x.otherCommandsPerScan, x.target).toBeGreaterThan(0);
      // every EVALSHA a primary served is a scan's call or an extra one (a reservation, a transfer)
      expect(x.extraCallsPerScan, x.target).toBeGreaterThanOrEqual(0);
      expect(x.limitCallsPerScan, x.target).toBeLessThanOrEqual(x.extraCallsPerScan + 1e-9);
      expect(x.exhaustion.won + x.exhaustion.unitsLeft, x.target).toBe(x.exhaustion.stock);
      expect(x.exhaustion.errors, x.target).toBe(0);
    }
    expect(Number.isFinite(r.summary.redisCpuRatio)).toBe(true);
    expect(r.summary.sharded?.rps).toBeGreaterThan(0);
    expect(r.summary.capacity.rows.map((c) => c.scansPerSecond)).toEqual([100_000, 1_000_000]);
  }, 120_000);

  it('refuses a bad option with usage and exit status 2', async () => {
    const run = await runBench(['--primaries', '1'], 20_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: npm run bench:cluster');
  });
});
