// The engine on a real three-primary Redis Cluster (REDIS_CLUSTER, SCANLOT_SHARDS by default one per
// primary): limits stay exact when one campaign spreads over shards. One campaign's codes, stock, budget and daily caps spread over
// three shards on three primaries, and still: caps exact under concurrency, per-user and per-IP limits
// exact across shards, one consumption per code, stock held by one shard won through the others, a
// primary killed and restarted under load, two engines side by side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startCluster, type TestCluster } from '../testing/redis-cluster.js';
import { startEngine, type TestEngine } from '../testing/engine-process.js';
import { TestClient, type PrizeInput } from '../testing/test-client.js';
import { uniqueSku } from '../testing/fixtures.js';
import { allEvents, waitForBacklog } from '../testing/events.js';
import { runAuditCli } from '../testing/audit.js';
import { runScanlotCli } from '../testing/scanlot-cli.js';
import { bucketUnits, consumedPerShard } from '../testing/cluster-buckets.js';
import { ALL_SHARDS, keys, seenBit, shardIndex, useShards } from '../redis/keys.js';

let cluster: TestCluster;
let engine: TestEngine;

beforeAll(async () => {
  // AOF: the primary killed below comes back with what it acknowledged, as a production primary would
  cluster = await startCluster({ aof: true });
  engine = await startEngine({
    // TRUST_PROXY: one test client speaks from many IPs through X-Forwarded-For; the repeat-flood limit
    // is lifted: one test repeats a code on purpose
    env: { REDIS_CLUSTER: cluster.seeds, TRUST_PROXY: '1', SCANLOT_REPEATS_PER_MINUTE: '1000000' },
  });
  // this process names keys as the engine does: the tags the engine recorded
  useShards(JSON.parse((await cluster.client.get(keys.shards)) as string) as string[]);
}, 60_000);

afterAll(async () => {
  useShards(['{s0}']);
  await engine?.stop();
  await cluster?.stop();
});

type Reply = { status: number; body: any };

async function setup(prizes: PrizeInput[], extra: Record<string, unknown> = {}, size = 400): Promise<{ batchId: number; campaignId: string }> {
  const sku = uniqueSku();
  const client = new TestClient(engine);
  const { batchId } = await client.createBatch({ sku, size });
  const campaignId = `cl-${sku}`;
  await client.createLiveCampaign(campaignId, sku, prizes, extra);
  return { batchId, campaignId };
}

const scanSerial = (batchId: number, serial: number, user: string, via: TestEngine = engine): Promise<Reply> => via.scan({ code: via.codec.encode(batchId, serial), user });

/** serials 0 … n-1 at once: consecutive serials, so codes of all three shards */
function scanAll(batchId: number, n: number, user: (i: number) => string): Promise<Reply[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => scanSerial(batchId, i, user(i))));
}

