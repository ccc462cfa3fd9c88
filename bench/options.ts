// Command-line options of `npm run bench`.
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';

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

export const USAGE = `usage: npm run bench -- [--duration S] [--connections N] [--rate R] [--quick] [--out FILE] [--engine-node-arg ARG]...
  --duration S          seconds of each load run (default 10)
  --connections N       autocannon connections (default 50)
  --rate R              requests/s of the fixed-rate latency run (default: 60% of the measured maximum)
  --quick               small batch, export and fixed-rate run (for the harness test)
  --out FILE            results file (default bench/results/latest.json)
  --engine-node-arg ARG extra node flag for the engine process (repeatable), e.g. --cpu-prof`;

export class UsageError extends Error {}

function positive(name: string, raw: string | undefined, integer: boolean): number {
  const n = Number(raw);
  if (raw === undefined || raw === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${name} needs a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  let duration = 10;
  let connections = 50;
  let rate: number | null = null;
  let quick = false;
  let out = join(PROJECT_ROOT, 'bench', 'results', 'latest.json');
  const engineNodeArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--duration':
        duration = positive(flag, value(), false);
        break;
      case '--connections':
        connections = positive(flag, value(), true);
        break;
      case '--rate':
        rate = positive(flag, value(), false);
        break;
      case '--quick':
        quick = true;
        break;
      case '--out': {
        const v = value();
        if (!v) throw new UsageError('--out needs a file name');
        out = v;
        break;
      }
      case '--engine-node-arg': {
        const v = value();
        if (!v) throw new UsageError('--engine-node-arg needs a value');
        engineNodeArgs.push(v);
        break;
      }
      case '--help':
      case '-h':
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    }
  }
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
