// `npm run bench:script`: the scan script alone, on a redis-server of its own. Calls of K fresh scans
// (the bench campaign's mix: points, cash, coupons, nothing, a tenth repeats), Redis' own time per scan
// from INFO commandstats (EVALSHA usec), warm (calls back to back) and cold (Redis idle 1 ms before each
// call, as it mostly is on a shared machine). With --vs FILE, a second version of the script (e.g. the
// previous commit's lua/scanCodes-1.lua) runs interleaved with this one, round by round, on the same
// Redis: the paired ratio says what a change to the script costs or saves, while the machine's speed drifts.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { startRedis } from '../src/testing/redis-server.js';
import { CONSUMER_GROUP, keys } from '../src/redis/keys.js';
import { loadScript, runScript, type LuaScript } from '../src/redis/scripts.js';
import { campaignStatic, readReply, ScanCall, type CampaignBelief, type ScanArgs } from '../src/scan/scan-script-call.js';
import { readFlags } from './lib/flags.js';
import { writeJson } from './lib/report.js';

const USAGE = `usage: npm run bench:script -- [--k N] [--calls N] [--rounds R] [--vs FILE] [--out FILE]
  --k N        scans per call (default 10; 1 = one scan a call)
  --calls N    calls per variant and round (default 200)
  --rounds R   rounds, each variant once per round, alternating (default 7)
  --vs FILE    another version of lua/scanCodes-1.lua to compare with (run interleaved)
  --out FILE   results file (default bench/results/script.json)`;

const T = '{s0}';
const CAMPAIGN = 'script-bench';
const BATCH = 1;
const SPECS = [
  { id: 'grand', stock: 1_000_000, budget: null, dailyCap: 100_000, perUserCap: 1000 },
  { id: 'coupon', stock: 10_000_000, budget: null, dailyCap: null, perUserCap: 20 },
  { id: 'red', stock: null, budget: 1_000_000_000, dailyCap: null, perUserCap: null },
  { id: 'pts', stock: null, budget: null, dailyCap: null, perUserCap: null },
];
const JSON_OF = [
  '{"id":"grand","name":"Phone","kind":"gift","amount":null,"voucher":{"code":"0123456789ABCDEFGHJK","url":"http://localhost:8080/v/0123456789ABCDEFGHJK"}}',
  '{"id":"coupon","name":"Coupon","kind":"coupon","amount":null,"voucher":{"code":"0123456789ABCDEFGHJK","url":"http://localhost:8080/v/0123456789ABCDEFGHJK"}}',
  '{"id":"red","name":"Red packet","kind":"cash","amount":88}',
  '{"id":"pts","name":"50 points","kind":"points","amount":50}',
];

const DECIDED = new Set(['won', 'lost', 'repeat']);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function scriptFrom(file: string): LuaScript {
  const own = loadScript('scanCodes-1.lua');
  if (file === '') return own;
  const source = readFileSync(file, 'utf8').replace(/^--@include (\S+)$/gm, (_, name: string) => readFileSync(join(file, '..', 'includes', `${name}.lua`), 'utf8'));
  return { ...own, source, sha: createHash('sha1').update(source).digest('hex') };
}

