// `npm run bench:identity`: what verified identity costs per scan. With the same settings and the same
// kind of bodies: an engine in `open` mode (the user field taken as sent), and an engine in `verified`
// mode where every request carries the HS256 consumer JWT of its body's user (signed here, one per user;
// the engine verifies each token once and keeps up to 10,000 in its cache, and the bodies name up to
// 200,000 users, so most requests of a long run verify a token). Both are driven at the same fixed rate
// (an engine's CPU per scan depends on how many scans share a Redis call, so two closed-loop runs at
// different speeds are not comparable), alternately, round after round: the figure is the median of the
// rounds' differences. Prints a table and writes bench/results/identity.json.
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { PROJECT_ROOT } from '../src/paths.js';
import { campaignBody } from './lib/bench-campaign.js';
import { benchMain, logger, type Cleanup } from './lib/bench-main.js';
import { BENCH_SECRET, EngineProcess } from './lib/engine-process.js';
import { readFlags } from './lib/flags.js';
import { errorsOf, runLoad, type LoadResult } from './lib/load.js';
import { int, num, table, writeJson } from './lib/report.js';
import { BODIES_PER_SECOND, FRESH_ONLY, ScanBodyFactory } from './lib/scan-bodies.js';

const USAGE = `usage: npm run bench:identity -- [--duration S] [--connections N] [--rate R] [--rounds K] [--out FILE]
  --duration S     seconds of each run (default 10)
  --connections N  connections (default 50)
  --rate R         scans/s of every run, open and verified alike (default 3000)
  --rounds K       open and verified runs, alternately, K times each (default 3)
  --out FILE       results file (default bench/results/identity.json)`;

const SCAN_PATH = '/v1/scans';
const TOKEN_SECRET = 'bench-user-token-secret-0123456789abcdef';

interface Options {
  duration: number;
  connections: number;
  rate: number;
  rounds: number;
  out: string;
}

interface Run {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  engineCpuUsPerScan: number;
}

export interface IdentityResults {
  options: Options;
  /** the round whose difference is the median */
  open: Run;
  verified: Run;
  /** median over the rounds of verified.engineCpuUsPerScan - open.engineCpuUsPerScan */
  cpuUsPerScanAdded: number;
  rounds: { open: Run; verified: Run; cpuUsPerScanAdded: number }[];
  distinctTokens: number;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { duration: 10, connections: 50, rate: 3000, rounds: 3, out: join(PROJECT_ROOT, 'bench', 'results', 'identity.json') };
  readFlags(argv, USAGE, (flag, v) => {
    if (flag === '--duration') o.duration = v.number(0.1, false);
    else if (flag === '--connections') o.connections = v.number(1, true);
    else if (flag === '--rate') o.rate = v.number(1, false);
    else if (flag === '--rounds') o.rounds = v.number(1, true);
    else if (flag === '--out') o.out = v.text();
    else return false;
    return true;
  });
  return o;
}

const log = logger('bench:identity');

