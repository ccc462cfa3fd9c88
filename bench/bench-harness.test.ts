// The bench harness runs end to end (two seconds of load, small sizes) and writes a valid results file.
// Benchmarks are not tests: nothing here asserts a speed.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/paths.js';

const CONTRACT_NUMBERS = [
  'scan.rps',
  'scan.p50Ms',
  'scan.p99Ms',
  'scan.errors',
  'baselines.uwsHello.rps',
  'baselines.nodeHttpHello.rps',
  'ratios.scanVsUwsHello',
  'ratios.scanVsNodeHttpHello',
  'redisCallsPerScan',
  'redisBytesPerCode',
  'export.codesPerSec',
  'persist.eventsPerSec',
  // issue 5
  'cpuUsPerScan',
  'cpuUsPerHello',
  'export.rssGrowthMb',
  'redisBytesPerCodeAfterTouch',
  'forgedCheck.scriptCalls',
  // the performance targets (bench/README.md)
  'baselines.floor.rps',
  'baselines.floor.cpuUsPerRequest',
  'ratios.cpuScanVsUwsHello',
  'ratios.cpuScanVsFloor',
  'redisUsPerScan',
  'commonRate.rate',
  ...(['scan', 'floor', 'uwsHello'] as const).flatMap((s) => [`commonRate.${s}.p50Ms`, `commonRate.${s}.p99Ms`, `commonRate.${s}.p999Ms`]),
  'scanDuringExport.p99Ms',
  // the cost-per-scan work: CPU by thread, memory per consumed code
  'cpuUsPerScanRedis',
  ...(['main', 'persist', 'dcrm', 'other'] as const).flatMap((t) => [`cpuUsPerScanByThread.${t}`, `baselines.floor.cpuUsPerRequestByThread.${t}`]),
  'redisBytesPerConsumedCode',
] as const;

function at(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/** Runs a compiled bench script (dist/bench/<script>.js) to its end: exit code, stdout, stderr. */
function runBench(script: string, args: readonly string[], timeout: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(PROJECT_ROOT, 'dist', 'bench', `${script}.js`), ...args], { timeout, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

describe('npm run bench', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanlot-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs for two seconds and writes every contract field', async () => {
    const out = join(dir, 'latest.json');
    const run = await runBench('run-bench', ['--duration', '2', '--connections', '10', '--quick', '--out', out], 110_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Targets (cost per scan)');
    expect(run.stdout).toContain('engine CPU per scan by thread');
    expect(run.stdout).toContain('At one common rate');

    const results: unknown = JSON.parse(readFileSync(out, 'utf8'));
    for (const path of CONTRACT_NUMBERS) {
      const v = at(results, path);
      expect(typeof v === 'number' && Number.isFinite(v), `${path} = ${JSON.stringify(v)}`).toBe(true);
    }
    expect(at(results, 'scan.rps') as number).toBeGreaterThan(0);
    expect(at(results, 'scan.errors')).toBe(0);
    for (const s of ['scan', 'floor', 'uwsHello']) expect(at(results, `commonRate.${s}.errors`), `${s}: ${JSON.stringify(at(results, `commonRate.${s}`))}`).toBe(0);
    expect(at(results, 'scanDuringExport.errors')).toBe(0);
    // at most one script call per scan on the hot path (scans of one event-loop turn share it), exactly
    // one when scans come one at a time, none for a forged code
    expect(at(results, 'redisCallsPerScan') as number).toBeGreaterThan(0);
    expect(at(results, 'redisCallsPerScan') as number).toBeLessThanOrEqual(1);
    expect(at(results, 'serialCheck.requests')).toBeGreaterThan(0);
    expect(at(results, 'serialCheck.scriptCalls')).toBe(at(results, 'serialCheck.requests'));
    expect(at(results, 'forgedCheck.scriptCalls')).toBe(0);
    expect(at(results, 'forgedCheck.otherCommands')).toEqual({});
    expect((at(results, 'forgedCheck.status') as Record<string, number>)['404']).toBe(at(results, 'forgedCheck.requests'));
    // the named worker threads are found: the engine's persist worker and the floor's did work
    expect(at(results, 'cpuUsPerScanByThread.persist') as number).toBeGreaterThan(0);
    expect(at(results, 'cpuUsPerScanByThread.main') as number).toBeGreaterThan(0);
    expect(at(results, 'baselines.floor.cpuUsPerRequestByThread.persist') as number).toBeGreaterThan(0);
    // fresh codes were consumed, and each left something in Redis (its record at least)
    expect(at(results, 'redisBytesPerConsumedCode') as number).toBeGreaterThan(0);
  }, 120_000);
});

