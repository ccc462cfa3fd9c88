// `npm run bench:flood`: what a forged-code flood does to everyone else. One engine (embedded Redis),
// normal traffic (fresh, valid codes) at a fixed rate, open loop (latency from each request's due
// time), measured twice with the same settings: alone, then next to a closed-loop flood of forged codes
// as fast as --flood-connections connections get answers. The flood comes from one client address, so
// past SCANLOT_FORGED_PER_MINUTE (60) its answers are 429 from the in-process limit; the normal traffic
// is valid codes, which that limit never refuses (both come from 127.0.0.1 here: the limit is only
// consulted once a code failed its MAC check). Prints a table and writes bench/results/flood.json.
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { campaignBody } from './lib/bench-campaign.js';
import { benchMain, logger, type Cleanup } from './lib/bench-main.js';
import { BENCH_SECRET, EngineProcess } from './lib/engine-process.js';
import { readFlags } from './lib/flags.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { runPaced, type PacedResult } from './lib/open-loop.js';
import { int, num, table, writeJson } from './lib/report.js';
import { FORGED_ONLY, FRESH_ONLY, ScanBodyFactory } from './lib/scan-bodies.js';

const USAGE = `usage: npm run bench:flood -- [--rate R] [--connections N] [--flood-connections N] [--duration S] [--out FILE]
  --rate R                normal scans per second, open loop (default 2000)
  --connections N         connections of the normal traffic (default 50)
  --flood-connections N   connections of the forged flood, closed loop (default 16)
  --duration S            seconds measured per run (default 10; each run has 2 s of warm-up before)
  --out FILE              results file (default bench/results/flood.json)`;

const SCAN_PATH = '/v1/scans';
const WARMUP_S = 2;

interface Options {
  rate: number;
  connections: number;
  floodConnections: number;
  duration: number;
  out: string;
}

interface Side {
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  status: Record<string, number>;
  sentLate: number;
}

export interface FloodResults {
  options: Options;
  alone: Side;
  withFlood: Side;
  flood: { rps: number; status: Record<string, number> };
  /** withFlood.p99Ms - alone.p99Ms */
  p99ChangeMs: number;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { rate: 2000, connections: 50, floodConnections: 16, duration: 10, out: join(PROJECT_ROOT, 'bench', 'results', 'flood.json') };
  readFlags(argv, USAGE, (flag, v) => {
    if (flag === '--rate') o.rate = v.number(1, false);
    else if (flag === '--connections') o.connections = v.number(1, true);
    else if (flag === '--flood-connections') o.floodConnections = v.number(1, true);
    else if (flag === '--duration') o.duration = v.number(0.1, false);
    else if (flag === '--out') o.out = v.text();
    else return false;
    return true;
  });
  return o;
}

const log = logger('bench:flood');

const side = (p: PacedResult): Side => ({ p50Ms: p.latencyMs.p50, p99Ms: p.latencyMs.p99, p999Ms: p.latencyMs.p999, status: p.status, sentLate: p.sentLate });

async function bench(opts: Options, cleanup: Cleanup): Promise<FloodResults> {
  log('starting the engine');
  // the default per-IP forged limit: the flood is what it is for (EngineProcess lifts it for npm run bench)
  const engine = await EngineProcess.start([], { SCANLOT_FORGED_PER_MINUTE: '60' });
  cleanup.add(() => engine.stop());
  const sku = `flood-${Date.now().toString(36)}`;
  const perRun = Math.ceil(opts.rate * (WARMUP_S + opts.duration)) + 1;
  const size = Math.max(100_000, Math.ceil(perRun * 3 * 1.2));
  const b = await engine.apiOk('POST', '/v1/batches', { sku, size }, 201);
  if (typeof b.batchId !== 'number') throw new Error(`POST /v1/batches: no batchId in ${JSON.stringify(b)}`);
  await engine.apiOk('POST', '/v1/campaigns', campaignBody(sku, sku), 201);
  const factory = new ScanBodyFactory(BENCH_SECRET, b.batchId, size);
  const paced = (): Promise<PacedResult> =>
    runPaced(engine.url, SCAN_PATH, factory.make(perRun, FRESH_ONLY).bodies, { connections: opts.connections, rate: opts.rate, duration: opts.duration, warmup: WARMUP_S });

  log(`warm-up: ${opts.rate}/s for 3 s`);
  await runPaced(engine.url, SCAN_PATH, factory.make(Math.ceil(opts.rate * 3), FRESH_ONLY).bodies, { connections: opts.connections, rate: opts.rate, duration: 3 });

  log(`normal traffic alone: ${opts.rate}/s, ${WARMUP_S} s + ${opts.duration} s measured`);
  const alone = await paced();

  log(`normal traffic next to a forged flood on ${opts.floodConnections} connections`);
  const forged = factory.make(200_000, FORGED_ONLY).bodies;
  const flooding: Promise<LoadResult> = runLoad(engine.url, SCAN_PATH, forged, { connections: opts.floodConnections, duration: WARMUP_S + opts.duration + 1, overallRate: null });
  const withFlood = await paced();
  const flood = await flooding;
  return {
    options: opts,
    alone: side(alone),
    withFlood: side(withFlood),
    flood: { rps: flood.rps, status: flood.status },
    p99ChangeMs: withFlood.latencyMs.p99 - alone.latencyMs.p99,
  };
}

function report(opts: Options, r: FloodResults): void {
  const rows: string[][] = [
    ['', 'alone', 'with flood'],
    ['normal p50 ms', num(r.alone.p50Ms), num(r.withFlood.p50Ms)],
    ['normal p99 ms', num(r.alone.p99Ms), num(r.withFlood.p99Ms)],
    ['normal p99.9 ms', num(r.alone.p999Ms), num(r.withFlood.p999Ms)],
    ['normal sent late', int(r.alone.sentLate), int(r.withFlood.sentLate)],
    ['normal statuses', JSON.stringify(r.alone.status), JSON.stringify(r.withFlood.status)],
    ['flood answers/s', '', int(r.flood.rps)],
    ['flood statuses', '', JSON.stringify(r.flood.status)],
  ];
  process.stdout.write(`${table(`scanlot bench:flood: normal ${int(opts.rate)}/s open loop; flood closed loop on ${opts.floodConnections} connections; p99 change ${num(r.p99ChangeMs)} ms`, rows)}\n`);
  writeJson(opts.out, r);
}

void benchMain('bench:flood', parseArgs, bench, report);
