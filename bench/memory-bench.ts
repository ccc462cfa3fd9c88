// `npm run bench:memory`: where Redis memory goes per consumed code. Starts the engine on its embedded
// Redis, sends the bench's scan mix (fresh, repeated and forged codes of the bench campaign) through the
// API, waits until every event is stored, then measures used_memory growth per fresh code and the
// MEMORY USAGE of every key the scans created, grouped by the kind of key (the key's name with its ids
// replaced by *). The figure the cost-per-scan work is held to: bytes per consumed code, and which keys
// they are in.
import { kindOf } from '../src/testing/redis-key-memory.js';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { PROJECT_ROOT } from '../src/paths.js';
import { campaignBody } from './lib/bench-campaign.js';
import { benchMain, logger, type Cleanup } from './lib/bench-main.js';
import { BENCH_SECRET, EngineProcess } from './lib/engine-process.js';
import { readFlags } from './lib/flags.js';
import { runLoad } from './lib/load.js';
import { int, num, table, writeJson } from './lib/report.js';
import { ScanBodyFactory } from './lib/scan-bodies.js';

const USAGE = `usage: npm run bench:memory -- [--scans N] [--out FILE]
  --scans N   scan requests sent (default 50000; the mix: 85 % fresh, 10 % repeats, 5 % forged)
  --out FILE  results file (default bench/results/memory.json)`;

interface Options {
  scans: number;
  out: string;
}

export interface MemoryResults {
  freshCodes: number;
  usedMemoryGrowth: number;
  bytesPerConsumedCode: number;
  /** key kind -> keys, bytes (MEMORY USAGE), bytes per consumed code */
  byKind: Record<string, { keys: number; bytes: number; bytesPerCode: number }>;
}

const log = logger('memory');

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { scans: 50_000, out: join(PROJECT_ROOT, 'bench', 'results', 'memory.json') };
  readFlags(argv, USAGE, (flag, v) => {
    if (flag === '--scans') o.scans = v.number(100, true);
    else if (flag === '--out') o.out = v.text();
    else return false;
    return true;
  });
  return o;
}

async function measure(o: Options, cleanup: Cleanup): Promise<MemoryResults> {
  const engine = await EngineProcess.start();
  cleanup.add(() => engine.stop());
  const redis = new Redis(engine.redisUrl());
  cleanup.add(async () => redis.disconnect());
  const sku = `mem-${Date.now().toString(36)}`;
  const batch = await engine.apiOk('POST', '/v1/batches', { sku, size: o.scans * 2 }, 201);
  const batchId = Number(batch.batchId);
  await engine.apiOk('POST', '/v1/campaigns', campaignBody(`mem-${sku}`, sku), 201);
  const bodies = new ScanBodyFactory(BENCH_SECRET, batchId, o.scans * 2).make(o.scans);
  // what exists before the scans (definitions, the batch, the campaign): not counted
  const before = new Set<string>();
  for await (const ks of redis.scanStream({ count: 1000 }) as AsyncIterable<string[]>) for (const k of ks) before.add(k);
  await redis.call('MEMORY', 'PURGE');
  const mem0 = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
  log(`sending ${int(o.scans)} scans`);
  const run = await runLoad(engine.url, '/v1/scans', bodies.bodies, { connections: 20, duration: 600, overallRate: null, maxRequests: o.scans });
  for (const until = Date.now() + 120_000; (await engine.backlog()) > 0; ) {
    if (Date.now() > until) throw new Error('events not stored within 2 minutes');
    await new Promise((r) => setTimeout(r, 100));
  }
  await redis.call('MEMORY', 'PURGE');
  const mem1 = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
  const fresh = bodies.fresh;
  const byKind: MemoryResults['byKind'] = {};
  for await (const ks of redis.scanStream({ count: 1000 }) as AsyncIterable<string[]>) {
    for (const k of ks) {
      const bytes = Number(await redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0'));
      const kind = before.has(k) ? `(existed before) ${kindOf(k)}` : kindOf(k);
      const row = (byKind[kind] ??= { keys: 0, bytes: 0, bytesPerCode: 0 });
      row.keys++;
      row.bytes += bytes;
    }
  }
  for (const row of Object.values(byKind)) row.bytesPerCode = row.bytes / fresh;
  log(`answered ${int(run.requests)} scans`);
  return { freshCodes: fresh, usedMemoryGrowth: mem1 - mem0, bytesPerConsumedCode: (mem1 - mem0) / fresh, byKind };
}

void benchMain('memory', parseArgs, measure, (o, r) => {
  writeJson(o.out, r);
  const rows = Object.entries(r.byKind).sort((a, b) => b[1].bytes - a[1].bytes);
  process.stdout.write(
    `${int(r.freshCodes)} fresh codes consumed: used_memory grew ${int(r.usedMemoryGrowth)} bytes = ${num(r.bytesPerConsumedCode, 1)} bytes per consumed code\n\n` +
      table('Keys the scans created or grew (MEMORY USAGE)', [['kind of key', 'keys', 'bytes', 'bytes per consumed code'], ...rows.map(([k, v]) => [k, int(v.keys), int(v.bytes), num(v.bytesPerCode, 1)])]) +
      `\n\nwritten to ${o.out}\n`,
  );
});