describe('npm run bench:tail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanlot-tail-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a short open-loop window and reports the client, engine and Redis views of it', async () => {
    const out = join(dir, 'tail.json');
    const run = await runBench('tail-bench', ['--rate', '200', '--duration', '1', '--warmup', '0.5', '--connections', '4', '--redis-config', 'hz 20', '--out', out], 60_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Redis: SLOWLOG');
    const r = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(at(r, 'client.sent')).toBe(300);
    expect(at(r, 'client.answered')).toBe(300);
    for (const path of ['client.p50Ms', 'client.p99Ms', 'client.maxMs', 'engine.loopDelayMaxMs']) {
      expect(Number.isFinite(at(r, path)), path).toBe(true);
    }
    // the engine answered the window's scans (forged codes are 404s, not in its histogram)
    expect(at(r, 'engine.answered') as number).toBeGreaterThan(150);
    expect(at(r, 'engine.shareWithinMs.1000')).toBe(1);
    expect(at(r, 'options.redisConfig')).toEqual([['hz', '20']]);
    expect(Array.isArray(at(r, 'redis.latencyEvents'))).toBe(true);
  }, 70_000);

  it('refuses a bad option with usage and exit status 2', async () => {
    const run = await runBench('tail-bench', ['--rate', 'fast'], 20_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: npm run bench:tail');
  });
});

describe('npm run bench:floor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanlot-floor-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures the hello (first and last) and the three floor servers, each floor request going through Redis and, in the last, into SQLite', async () => {
    const out = join(dir, 'floor.json');
    const run = await runBench('floor-bench', ['--duration', '1', '--warmup', '0.5', '--connections', '4', '--out', out], 60_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Against the uWS hello');
    const r = JSON.parse(readFileSync(out, 'utf8')) as { runs: Record<string, number>[]; vsHello: Record<string, number>[] };
    expect(r.runs).toHaveLength(5);
    for (const s of r.runs) {
      expect(s.rps).toBeGreaterThan(0);
      expect(s.errors).toBe(0);
      expect(s.cpuUsPerRequest).toBeGreaterThan(0);
      const fixed = (s as unknown as { fixedRate: Record<string, number> }).fixedRate;
      expect(fixed.rate).toBe(Math.max(1, Math.round(s.rps! * 0.6)));
      for (const k of ['p50Ms', 'p99Ms', 'p999Ms']) expect(Number.isFinite(fixed[k]), k).toBe(true);
    }
    type Run = Record<string, number> & { persisted?: { answered: number; rows: number } };
    const [hello, perCall, perTurn, withSqlite, helloAgain] = r.runs as [Run, Run, Run, Run, Run];
    for (const h of [hello, helloAgain]) {
      expect(h.scriptCallsPerRequest).toBe(0);
      expect(h.cpuUsRedis).toBe(0);
    }
    // one script call per answered request, give or take the requests in flight at the window's edges
    expect(perCall.scriptCallsPerRequest).toBeGreaterThan(0.98);
    expect(perCall.scriptCallsPerRequest).toBeLessThan(1.02);
    expect(perCall.cpuUsRedis).toBeGreaterThan(0);
    expect(perTurn.scriptCallsPerRequest).toBeGreaterThan(0);
    expect(perTurn.scriptCallsPerRequest).toBeLessThan(1.02);
    // every answered request's event reached SQLite (requests still in flight when the load stopped add rows, not answers)
    expect(withSqlite.persisted?.answered).toBeGreaterThan(0);
    expect(withSqlite.persisted?.rows).toBeGreaterThanOrEqual(withSqlite.persisted?.answered ?? Infinity);
    expect(perTurn.persisted).toBeUndefined();
    expect(r.vsHello.map((v) => Number.isFinite(v.cpu) && Number.isFinite(v.rps))).toEqual([true, true, true]);
  }, 70_000);

  it('refuses a bad option with usage and exit status 2', async () => {
    const run = await runBench('floor-bench', ['--connections', '0'], 20_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--connections needs an integer >= 1');
    expect(run.stderr).toContain('usage: npm run bench:floor');
  });
});
