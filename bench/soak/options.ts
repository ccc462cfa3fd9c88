// The command line of `npm run soak`.
import { readFlags } from '../lib/flags.js';

export interface SoakOptions {
  minutes: number;
  /** scans per second over all engines; null: half of the rate measured at the start */
  rate: number | null;
  engines: number;
  cluster: boolean;
  seed: number;
  /** where soak.json and soak.html go */
  out: string;
}

export const SOAK_USAGE = `usage: npm run soak -- [--minutes M] [--rate R] [--engines N] [--cluster] [--seed S] [--out DIR]
  --minutes M   length of the run (default 10; fractions allowed: the suite runs a short one)
  --rate R      scans per second over all engines (default: half of the maximum measured at the start)
  --engines N   engines on the one Redis, each with its own DATA_DIR (default 2)
  --cluster     a three-primary Redis Cluster instead of one Redis
  --seed S      seed of the scan mix and of the fault times (default 1)
  --out DIR     where soak.json and soak.html go (default bench/results)`;

export function parseSoakOptions(argv: readonly string[], defaultOut: string): SoakOptions {
  const o: SoakOptions = { minutes: 10, rate: null, engines: 2, cluster: false, seed: 1, out: defaultOut };
  readFlags(argv, SOAK_USAGE, (flag, value) => {
    if (flag === '--minutes') o.minutes = value.number(0, false, true);
    else if (flag === '--rate') o.rate = value.number(1, false);
    else if (flag === '--engines') o.engines = value.number(1, true);
    else if (flag === '--cluster') o.cluster = true;
    else if (flag === '--seed') o.seed = value.number(0, true);
    else if (flag === '--out') o.out = value.text();
    else return false;
    return true;
  });
  return o;
}
