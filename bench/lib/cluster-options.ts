// Command-line options of `npm run bench:cluster`.
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';
import { readFlags } from './flags.js';

export interface ClusterBenchOptions {
  /** measured runs of each target; the report gives the median of each figure */
  runs: number;
  /** seconds of each scan run */
  duration: number;
  connections: number;
  /** primaries of the cluster (SCANLOT_SHARDS defaults to one per primary) */
  primaries: number;
  /** the stock run to exhaustion: units, and the prize's probability */
  exhaustStock: number;
  exhaustProbability: number;
  /** also one redis-server with P shards: the cost of the shards without the cluster */
  shardedSingle: boolean;
  /** a few seconds in all, to check the harness (never a measurement) */
  smoke: boolean;
  out: string;
}

export const USAGE = `usage: npm run bench:cluster -- [--runs N] [--duration S] [--connections N] [--primaries P] [--sharded-single] [--smoke] [--out FILE]
  --runs N         measured runs of each target, median reported (default 3)
  --duration S     seconds of each scan run (default 10)
  --connections N  autocannon connections (default 50)
  --primaries P    primaries of the Redis Cluster (default 3)
  --sharded-single also one redis-server with SCANLOT_SHARDS=P (what the shards cost without the cluster)
  --smoke          1 run of 1 s, small stock: checks the harness in a few seconds, measures nothing
  --out FILE       results file (default bench/results/cluster.json)`;

export function parseClusterOptions(argv: readonly string[]): ClusterBenchOptions {
  let runs = 3;
  let duration = 10;
  let connections = 50;
  let primaries = 3;
  let smoke = false;
  let shardedSingle = false;
  let out = join(PROJECT_ROOT, 'bench', 'results', 'cluster.json');
  readFlags(argv, USAGE, (flag, v) => {
    if (flag === '--runs') runs = v.number(1, true);
    else if (flag === '--duration') duration = v.number(0, false, true);
    else if (flag === '--connections') connections = v.number(1, true);
    else if (flag === '--primaries') primaries = v.number(2, true);
    else if (flag === '--smoke') smoke = true;
    else if (flag === '--sharded-single') shardedSingle = true;
    else if (flag === '--out') out = v.text();
    else return false;
    return true;
  });
  if (smoke) return { runs: 1, duration: 1, connections: Math.min(connections, 20), primaries, shardedSingle, exhaustStock: 60, exhaustProbability: 0.5, smoke, out };
  return { runs, duration, connections, primaries, shardedSingle, exhaustStock: 2_000, exhaustProbability: 0.2, smoke, out };
}
