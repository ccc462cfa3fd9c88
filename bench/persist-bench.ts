// `npm run bench:persist`: the persist step alone. Fills a shard's event stream with real scan events
// (the scan script's own, the bench campaign's mix of outcomes, a tenth repeats), then runs the persist
// worker's function in this process, step after step, until the stream is drained; measures this
// process's CPU (the worker's work, its GC included) and redis-server's CPU (the read, the acknowledgement
// and every aggregate op) per event, and the Redis commands per event. Several rounds, medians: a quick,
// repeatable figure to change the persist path against (the full bench's persist thread agrees with it
// only roughly: there the worker shares the machine with the engine and the load).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startRedis } from '../src/testing/redis-server.js';
import { commandsDuring } from '../src/testing/command-counter.js';
import { CONSUMER_GROUP, keys } from '../src/redis/keys.js';
import { loadScript, runScript } from '../src/redis/scripts.js';
import { campaignStatic, ScanCall, type ScanArgs } from '../src/scan/scan-script-call.js';
import persistBatch, { type PersistTask } from '../src/startup/persist-worker-entry.js';
import { cpuMicros } from './lib/proc-stats.js';
import { readFlags } from './lib/flags.js';
import { writeJson } from './lib/report.js';

const USAGE = `usage: npm run bench:persist -- [--events N] [--rounds R] [--vs FILE] [--out FILE]
  --events N   events per round (default 20000)
  --rounds R   rounds (default 5)
  --vs FILE    another build of the persist worker (its dist/src/startup/persist-worker-entry.js; dist/src/persistence/persist-worker.js for builds before it) to compare
               with: each round runs both, in turn, on the same events' mix
  --out FILE   results file (default bench/results/persist.json)`;

type PersistFn = (t: PersistTask) => Promise<{ moved: number }>;

const T = '{s0}';
const CAMPAIGN = 'persist-bench';
const BATCH = 1;
const SPECS = [
  { id: 'coupon', stock: 10_000_000, budget: null, dailyCap: null, perUserCap: null },
  { id: 'pts', stock: null, budget: null, dailyCap: null, perUserCap: null },
  { id: 'red', stock: null, budget: 1_000_000_000, dailyCap: null, perUserCap: null },
];
const JSON_OF: Record<string, (id: string) => string> = {
  coupon: (id) => `{"id":"coupon","name":"Coupon","kind":"coupon","amount":null,"voucher":{"code":"V${id.padStart(19, '0').slice(-19)}","url":"http://localhost:8080/v/V${id}"}}`,
  pts: () => '{"id":"pts","name":"50 points","kind":"points","amount":50}',
  red: () => '{"id":"red","name":"Red packet","kind":"cash","amount":88}',
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2;
};

