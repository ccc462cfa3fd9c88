// One engine whose scans spread over three shards on one redis-server (SCANLOT_SHARDS=3): what is read
// or written outside the scan script is right for the whole deployment. Campaign buckets are shares of
// the totals; stats, live figures and reports sum the shards; a member's points won on every shard are
// on the home shard and spendable; leaderboards sum a shop over the shards; wins, vouchers, payouts
// and redemptions of every shard are found. (Prizes here never run out in a shard's bucket: moving
// units between buckets is the scan path's, tested with it.)
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { uniqueSku } from '../testing/fixtures.js';
import { waitForBacklog } from '../testing/events.js';
import { deploymentShards } from '../testing/shards.js';
import { keys } from '../redis/keys.js';

const fx = useEngine({ shards: 3 });

const batch = async (sku: string, size: number): Promise<number> => (await fx.client.createBatch({ sku, size })).batchId;

const scanCode = (batchId: number, serial: number, body: Record<string, unknown>) =>
  fx.engine.api('POST', '/v1/scans', { code: fx.engine.codec.encode(batchId, serial), ...body });

/** the shard a code's scan runs in (keys.ts shardIndex) */
const shardOf = (batchId: number, serial: number): number => (serial + batchId) % 3;

describe('three shards on one Redis', () => {
  it('records three shard tags', async () => {
    expect(await deploymentShards(fx.redis.client)).toEqual(['{s0}', '{s1}', '{s2}']);
  });
});

describe('campaign buckets and figures over three shards', () => {
  it('creation splits stock and budget with one seed; live figures, stats and reports sum the shards; a top-up adds once', async () => {
    const sku = uniqueSku();
    const cid = `sh-${sku}`;
    const id = await batch(sku, 30);
    await fx.client.createLiveCampaign(cid, sku, [
      { id: 'g', name: 'G', kind: 'gift', probability: 1, stock: 31 },
      { id: 'red', name: 'Red', kind: 'cash', probability: 0, amount: 5, budget: 1000 },
    ]);
    const tags = await deploymentShards(fx.redis.client);
    const states = await Promise.all(tags.map((t) => fx.redis.client.hgetall(keys.campaignState(t, cid))));
    expect(states.map((h) => Number(h['s:g']))).toEqual([10, 10, 11]);
    expect(states.map((h) => Number(h['b:red']))).toEqual([333, 333, 334]);
    expect(new Set(states.map((h) => h.seed)).size).toBe(1);

    // 12 first scans, four in each shard, and one repeat
    const answers: any[] = [];
    for (let s = 0; s < 12; s++) answers.push(await scanCode(id, s, { user: `shu${s}` }));
    expect(answers.map((r) => r.body.outcome)).toEqual(Array(12).fill('won'));
    expect(new Set(answers.map((_, s) => shardOf(id, s))).size).toBe(3);
    expect((await scanCode(id, 0, { user: 'shu0' })).body.outcome).toBe('repeat');
    await waitForBacklog(fx.engine);

    const live = await fx.engine.api('GET', `/v1/campaigns/${cid}`);
    expect(live.body.prizes).toMatchObject([
      { id: 'g', stock: 31, stockLeft: 19, won: 12 },
      { id: 'red', budget: 1000, budgetLeft: 1000, won: 0 },
    ]);
    const stats = await fx.engine.api('GET', `/v1/campaigns/${cid}/stats`);
    expect(stats.body).toMatchObject({ scans: 13, outcomes: { won: 12, repeat: 1 }, prizes: { g: { won: 12, stockLeft: 19 } } });
    const report = await fx.engine.api('GET', `/v1/reports/scans?campaign=${cid}&by=batch`);
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body.totals).toMatchObject({ scans: 13, firstScans: 12, won: 12 });
    expect((await fx.engine.api('GET', `/v1/batches/${id}`)).body.scanned).toBe(12);

    expect((await fx.engine.api('PATCH', `/v1/campaigns/${cid}`, { prizes: [{ id: 'g', addStock: 5 }] })).status).toBe(200);
    const topped = await fx.engine.api('GET', `/v1/campaigns/${cid}`);
    expect(topped.body.prizes[0]).toMatchObject({ stockLeft: 24, toppedUp: { stock: 5, budget: 0 } });
  });
});

describe('points and wins of a member over three shards', () => {
  it('points won in every shard are on the home shard, shown once and all spendable', async () => {
    const sku = uniqueSku();
    const id = await batch(sku, 10);
    await fx.client.createLiveCampaign(`shp-${sku}`, sku, [{ id: 'p', name: '50 points', kind: 'points', probability: 1, amount: 50 }]);
    const user = `shp_${sku.slice(4)}`;
    await fx.engine.api('PUT', `/v1/members/${user}`, { level: 1 });
    for (let s = 0; s < 6; s++) expect((await scanCode(id, s, { user })).body.outcome).toBe('won');
    await waitForBacklog(fx.engine);
    expect((await fx.engine.api('GET', `/v1/members/${user}`)).body).toEqual({ user, level: 1, blocked: false, points: 300, wins: 6, chances: {}, cards: {} });
    const tags = await deploymentShards(fx.redis.client);
    const points = await Promise.all(tags.map((t) => fx.redis.client.hget(keys.member(t, user), 'points')));
    expect(points.filter((p) => p !== null)).toEqual(['300']);

    expect((await fx.engine.api('POST', `/v1/members/${user}/points`, { delta: -300, reason: 'mug', idempotencyKey: `${user}-1` })).body).toEqual({ points: 0 });
    expect((await fx.engine.api('POST', `/v1/members/${user}/points`, { delta: -1, reason: 'mug', idempotencyKey: `${user}-2` })).status).toBe(409);
    expect((await fx.engine.api('GET', `/v1/members/${user}`)).body.points).toBe(0);
  });
});