/** user and system CPU time of a process so far, µs (from /proc/PID/stat, clock ticks of 10 ms) */
async function cpuUs(pid: number): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function measure(name: string, env: Record<string, string>, opts: Options, cleanup: Cleanup, withTokens: boolean): Promise<{ run: Run; tokens: number }> {
  log(`${name}: starting an engine`);
  const engine = await EngineProcess.start([], env);
  const stop = cleanup.add(() => engine.stop());
  const sku = `identity-${name}-${Date.now().toString(36)}`;
  const size = Math.ceil((opts.duration + 2) * BODIES_PER_SECOND) + 100_000;
  const b = await engine.apiOk('POST', '/v1/batches', { sku, size }, 201);
  await engine.apiOk('POST', '/v1/campaigns', campaignBody(sku, sku), 201);
  const factory = new ScanBodyFactory(BENCH_SECRET, b.batchId as number, size);
  const warm = factory.make(BODIES_PER_SECOND, FRESH_ONLY).bodies;
  const main = factory.make(Math.ceil(opts.duration * BODIES_PER_SECOND), FRESH_ONLY).bodies;
  let authorizations: { warm: string[]; main: string[] } | null = null;
  const tokenOf = new Map<string, string>();
  if (withTokens) {
    log(`${name}: signing a token per user`);
    const key = new TextEncoder().encode(TOKEN_SECRET);
    const sign = async (bodies: readonly Buffer[]): Promise<string[]> => {
      const out: string[] = [];
      for (const body of bodies) {
        const user = (JSON.parse(body.toString()) as { user: string }).user;
        let t = tokenOf.get(user);
        if (t === undefined) {
          t = `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(user).setExpirationTime('1h').sign(key)}`;
          tokenOf.set(user, t);
        }
        out.push(t);
      }
      return out;
    };
    authorizations = { warm: await sign(warm), main: await sign(main) };
  }
  const load = { connections: opts.connections, overallRate: opts.rate };
  log(`${name}: 1 s warm-up, ${opts.duration} s measured`);
  await runLoad(engine.url, SCAN_PATH, warm, { ...load, duration: 1, ...(authorizations ? { authorizations: authorizations.warm } : {}) });
  const cpu0 = await cpuUs(engine.pid);
  const r: LoadResult = await runLoad(engine.url, SCAN_PATH, main, { ...load, duration: opts.duration, ...(authorizations ? { authorizations: authorizations.main } : {}) });
  const cpu = (await cpuUs(engine.pid)) - cpu0;
  await stop();
  return {
    run: { rps: r.rps, p50Ms: r.latencyMs.p50, p99Ms: r.latencyMs.p99, errors: errorsOf(r, ['200']), engineCpuUsPerScan: r.requests === 0 ? 0 : cpu / r.requests },
    tokens: tokenOf.size,
  };
}

async function bench(opts: Options, cleanup: Cleanup): Promise<IdentityResults> {
  const rounds: IdentityResults['rounds'] = [];
  let tokens = 0;
  for (let i = 0; i < opts.rounds; i++) {
    // alternate which goes first, so that a drift of the machine over a round falls on both alike
    const first = i % 2 === 0 ? 'open' : 'verified';
    const runOpen = () => measure('open', { IDENTITY: 'open' }, opts, cleanup, false);
    const runVerified = () => measure('verified', { USER_TOKEN_SECRET: TOKEN_SECRET }, opts, cleanup, true);
    const a = first === 'open' ? await runOpen() : await runVerified();
    const b = first === 'open' ? await runVerified() : await runOpen();
    const [open, verified] = first === 'open' ? [a, b] : [b, a];
    tokens = verified.tokens;
    rounds.push({ open: open.run, verified: verified.run, cpuUsPerScanAdded: verified.run.engineCpuUsPerScan - open.run.engineCpuUsPerScan });
  }
  const sorted = [...rounds].sort((x, y) => x.cpuUsPerScanAdded - y.cpuUsPerScanAdded);
  const mid = sorted[Math.floor((sorted.length - 1) / 2)] as IdentityResults['rounds'][number];
  return { options: opts, open: mid.open, verified: mid.verified, cpuUsPerScanAdded: mid.cpuUsPerScanAdded, rounds, distinctTokens: tokens };
}

function report(opts: Options, r: IdentityResults): void {
  const rows: string[][] = [
    ['', 'open', 'verified (JWT on every request)'],
    ['scans/s', int(r.open.rps), int(r.verified.rps)],
    ['p50 ms', num(r.open.p50Ms), num(r.verified.p50Ms)],
    ['p99 ms', num(r.open.p99Ms), num(r.verified.p99Ms)],
    ['engine CPU µs/scan (main process, all threads)', num(r.open.engineCpuUsPerScan, 1), num(r.verified.engineCpuUsPerScan, 1)],
    ['errors (non-200)', int(r.open.errors), int(r.verified.errors)],
  ];
  const each = r.rounds.map((x) => `${x.cpuUsPerScanAdded >= 0 ? '+' : ''}${num(x.cpuUsPerScanAdded, 1)}`).join(', ');
  process.stdout.write(`${table(`scanlot bench:identity: ${opts.connections} connections, ${int(opts.rate)} scans/s, ${opts.duration} s each; ${int(r.distinctTokens)} distinct tokens; median of ${r.rounds.length} rounds ${r.cpuUsPerScanAdded >= 0 ? '+' : ''}${num(r.cpuUsPerScanAdded, 1)} µs CPU per scan (rounds: ${each}); the median round:`, rows)}\n`);
  writeJson(opts.out, r);
}

void benchMain('bench:identity', parseArgs, bench, report);