function tally(results: Reply[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const r of results) {
    const k = r.status !== 200 ? String(r.status) : r.body.reason ? `${r.body.outcome}/${r.body.reason}` : r.body.outcome;
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
}

/** the first serial ≥ `from` whose code sits in shard `index` */
function serialInShard(batchId: number, index: number, from = 0): number {
  for (let s = from; ; s++) if (shardIndex(batchId, s) === index) return s;
}

describe('placement', () => {
  it('{meta}:shards holds three tags, each on a different primary', async () => {
    expect(existsSync(join(engine.dataDir, 'redis'))).toBe(false); // on the cluster, not an embedded Redis
    expect(ALL_SHARDS).toHaveLength(3);
    expect(new Set(ALL_SHARDS).size).toBe(3);
    const primaries = ALL_SHARDS.map((t) => cluster.portOfKey(t));
    expect(new Set(primaries)).toEqual(new Set(cluster.ports));
  });

  it('consecutive serials consume one bit each in every shard, serial s at bit ⌊s/3⌋ of its shard', async () => {
    const { batchId } = await setup([{ id: 'p', name: 'Prize', kind: 'gift', probability: 0.5 }]);
    const rs = await scanAll(batchId, 30, (i) => `pl${i}`);
    expect(rs.every((r) => r.status === 200 && r.body.scan.count === 1)).toBe(true);
    expect(await consumedPerShard(cluster.client, batchId)).toEqual([10, 10, 10]);
    // serial s is bit ⌊s/3⌋ of its shard's bitmap
    for (const s of [0, 1, 2, 28, 29]) {
      const t = ALL_SHARDS[shardIndex(batchId, s)] as string;
      expect(await cluster.client.getbit(keys.seen(t, batchId), seenBit(s)), `serial ${s}`).toBe(1);
    }
  });
});

describe('prize limits under 320 concurrent first scans over three shards', () => {
  it('stock 7: exactly 7 won, the rest out_of_stock; repeats are repeats; buckets empty; every event in SQLite; audit clean', async () => {
    const keysBefore = cluster.keyCount();
    const { batchId, campaignId } = await setup([{ id: 'p', name: 'Prize', kind: 'gift', probability: 1, stock: 7 }]);
    const rs = await scanAll(batchId, 320, (i) => `cu${i}`);
    for (const [i, r] of rs.entries()) {
      expect(r.status).toBe(200);
      expect(r.body.code.serial).toBe(i);
    }
    expect(tally(rs)).toEqual({ won: 7, 'lost/out_of_stock': 313 });
    const perShard = [0, 1, 2].map((i) => rs.filter((_, s) => shardIndex(batchId, s) === i).length);
    expect(await consumedPerShard(cluster.client, batchId)).toEqual(perShard);

    const again = await scanSerial(batchId, 5, 'cu5');
    expect(again.body).toMatchObject({ outcome: 'repeat', scan: { count: 2, sameUser: true }, original: { eventId: rs[5]!.body.eventId } });
    expect(await bucketUnits(cluster.client, campaignId, 's:p')).toMatchObject({ total: 0 });

    await waitForBacklog(engine);
    const stats = await engine.api('GET', `/v1/campaigns/${campaignId}/stats`);
    expect(stats.body.prizes.p).toMatchObject({ won: 7, stockLeft: 0 });
    const stored = (await allEvents(engine)).filter((e) => e.campaignId === campaignId && e.type === 'scan');
    expect(stored).toHaveLength(321);
    expect(cluster.keyCount()).toBeGreaterThan(keysBefore);
    // the winner list reads every primary's code records (the wins of all three shards)
    const winners = await engine.api('GET', `/v1/reports/winners?campaign=${campaignId}&format=json`);
    expect(winners.status).toBe(200);
    const wonIds = rs.filter((r) => r.body.outcome === 'won').map((r) => r.body.eventId as string).sort();
    expect((winners.body.winners as { eventId: string }[]).map((w) => w.eventId).sort()).toEqual(wonIds);
    const audit = runAuditCli(engine, campaignId);
    expect(audit.status, audit.out).toBe(0);
  });

  it('budget 1000 of fixed 150: exactly 6 won, the rest budget; 100 left in the buckets', async () => {
    const { batchId, campaignId } = await setup([{ id: 'p', name: 'Prize', kind: 'cash', probability: 1, amount: 150, budget: 1000 }]);
    expect(tally(await scanAll(batchId, 320, (i) => `bu${i}`))).toEqual({ won: 6, 'lost/budget': 314 });
    expect(await bucketUnits(cluster.client, campaignId, 'b:p')).toMatchObject({ total: 100 });
    expect((await engine.api('GET', `/v1/campaigns/${campaignId}`)).body.prizes[0].budgetLeft).toBe(100);
  });

  it('budget 300 of fixed 150 (100 a shard: no shard pays a win alone): exactly 2 won', async () => {
    const { batchId, campaignId } = await setup([{ id: 'p', name: 'Prize', kind: 'cash', probability: 1, amount: 150, budget: 300 }]);
    const t = tally(await scanAll(batchId, 60, (i) => `bs${i}`));
    const left = await bucketUnits(cluster.client, campaignId, 'b:p');
    expect(t, `budget left: ${JSON.stringify(left)}`).toEqual({ won: 2, 'lost/budget': 58 });
    expect(left).toMatchObject({ total: 0 });
  });

  it('dailyCap 5: exactly 5 won today, the rest daily_cap', async () => {
    const { batchId } = await setup([{ id: 'p', name: 'Prize', kind: 'gift', probability: 1, dailyCap: 5 }]);
    expect(tally(await scanAll(batchId, 320, (i) => `dc${i}`))).toEqual({ won: 5, 'lost/daily_cap': 315 });
  });

  it('perUserCap 2: each of 4 users (codes of all shards each) wins exactly twice', async () => {
    const { batchId } = await setup([{ id: 'p', name: 'Prize', kind: 'gift', probability: 1, perUserCap: 2 }]);
    const rs = await scanAll(batchId, 320, (i) => `pu${i % 4}`);
    expect(tally(rs)).toEqual({ won: 8, 'lost/user_cap': 312 });
    for (let u = 0; u < 4; u++) expect(rs.filter((r, i) => i % 4 === u && r.body.outcome === 'won')).toHaveLength(2);
  });
});

describe('limits of one user or one IP, exact across shards', () => {
  it('userWinsPerDay 3: of 60 concurrent scans by one user, 3 won, the rest user_cap', async () => {
    const { batchId } = await setup([{ id: 'p', name: 'Prize', kind: 'gift', probability: 1 }], { limits: { userWinsPerDay: 3 } });
    expect(tally(await scanAll(batchId, 60, () => 'lucky'))).toEqual({ won: 3, 'lost/user_cap': 57 });
  });

  it('userScansPerDay 5: of 99 concurrent scans by one user exactly 5 pass; blocked scans consume nothing', async () => {
    const { batchId } = await setup([{ id: 'p', name: 'Prize', kind: 'gift', probability: 0.5 }], { limits: { userScansPerDay: 5 } });
    const rs = await scanAll(batchId, 99, () => 'farmer');
    const t = tally(rs);
    expect(t['blocked/user_daily_limit']).toBe(94);
    expect(rs.filter((r) => r.status === 200 && r.body.outcome !== 'blocked')).toHaveLength(5);
    const consumed = await consumedPerShard(cluster.client, batchId);
    expect(consumed.reduce((a, b) => a + b, 0)).toBe(5);
    // a blocked code is still fresh for someone else, whichever shard it is in
    const blocked = rs.findIndex((r) => r.body.outcome === 'blocked');
    expect((await scanSerial(batchId, blocked, 'honest')).body.scan.count).toBe(1);
  });

  it('ipScansPerMinute 20: of 60 concurrent scans from one IP (60 users) exactly 20 pass', async () => {
    // a per-minute window: start early in a minute so the scans do not straddle two
    const into = Date.now() % 60_000;
    if (into > 50_000) await new Promise((r) => setTimeout(r, 60_000 - into + 100));
    const { batchId } = await setup([{ id: 'p', name: 'Prize', kind: 'gift', probability: 0.1 }], { limits: { ipScansPerMinute: 20 } });
    const ip = '203.0.113.77';
    const rs: Reply[] = await Promise.all(
      Array.from({ length: 60 }, (_, i) => engine.api('POST', '/v1/scans', { code: engine.codec.encode(batchId, i), user: `ip${i}` }, { 'x-forwarded-for': ip })),
    );
    expect(rs.filter((r) => r.status === 200 && r.body.outcome !== 'blocked')).toHaveLength(20);
    // past the limit: blocked/ip_limit from a script, then 429 in process once the engine saw one
    expect(rs.filter((r) => r.body.reason === 'ip_limit' || r.status === 429)).toHaveLength(40);
    expect((await consumedPerShard(cluster.client, batchId)).reduce((a, b) => a + b, 0)).toBe(20);
  });
});

describe('one consumption per code', () => {
  it('50 concurrent scans of each of three codes (one per shard): exactly one first scan each', async () => {
    const { batchId } = await setup([{ id: 'p', name: 'Prize', kind: 'gift', probability: 1 }]);
    const serials = [0, 1, 2].map((i) => serialInShard(batchId, i));
    const rs = await Promise.all(serials.flatMap((s) => Array.from({ length: 50 }, (_, i) => scanSerial(batchId, s, `oc${s}-${i}`))));
    for (const [k, s] of serials.entries()) {
      const mine = rs.slice(k * 50, k * 50 + 50);
      expect(tally(mine), `serial ${s}`).toEqual({ won: 1, repeat: 49 });
      expect(mine.map((r) => r.body.scan.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    }
    expect(await consumedPerShard(cluster.client, batchId)).toEqual([1, 1, 1]);
  });
});

describe('units held by one shard', () => {
  it('stock 1 (all in one shard) is won through a code of another shard, then out_of_stock everywhere; audit clean', async () => {
    const { batchId, campaignId } = await setup([{ id: 'p', name: 'Prize', kind: 'gift', probability: 1, stock: 1 }]);
    const before = await bucketUnits(cluster.client, campaignId, 's:p');
    const holder = before.perShard.indexOf(1);
    expect(before.perShard.filter((n) => n === 1)).toHaveLength(1);
    const elsewhere = (holder + 1) % 3;
    const won = await scanSerial(batchId, serialInShard(batchId, elsewhere), 'far');
    expect(won.body).toMatchObject({ outcome: 'won', prize: { id: 'p' } });
    for (let i = 0; i < 3; i++) {
      expect((await scanSerial(batchId, serialInShard(batchId, i, 10), `after${i}`)).body).toMatchObject({ outcome: 'lost', reason: 'out_of_stock' });
    }
    expect(await bucketUnits(cluster.client, campaignId, 's:p')).toMatchObject({ total: 0 });
    const audit = runAuditCli(engine, campaignId);
    expect(audit.status, audit.out).toBe(0);
  });

  it('a top-up (recorded on shard 0) is won through codes of the other shards once the stock was out everywhere; audit clean', async () => {
    const { batchId, campaignId } = await setup([{ id: 'p', name: 'Prize', kind: 'gift', probability: 1, stock: 1 }]);
    const first = await Promise.all([0, 1, 2].map((i) => scanSerial(batchId, serialInShard(batchId, i), `tu${i}`)));
    expect(tally(first)).toEqual({ won: 1, 'lost/out_of_stock': 2 });
    expect((await engine.api('PATCH', `/v1/campaigns/${campaignId}`, { prizes: [{ id: 'p', addStock: 2 }] })).status).toBe(200);
    const after = await Promise.all([1, 2].map((i) => scanSerial(batchId, serialInShard(batchId, i, 10), `tv${i}`)));
    expect(tally(after)).toEqual({ won: 2 });
    expect((await scanSerial(batchId, serialInShard(batchId, 0, 20), 'tw')).body).toMatchObject({ outcome: 'lost', reason: 'out_of_stock' });
    expect(await bucketUnits(cluster.client, campaignId, 's:p')).toMatchObject({ total: 0 });
    const audit = runAuditCli(engine, campaignId);
    expect(audit.status, audit.out).toBe(0);
  });

  it('dailyCap 1 (one shard\'s share) is won through a code of another shard, then daily_cap', async () => {
    const { batchId } = await setup([{ id: 'p', name: 'Prize', kind: 'gift', probability: 1, dailyCap: 1 }]);
    // shareOf(1, i, 3) is 1 only for the last shard
    expect((await scanSerial(batchId, serialInShard(batchId, 0), 'd0')).body).toMatchObject({ outcome: 'won' });
    expect((await scanSerial(batchId, serialInShard(batchId, 1), 'd1')).body).toMatchObject({ outcome: 'lost', reason: 'daily_cap' });
    expect((await scanSerial(batchId, serialInShard(batchId, 2), 'd2')).body).toMatchObject({ outcome: 'lost', reason: 'daily_cap' });
  });
});

interface Load {
  answered: string[];
  statuses: Map<number, number>;
  stop(): Promise<void>;
}

/** `concurrency` clients scanning consecutive serials (every shard) until stopped; status 0 = no HTTP answer */
function load(batchId: number, concurrency: number): Load {
  const answered: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  let running = true;
  const worker = async (): Promise<void> => {
    while (running) {
      const serial = next++;
      let status = 0;
      try {
        const r = await scanSerial(batchId, serial, `ld${serial % 500}`);
        status = r.status;
        if (r.status === 200) answered.push(r.body.eventId);
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    answered,
    statuses,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

describe('a primary killed and restarted under load', () => {
  it('answers are 200 or 503 (the dead shard 503, the others answer), every answered event stored once, stock and budget exact, audit clean', async () => {
    const { batchId, campaignId } = await setup(
      [
        { id: 'g', name: 'G', kind: 'gift', probability: 0.3, stock: 150 },
        { id: 'r', name: 'R', kind: 'cash', probability: 0.3, amount: { min: 1, max: 50 }, budget: 3000 },
      ],
      {},
      1_000_000,
    );
    // codes no campaign covers: their scans touch only their own shard (no pull, no home-shard limits)
    const plain = (await new TestClient(engine).createBatch({ sku: uniqueSku(), size: 100 })).batchId;
    const victim = cluster.portOfKey(ALL_SHARDS[1] as string);
    const l = load(batchId, 20);
    await new Promise((r) => setTimeout(r, 1000));
    await cluster.kill(victim);
    // down: the dead primary's shard answers 503 and consumes nothing; the others keep answering
    const dead = await scanSerial(plain, serialInShard(plain, 1), 'probe-dead');
    expect(dead.status, JSON.stringify(dead.body)).toBe(503);
    expect(dead.body.error.code).toBe('unavailable');
    expect((await scanSerial(plain, serialInShard(plain, 0), 'probe-live')).body).toMatchObject({ outcome: 'verified', scan: { count: 1 } });
    await new Promise((r) => setTimeout(r, 1500));
    await cluster.restart(victim);
    // the victim's shard serves again
    const probe = serialInShard(batchId, 1, 900_000);
    const until = Date.now() + 20_000;
    for (let s = probe; (await scanSerial(batchId, s, 'probe')).status !== 200; s += 3) {
      expect(Date.now()).toBeLessThan(until);
      await new Promise((r) => setTimeout(r, 200));
    }
    // the code refused while its primary was down was not consumed
    expect((await scanSerial(plain, serialInShard(plain, 1), 'probe-dead-again')).body).toMatchObject({ outcome: 'verified', scan: { count: 1 } });
    const answeredBefore = l.answered.length;
    await new Promise((r) => setTimeout(r, 1000));
    await l.stop();
    expect(l.answered.length).toBeGreaterThan(answeredBefore);
    expect([...l.statuses.keys()].sort()).toEqual([200, 503]);

    await waitForBacklog(engine);
    const events = await allEvents(engine);
    const ids = new Map<string, number>();
    for (const e of events) ids.set(e.id, (ids.get(e.id) ?? 0) + 1);
    expect(l.answered.filter((id) => ids.get(id) !== 1)).toEqual([]);

    const wonG = events.filter((e) => e.campaignId === campaignId && e.outcome === 'won' && e.prize?.id === 'g').length;
    const left = await bucketUnits(cluster.client, campaignId, 's:g');
    expect(left.total + wonG).toBe(150);
    const paidR = events.filter((e) => e.campaignId === campaignId && e.outcome === 'won' && e.prize?.id === 'r').reduce((n, e) => n + e.prize.amount, 0);
    const budgetLeft = await bucketUnits(cluster.client, campaignId, 'b:r');
    expect(budgetLeft.total + paidR).toBe(3000);
    // a pull cut by the outage (taken from one primary, the give refused by the dead one) strands its
    // units, never duplicates them: engines return them after a minute; the operator's repair does it
    // at once, then the audit is clean
    const repair = runScanlotCli(engine, ['rebalance', '--repair']);
    expect(repair.status, repair.out).toBe(0);
    expect(await bucketUnits(cluster.client, campaignId, 's:g')).toMatchObject({ inTransfer: 0, total: left.total });
    expect(await bucketUnits(cluster.client, campaignId, 'b:r')).toMatchObject({ inTransfer: 0, total: budgetLeft.total });
    const audit = runAuditCli(engine, campaignId);
    expect(audit.status, audit.out).toBe(0);
    console.log(
      `primary ${victim} kill -9 + restart: answered 200 ${l.answered.length}, 503 ${l.statuses.get(503) ?? 0}, won g ${wonG}, paid r ${paidR}, in transfer before repair: stock ${left.inTransfer}, budget ${budgetLeft.inTransfer}; ${repair.out.trim().split('\n').pop() ?? ''}; audit clean`,
    );
  });
});

describe('two engines side by side', () => {
  it('stock 7 exact over both; every event stored once across the two SQLite files', async () => {
    const second = await startEngine({ env: { REDIS_CLUSTER: cluster.seeds } });
    try {
      const { batchId, campaignId } = await setup([{ id: 'p', name: 'Prize', kind: 'gift', probability: 1, stock: 7 }]);
      const rs = await Promise.all(Array.from({ length: 320 }, (_, i) => scanSerial(batchId, i, `two${i}`, i % 2 === 0 ? engine : second)));
      expect(tally(rs)).toEqual({ won: 7, 'lost/out_of_stock': 313 });
      await waitForBacklog(engine);
      await waitForBacklog(second);
      // each engine persists what it reads from the shards' streams into its own file
      const stored = new Map<string, number>();
      const perFile: number[] = [];
      for (const e of [engine, second]) {
        const db = new Database(join(e.dataDir, 'scanlot.db'), { readonly: true });
        const ids = db.prepare<[string], { id: string }>("SELECT id FROM events WHERE campaign_id = ? AND type = 'scan'").all(campaignId);
        db.close();
        perFile.push(ids.length);
        for (const { id } of ids) stored.set(id, (stored.get(id) ?? 0) + 1);
      }
      expect(perFile.reduce((a, b) => a + b, 0)).toBe(320);
      expect(stored.size).toBe(320);
      expect(rs.every((r) => stored.get(r.body.eventId) === 1)).toBe(true);
      console.log(`two engines: events of the campaign per SQLite file ${perFile.join(' + ')}`);
    } finally {
      await second.stop();
    }
  });
});