async function main(): Promise<void> {
  let k = 10;
  let calls = 200;
  let rounds = 7;
  let vs = '';
  let out = join('bench', 'results', 'script.json');
  readFlags(process.argv.slice(2), USAGE, (flag, v) => {
    if (flag === '--k') k = v.number(1, true);
    else if (flag === '--calls') calls = v.number(1, true);
    else if (flag === '--rounds') rounds = v.number(1, true);
    else if (flag === '--vs') vs = v.text();
    else if (flag === '--out') out = v.text();
    else return false;
    return true;
  });
  const redis = await startRedis({ aof: true });
  try {
    const now = Date.now();
    await redis.client.hset(keys.batchStatus(T), String(BATCH), 'a');
    await redis.client.hset(keys.campaignState(T, CAMPAIGN), 'state', 'live', 's:grand', '1000000', 's:coupon', '10000000', 'b:red', '1000000000');
    await redis.client.xgroup('CREATE', keys.events(T), CONSUMER_GROUP, '0', 'MKSTREAM');
    const cs = campaignStatic(T, CAMPAIGN, now - 3_600_000, now + 86_400_000, { userScansPerDay: 1_000_000, userWinsPerDay: 1_000_000, ipScansPerMinute: null, limitModes: 'ss', geofence: 'off', positionRequired: false }, SPECS);
    const belief: CampaignBelief = { campaign: cs, live: true, day: '20270301', dayStart: now - 3_600_000, dayEnd: now + 86_400_000, dayIndex: 0 };
    const variants = [{ name: 'this', script: scriptFrom('') }, ...(vs === '' ? [] : [{ name: 'vs', script: scriptFrom(vs) }])];
    let serial = 0;
    let seq = 0;
    const recent: ScanArgs[] = [];
    const scan = (): ScanArgs => {
      const i = seq++;
      const again = i % 10 === 9 && recent.length > 0 ? recent[i % recent.length] : undefined;
      const id = `e${i.toString(36).padStart(8, '0')}0123456789abcdef0123`;
      const user = again?.user ?? `wx_o6_user${i % 200_000}`;
      const r = i % 20;
      const choice = again ? -1 : r < 10 ? 3 : r < 14 ? 2 : r === 14 ? 1 : r === 15 && i % 400 === 15 ? 0 : -1;
      const a: ScanArgs = {
        batchId: BATCH, serial: again?.serial ?? serial++, user, eventId: id,
        head: `"id":"${id}","type":"scan","code":"ABCDEFGHJKMNPQRSTVWXYZ0123","batchId":${BATCH},"serial":${serial},"sku":"06901234567892","kind":"item","user":"${user}","campaignId":"${CAMPAIGN}","lat":null,"lng":null,"clerk":null,"device":null,"ip":"127.0.0.1","random":123456,"clerkRandom":null`,
        campaign: belief, kind: 'item', shop: '', clerk: '', lat: null, lng: null, region: null, box: '', boxKm: 0, ip: '127.0.0.1',
        levelMap: choice < 0 ? '0000000000' : '1111111111', clerkChoice: 0, pre: '', short: '',
        chosen: choice < 0 ? [] : [{ spec: choice + 1, json: JSON_OF[choice] as string, amount: choice === 2 ? 88 : choice === 3 ? 50 : 0 }],
      };
      if (!again && recent.length < 2000) recent.push(a);
      return a;
    };
    const evalshaUsec = async (): Promise<number> => Number((await redis.client.info('commandstats')).match(/cmdstat_evalsha:calls=\d+,usec=(\d+)/)?.[1] ?? 0);
    const runCalls = async (script: LuaScript, cold: boolean): Promise<number> => {
      const before = await evalshaUsec();
      for (let c = 0; c < calls; c++) {
        const call = new ScanCall(T, keys.events(T));
        for (let i = 0; i < k; i++) call.add(scan());
        if (cold) await sleep(1);
        const reply = readReply(await runScript(redis.client, script, call.take(Date.now() + 60_000, Date.now())), k);
        // a script that fails is fast: every scan must have been decided
        for (const r of reply.scans) if (!DECIDED.has(r[0])) throw new Error(`scan answered ${r.join(' | ')}`);
      }
      // the stream is not what is measured: keep it small
      await redis.client.xtrim(keys.events(T), 'MAXLEN', 0);
      return (await evalshaUsec() - before) / (calls * k);
    };
    for (const v of variants) await runCalls(v.script, false); // warm-up: scripts cached, keys created
    const perScan: Record<string, { warm: number[]; cold: number[] }> = Object.fromEntries(variants.map((v) => [v.name, { warm: [], cold: [] }]));
    for (let r = 0; r < rounds; r++) {
      for (const cold of [false, true]) {
        for (const v of r % 2 === 0 ? variants : [...variants].reverse()) (perScan[v.name] as { warm: number[]; cold: number[] })[cold ? 'cold' : 'warm'].push(await runCalls(v.script, cold));
      }
      process.stderr.write(`[script] round ${r + 1}/${rounds}\n`);
    }
    const summary = Object.fromEntries(Object.entries(perScan).map(([name, x]) => [name, { warmUsPerScan: median(x.warm), coldUsPerScan: median(x.cold) }]));
    const paired = (kind: 'warm' | 'cold'): number | null => {
      if (vs === '') return null;
      const a = (perScan.this as { warm: number[]; cold: number[] })[kind];
      const b = (perScan.vs as { warm: number[]; cold: number[] })[kind];
      return median(a.map((x, i) => x / (b[i] as number)));
    };
    const result = { k, calls, rounds, vs: vs === '' ? null : vs, summary, ratioThisVsWarm: paired('warm'), ratioThisVsCold: paired('cold'), perScan };
    writeJson(out, result);
    process.stdout.write(
      `scan script, Redis µs per scan (EVALSHA), ${k} scans a call, medians of ${rounds} rounds of ${calls} calls:\n` +
        Object.entries(summary).map(([name, s]) => `  ${name.padEnd(5)} warm ${s.warmUsPerScan.toFixed(2)}  cold ${s.coldUsPerScan.toFixed(2)}\n`).join('') +
        (vs === '' ? '' : `  this / vs, paired by round: warm ${result.ratioThisVsWarm?.toFixed(3)}, cold ${result.ratioThisVsCold?.toFixed(3)}\n`) +
        `written to ${out}\n`,
    );
  } finally {
    await redis.stop();
  }
}

void main();