async function main(): Promise<void> {
  let events = 20_000;
  let rounds = 5;
  let out = join('bench', 'results', 'persist.json');
  let vs = '';
  readFlags(process.argv.slice(2), USAGE, (flag, v) => {
    if (flag === '--events') events = v.number(100, true);
    else if (flag === '--rounds') rounds = v.number(1, true);
    else if (flag === '--vs') vs = v.text();
    else if (flag === '--out') out = v.text();
    else return false;
    return true;
  });
  const variants: { name: string; persist: PersistFn }[] = [{ name: 'this', persist: persistBatch }];
  if (vs !== '') variants.push({ name: 'vs', persist: ((await import(pathToFileURL(resolve(vs)).href)) as { default: PersistFn }).default });
  const redis = await startRedis({ aof: true });
  const dir = mkdtempSync(join(tmpdir(), 'scanlot-persist-bench-'));
  try {
    const pid = Number((await redis.client.info('server')).match(/process_id:(\d+)/)?.[1]);
    const now = Date.now();
    await redis.client.hset(keys.batchStatus(T), String(BATCH), 'a');
    await redis.client.hset(keys.campaignState(T, CAMPAIGN), 'state', 'live', 's:coupon', '10000000', 'b:red', '1000000000');
    await redis.client.hset(keys.campaignDefs, CAMPAIGN, JSON.stringify({ id: CAMPAIGN, timezone: 'Asia/Shanghai' }));
    await redis.client.xgroup('CREATE', keys.events(T), CONSUMER_GROUP, '0', 'MKSTREAM');
    const cs = campaignStatic(T, CAMPAIGN, now - 3_600_000, now + 86_400_000, { userScansPerDay: 1_000_000, userWinsPerDay: 1_000_000, ipScansPerMinute: null, limitModes: 'ss', geofence: 'off', positionRequired: false }, SPECS);
    const belief = { campaign: cs, live: true, day: '20270301', dayStart: now - 3_600_000, dayEnd: now + 86_400_000, dayIndex: 0 };
    const script = loadScript('scanCodes-1.lua');
    let serial = 0;
    let seq = 0;
    const scan = (prize: string | null, again?: ScanArgs): ScanArgs => {
      const id = `e${(++seq).toString(36)}`;
      const user = again?.user ?? `wx_o6_user${seq % 200_000}`;
      const spec = prize === null ? 0 : SPECS.findIndex((p) => p.id === prize) + 1;
      return {
        batchId: BATCH, serial: again?.serial ?? serial++, user, eventId: id,
        head: `"id":"${id}","type":"scan","code":"ABCDEFGHJKMNPQRSTVWXYZ0123","batchId":${BATCH},"serial":${serial},"sku":"06901234567892","kind":"item","user":"${user}","campaignId":"${CAMPAIGN}","lat":null,"lng":null,"clerk":null,"device":null,"ip":"127.0.0.1","random":123456,"clerkRandom":null`,
        campaign: belief, kind: 'item', shop: '', clerk: '', lat: null, lng: null, region: null, box: '', boxKm: 0, ip: '127.0.0.1',
        levelMap: prize === null ? '0000000000' : '1111111111', clerkChoice: 0, pre: '', short: '',
        chosen: prize === null ? [] : [{ spec, json: (JSON_OF[prize] as (id: string) => string)(id), amount: prize === 'red' ? 88 : prize === 'pts' ? 50 : 0 }],
      };
    };
    const fill = async (n: number): Promise<void> => {
      const recent: ScanArgs[] = [];
      for (let done = 0; done < n; done += 100) {
        const call = new ScanCall(T, keys.events(T));
        for (let i = 0; i < Math.min(100, n - done); i++) {
          const k = (done + i) % 20;
          // the bench campaign's odds: about half points, a fifth cash, a twentieth coupons, the rest nothing; every tenth a repeat
          const a = k === 19 && recent.length > 0 ? scan(null, recent[(done + i) % recent.length]) : scan(k < 10 ? 'pts' : k < 14 ? 'red' : k === 14 ? 'coupon' : null);
          if (recent.length < 1000) recent.push(a);
          call.add(a);
        }
        await runScript(redis.client, script, call.take(Date.now() + 60_000, Date.now()));
      }
    };
    const taskOf = (name: string): PersistTask => ({
      target: { url: redis.url, cluster: null }, dbPath: join(dir, `${name}.db`), stream: keys.events(T), tag: T, shards: [T],
      group: CONSUMER_GROUP, consumer: 'bench', count: 500, mode: 'new', blockMs: 1, claimIdleMs: 60_000,
    });
    // warm-up, not counted: each variant's code is compiled and its connection opened
    for (const v of variants) {
      await fill(2000);
      while ((await v.persist(taskOf(v.name))).moved > 0);
    }
    type Round = { workerUsPerEvent: number; redisUsPerEvent: number; commandsPerEvent: number; usecPerEventByCommand: Record<string, number> };
    const perRound: Record<string, Round[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const v of r % 2 === 0 ? variants : [...variants].reverse()) {
        await fill(events);
        let moved = 0;
        const cpu0 = process.cpuUsage();
        const redis0 = cpuMicros(pid);
        const counted = await commandsDuring(redis.client, async () => {
          for (;;) {
            const step = await v.persist(taskOf(v.name));
            if (step.moved === 0) break;
            moved += step.moved;
          }
        });
        const cpu = process.cpuUsage(cpu0);
        const redisUs = cpuMicros(pid) - redis0;
        const usecPerEventByCommand = Object.fromEntries(Object.entries(counted.usec).map(([k, x]) => [k, x / moved]));
        (perRound[v.name] as Round[]).push({ workerUsPerEvent: (cpu.user + cpu.system) / moved, redisUsPerEvent: redisUs / moved, commandsPerEvent: counted.total / moved, usecPerEventByCommand });
      }
      process.stderr.write(`[persist] round ${r + 1}/${rounds}\n`);
    }
    const summary = Object.fromEntries(
      Object.entries(perRound).map(([name, rs]) => [name, { workerUsPerEvent: median(rs.map((x) => x.workerUsPerEvent)), redisUsPerEvent: median(rs.map((x) => x.redisUsPerEvent)), commandsPerEvent: median(rs.map((x) => x.commandsPerEvent)) }]),
    );
    const ratio = (k: 'workerUsPerEvent' | 'redisUsPerEvent'): number | null =>
      vs === '' ? null : median((perRound.this as Round[]).map((x, i) => x[k] / ((perRound.vs as Round[])[i] as Round)[k]));
    const result = { events, rounds, vs: vs === '' ? null : vs, summary, ratioThisVs: { worker: ratio('workerUsPerEvent'), redis: ratio('redisUsPerEvent') }, perRound };
    writeJson(out, result);
    const last = (perRound.this as Round[]).at(-1)?.usecPerEventByCommand ?? {};
    process.stdout.write(
      `persist step, medians of ${rounds} rounds of ${events} events (worker: this process's CPU, GC included):\n` +
        Object.entries(summary).map(([name, x]) => `  ${name.padEnd(5)} worker ${x.workerUsPerEvent.toFixed(1)} µs/event, redis-server ${x.redisUsPerEvent.toFixed(1)} µs/event, ${x.commandsPerEvent.toFixed(2)} Redis commands/event\n`).join('') +
        (vs === '' ? '' : `  this / vs, paired by round: worker ${result.ratioThisVs.worker?.toFixed(3)}, redis-server ${result.ratioThisVs.redis?.toFixed(3)}\n`) +
        `  Redis µs per event by command (this, last round): ${Object.entries(last).sort((a, b) => b[1] - a[1]).map(([k, x]) => `${k} ${x.toFixed(2)}`).join(', ')}\n` +
        `written to ${out}\n`,
    );
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  // the worker's own Redis connection is module state: it would keep the process alive
  process.exit(0);
}

void main();
