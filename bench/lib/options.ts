// Command-line options of `npm run bench`.
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';
import { readFlags } from './flags.js';

export interface BenchOptions {
  /** seconds of each load run */
  duration: number;
  connections: number;
  /** requests/s of the fixed-rate run; null: 60% of the measured maximum */
  rate: number | null;
  /** small sizes and a 1 s fixed-rate run: for the harness test */
  quick: boolean;
  /** where the JSON results go */
  out: string;
  /** the batch whose Redis memory per code is measured */
  bigBatchSize: number;
  /** codes exported in the export measurement */
  exportCodes: number;
  /** seconds of the fixed-rate run */
  fixedRateDuration: number;
  /** requests of the forged-only run that checks forged codes never reach Redis */
  forgedRequests: number;
  /** extra node flags for the engine process, e.g. --cpu-prof */
  engineNodeArgs: string[];
}

/** the fixed-rate runs go at this share of the measured maximum unless --rate says */
export const FIXED_RATE_SHARE = 0.6;

export const USAGE = `usage: npm run bench -- [--duration S] [--connections N] [--rate R] [--quick] [--out FILE] [--engine-node-arg ARG]...
  --duration S          seconds of each load run (default 10)
  --connections N       autocannon connections (default 50)
  --rate R              requests/s of the fixed-rate latency run (default: 60% of the measured maximum)
  --quick               small batch, export and fixed-rate run (for the harness test)
  --out FILE            results file (default bench/results/latest.json)
  --engine-node-arg ARG extra node flag for the engine process (repeatable), e.g. --cpu-prof`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  let duration = 10;
  let connections = 50;
  let rate: number | null = null;
  let quick = false;
  let out = join(PROJECT_ROOT, 'bench', 'results', 'latest.json');
  const engineNodeArgs: string[] = [];
  readFlags(argv, USAGE, (flag, v) => {
    if (flag === '--duration') duration = v.number(0, false, true);
    else if (flag === '--connections') connections = v.number(1, true);
    else if (flag === '--rate') rate = v.number(0, false, true);
    else if (flag === '--quick') quick = true;
    else if (flag === '--out') out = v.text();
    else if (flag === '--engine-node-arg') engineNodeArgs.push(v.text());
    else return false;
    return true;
  });
  return {
    duration,
    connections,
    rate,
    quick,
    out,
    bigBatchSize: quick ? 100_000 : 10_000_000,
    exportCodes: quick ? 100_000 : 2_000_000,
    fixedRateDuration: quick ? 1 : duration,
    forgedRequests: quick ? 500 : 5_000,
    engineNodeArgs,
  };
}