describe('leaderboards over three shards', () => {
  it('a shop\'s first scans are summed over the shards; ties go to who got there first', async () => {
    const sku = uniqueSku();
    const id = await batch(sku, 20);
    const cid = `shl-${sku}`;
    await fx.client.createLiveCampaign(cid, sku, []);
    const shops = ['B', 'A', 'A', 'B', 'C', 'D', 'D', 'D'];
    for (const [s, shop] of shops.entries()) expect((await scanCode(id, s, { user: 'u', shop, clerk: `k${s % 2}` })).status).toBe(200);
    // A's and B's scans ran in two shards each, D's in three
    expect(new Set([1, 2].map((s) => shardOf(id, s))).size).toBe(2);
    await waitForBacklog(fx.engine);
    const board = await fx.engine.api('GET', `/v1/campaigns/${cid}/leaderboard?by=shop&limit=10`);
    expect(board.body).toEqual([
      { id: 'D', scans: 3, rank: 1 },
      { id: 'A', scans: 2, rank: 2 },
      { id: 'B', scans: 2, rank: 3 },
      { id: 'C', scans: 1, rank: 4 },
    ]);
    expect((await fx.engine.api('GET', `/v1/campaigns/${cid}/leaderboard?by=shop&limit=2`)).body.map((r: { id: string }) => r.id)).toEqual(['D', 'A']);
    expect((await fx.engine.api('GET', `/v1/campaigns/${cid}/leaderboard?by=clerk`)).body).toEqual([
      { id: 'k0', scans: 4, rank: 1 },
      { id: 'k1', scans: 4, rank: 2 },
    ]);
  });
});

describe('fulfilment over three shards', () => {
  async function sessionOf(user: string): Promise<string> {
    const b = await batch(uniqueSku(), 1);
    const r = await fetch(`${fx.engine.url}/c/${fx.engine.codec.encode(b, 0)}?user=${user}`);
    return (r.headers.get('set-cookie') ?? '').split(';')[0] as string;
  }

  it('/me lists wins of every shard; each voucher redeems once; the redemption report and payouts cover every shard', async () => {
    const sku = uniqueSku();
    const id = await batch(sku, 20);
    await fx.client.createLiveCampaign(`shf-${sku}`, sku, [{ id: 'mug', name: 'Mug', kind: 'gift', probability: 1 }]);
    const user = `shf_${sku.slice(4)}`;
    const wins: any[] = [];
    for (let s = 0; s < 3; s++) wins.push((await scanCode(id, s, { user })).body);
    expect(new Set([0, 1, 2].map((s) => shardOf(id, s))).size).toBe(3);
    await waitForBacklog(fx.engine);

    const me = JSON.parse(await (await fetch(`${fx.engine.url}/me?format=json`, { headers: { cookie: await sessionOf(user) } })).text());
    expect(new Set(me.wins.map((w: { eventId: string }) => w.eventId))).toEqual(new Set(wins.map((w) => w.eventId)));
    const shop = `s_${sku.slice(4)}`;
    for (const w of wins) {
      expect((await fx.engine.api('POST', '/v1/redemptions', { voucher: w.prize.voucher.code, shop })).status).toBe(201);
      expect((await fx.engine.api('POST', '/v1/redemptions', { voucher: w.prize.voucher.code, shop })).status).toBe(409);
    }
    await waitForBacklog(fx.engine);
    const report = await fx.engine.api('GET', `/v1/reports/redemptions?shop=${shop}`);
    expect(report.body.total).toBe(3);

    const cashSku = uniqueSku();
    const cashBatch = await batch(cashSku, 20);
    await fx.client.createLiveCampaign(`shc-${cashSku}`, cashSku, [{ id: 'red', name: 'Red', kind: 'cash', probability: 1, amount: 10, budget: 1000 }]);
    const cash: string[] = [];
    for (let s = 0; s < 6; s++) cash.push((await scanCode(cashBatch, s, { user: `${user}c${s}` })).body.eventId as string);
    await waitForBacklog(fx.engine);
    const listed: string[] = [];
    let after: string | null = null;
    for (;;) {
      const p = await fx.engine.api('GET', `/v1/payouts?state=pending&limit=2${after ? `&after=${after}` : ''}`);
      listed.push(...p.body.payouts.map((x: { eventId: string }) => x.eventId));
      if (p.body.next === null) break;
      after = p.body.next;
    }
    expect(listed.filter((e) => cash.includes(e)).sort()).toEqual([...cash].sort());
    expect(new Set(listed).size).toBe(listed.length);
    for (const e of cash.slice(0, 3)) expect((await fx.engine.api('POST', `/v1/payouts/${e}`, { state: 'paid', reference: `tx-${e}` })).body.state).toBe('paid');
    const paid = await fx.engine.api('GET', '/v1/payouts?state=paid&limit=1000');
    expect(paid.body.payouts.map((p: { eventId: string }) => p.eventId).sort()).toEqual(cash.slice(0, 3).sort());
  });
});
