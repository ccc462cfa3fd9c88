// Guarantees 1, 2 and 7 with one campaign spread over three shards (SCANLOT_SHARDS=3 on one redis-server:
// the same scripts and keys as on a cluster): stock, budget and daily caps split into buckets that sum to
// the totals, user and IP limits exact wherever the user's codes live, one consumption per code.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { range, tally, type PrizeInput, type ScanAnswer } from '../testing/test-client.js';
import { uniqueSku } from '../testing/fixtures.js';

const S = 3;
const fx = useEngine({ shards: S, env: { SCANLOT_REPEATS_PER_MINUTE: '1000000' } });
const tags = ['{s0}', '{s1}', '{s2}'];

const setup = (prizes: PrizeInput[], extra: Record<string, unknown> = {}, size = 400) => fx.client.batchWithLiveCampaign(prizes, { extra, size });

const scanAll = (batchId: number, serials: number[], user: (i: number) => string): Promise<ScanAnswer[]> => fx.client.scanAll(batchId, serials, user);

describe('three shards', () => {
  it('records three shard tags; consecutive serials land on different shards, one bit each', async () => {
    expect(JSON.parse((await fx.redis.client.get('{meta}:shards')) as string)).toEqual(tags);
    const { batchId } = await setup([{ id: 'p', kind: 'gift', probability: 0 }], {}, 30);
    tally(await scanAll(batchId, range(30), (i) => `bits${i}`));
    for (const [k, t] of tags.entries()) {
      // serial s lives in shard (s + batchId) mod 3 at bit ⌊s / 3⌋: ten codes, ten bits, no gaps
      expect(await fx.redis.client.bitcount(`${t}:seen:${batchId}`)).toBe(10);
      const serial = range(30).find((s) => (s + batchId) % S === k)!;
      expect(await fx.redis.client.getbit(`${t}:seen:${batchId}`, Math.floor(serial / S))).toBe(1);
      // its record: field bit % 64 of the shard's bucket ⌊bit / 64⌋ of the batch
      expect(await fx.redis.client.hexists(`${t}:rec:${batchId}:0`, String(Math.floor(serial / S)))).toBe(1);
    }
  });

  it('campaign buckets split stock and budget over the shards: the parts sum to the totals', async () => {
    const { campaignId } = await setup([{ id: 'g', kind: 'gift', probability: 0.1, stock: 7 }, { id: 'c', kind: 'cash', probability: 0.1, amount: 1, budget: 1000 }]);
    const states = await Promise.all(tags.map((t) => fx.redis.client.hgetall(`${t}:cp:${campaignId}:state`)));
    expect(states.map((s) => Number(s['s:g']))).toEqual([2, 2, 3]);
    expect(states.map((s) => Number(s['b:c']))).toEqual([333, 333, 334]);
    expect(new Set(states.map((s) => s.seed)).size).toBe(1);
  });
});

describe("a box's record copied to the other shards", () => {
  it('is copied again until it lands, so the items of the box in a shard that refused it at first inherit the shop', async () => {
    const itemSku = uniqueSku();
    const boxSku = uniqueSku();
    const items = (await fx.client.createBatch({ sku: itemSku, size: 24 })).batchId;
    const boxes = (await fx.client.createBatch({ sku: boxSku, size: 1, kind: 'box', contains: { batchId: items, perBox: 24 } })).batchId;
    await fx.client.createLiveCampaign(`boxcopy-${itemSku}`, itemSku, [{ id: 'pts', kind: 'points', probability: 1, amount: 1 }], { scope: { skus: [itemSku, boxSku] } });
    // the box lives in shard (0 + boxes) mod 3; a shard of another item refuses the copy at first (a key
    // of the wrong type stands for a primary that does not answer)
    const boxShard = tags[boxes % S] as string;
    const serial = range(24).find((s) => tags[(s + items) % S] !== boxShard)!;
    const other = tags[(serial + items) % S] as string;
    const copyKey = `${other}:box:${boxes}:0`;
    await fx.redis.client.set(copyKey, 'not a hash');
    const open = await fx.client.scan({ code: fx.client.code(boxes, 0), user: 'owner-copy', shop: 's_copy' });
    expect(open.outcome).toBe('lost'); // opened (no prize for shops in this campaign)
    await new Promise((r) => setTimeout(r, 200));
    expect(await fx.redis.client.type(copyKey)).toBe('string');
    await fx.redis.client.del(copyKey);
    // retried with backoff from half a second: it lands
    for (const until = Date.now() + 10_000; (await fx.redis.client.hget(copyKey, 'shop')) !== 's_copy'; ) {
      if (Date.now() > until) throw new Error(`${copyKey} was never copied`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const item = await fx.client.scan({ code: fx.client.code(items, serial), user: 'buyer-copy' });
    const event = (await fx.client.events()).find((e) => e.id === item.eventId);
    expect(event).toMatchObject({ shop: 's_copy' });
  });
});

describe('prize limits under 320 concurrent first scans over three shards', () => {
  it('stock 7: exactly 7 won', async () => {
    const { batchId } = await setup([{ id: 'p', kind: 'gift', probability: 1, stock: 7 }]);
    expect(tally(await scanAll(batchId, range(320), (i) => `u${i}`))).toEqual({ won: 7, 'lost/out_of_stock': 313 });
  });

  it('budget 1000 of fixed 150: exactly 6 won', async () => {
    const { batchId, campaignId } = await setup([{ id: 'p', kind: 'cash', probability: 1, amount: 150, budget: 1000 }]);
    expect(tally(await scanAll(batchId, range(320), (i) => `u${i}`))).toEqual({ won: 6, 'lost/budget': 314 });
    const c = await fx.engine.api('GET', `/v1/campaigns/${campaignId}`);
    expect(c.body.prizes[0].budgetLeft).toBe(100);
  });

  it('dailyCap 5: exactly 5 won today', async () => {
    const { batchId } = await setup([{ id: 'p', kind: 'gift', probability: 1, dailyCap: 5 }]);
    expect(tally(await scanAll(batchId, range(320), (i) => `u${i}`))).toEqual({ won: 5, 'lost/daily_cap': 315 });
  });

  it('perUserCap 2: each of 4 users wins exactly twice, whatever shard their codes are in', async () => {
    const { batchId } = await setup([{ id: 'p', kind: 'gift', probability: 1, perUserCap: 2 }]);
    const results = await scanAll(batchId, range(320), (i) => `u${i % 4}`);
    expect(tally(results)).toEqual({ won: 8, 'lost/user_cap': 312 });
    for (let u = 0; u < 4; u++) expect(results.filter((r, i) => i % 4 === u && r.outcome === 'won').length).toBe(2);
  });

  it('userWinsPerDay 3 and userScansPerDay 50 of one user: 3 wins, 50 scans decided, the rest refused', async () => {
    const { batchId } = await setup([{ id: 'p', kind: 'points', probability: 1, amount: 5 }], { limits: { userWinsPerDay: 3, userScansPerDay: 50 } });
    const results = await scanAll(batchId, range(120), () => 'one-user');
    expect(tally(results)).toEqual({ won: 3, 'lost/user_cap': 47, 'blocked/user_daily_limit': 70 });
    // refused scans never consumed their code: 70 codes are still fresh
    const fresh = results.map((r, i) => (r.reason === 'user_daily_limit' ? i : -1)).filter((i) => i >= 0);
    expect(fresh).toHaveLength(70);
    const again = await fx.client.scan({ code: fx.client.code(batchId, fresh[0]!), user: 'another-user' });
    expect(again).toMatchObject({ outcome: 'won', scan: { count: 1 } });
  });

  it('a lost scan gives back what it reserved: users whose draw found no stock win once after a top-up', async () => {
    // perUserCap 1 and userWinsPerDay 1 reserve a win on the user's home shard before the draw; a scan
    // that loses (out of stock) gives it back, or these users would be refused (user_cap) after the top-up
    const { batchId, campaignId } = await setup([{ id: 'p', kind: 'gift', probability: 1, stock: 3, perUserCap: 1 }], { limits: { userWinsPerDay: 1 } });
    const first = await scanAll(batchId, range(60), (i) => `r${i}`);
    expect(tally(first)).toEqual({ won: 3, 'lost/out_of_stock': 57 });
    const losers = first.map((r, i) => (r.outcome === 'lost' ? i : -1)).filter((i) => i >= 0);
    expect((await fx.engine.api('PATCH', `/v1/campaigns/${campaignId}`, { prizes: [{ id: 'p', addStock: 1000 }] })).status).toBe(200);
    const second = await scanAll(batchId, range(losers.length * 2, 100), (i) => `r${losers[i % losers.length]}`);
    expect(tally(second)).toEqual({ won: losers.length, 'lost/user_cap': losers.length });
  });
});

describe('paced prizes over three shards', () => {
  it('the units released today are won through codes of one shard: moved from the others, never more', async () => {
    const { batchId, campaignId } = await setup([{ id: 'p', kind: 'gift', probability: 1, stock: 100, release: { perDay: 4 } }]);
    // today's 4 units are split 1/1/2 over the shards; every scan below is routed to shard 0
    const oneShard = range(60).filter((serial) => (serial + batchId) % S === 0);
    const results: ScanAnswer[] = [];
    for (const serial of oneShard) results.push(...(await scanAll(batchId, [serial], (i) => `pace${serial}-${i}`)));
    expect(tally(results)).toEqual({ won: 4, 'lost/out_of_stock': oneShard.length - 4 });
    const moved = await Promise.all(tags.map((t) => fx.redis.client.hmget(`${t}:cp:${campaignId}:state`, 'pa:p', 'p:p')));
    // shard 0 won 4 with 3 units moved in; the others gave theirs: moved in and out net to zero
    expect(moved.map(([pa]) => Number(pa ?? 0)).reduce((a, b) => a + b, 0)).toBe(0);
    expect(moved.map(([, won]) => Number(won ?? 0))).toEqual([4, 0, 0]);
  });
});

describe('a day limit of at least 1,000 per shard', () => {
  const limitCalls = async (): Promise<number> => {
    const m = await fetch(`${fx.engine.url}/metrics`).then((r) => r.text());
    return Number(/^scanlot_limit_script_calls (\d+)/m.exec(m)?.[1]);
  };

  it('is split into per-shard parts counted where the code is: no second call, and a shard stops at its part', async () => {
    const { batchId } = await setup([{ id: 'p', kind: 'points', probability: 1, amount: 1 }], { limits: { userScansPerDay: 3000 } }, 3100);
    const before = await limitCalls();
    // 1,010 codes of one user, all in one shard: its part is 1,000
    const oneShard = range(3100).filter((serial) => (serial + batchId) % S === 0).slice(0, 1010);
    const results: ScanAnswer[] = [];
    for (let i = 0; i < oneShard.length; i += 200) results.push(...(await scanAll(batchId, oneShard.slice(i, i + 200), () => 'heavy-user')));
    expect(tally(results)).toEqual({ won: 1000, 'blocked/user_daily_limit': 10 });
    expect(await limitCalls()).toBe(before);
  });
});

describe('a clerk over three shards', () => {
  it('a clerk rebate with perUserCap 2 is won twice by the clerk, wherever the scanned codes live', async () => {
    const { batchId, campaignId } = await setup([
      { id: 'pts', kind: 'points', probability: 1, amount: 1 },
      { id: 'rebate', kind: 'cash', for: 'clerk', probability: 1, amount: 100, perUserCap: 2 },
    ]);
    const results = await Promise.all(range(60).map((i) => fx.client.scan({ code: fx.client.code(batchId, i), user: `cl${i}`, clerk: 'k_7' })));
    expect(tally(results)).toEqual({ won: 60 });
    const rebates = (await fx.client.events()).filter((e) => e.type === 'scan' && e.campaignId === campaignId && e.clerkPrize !== null);
    expect(rebates).toHaveLength(2);
  });
});

describe('one consumption per code over three shards', () => {
  it('50 concurrent scans of one code: exactly one first scan, 49 repeats', async () => {
    const { batchId } = await setup([{ id: 'p', kind: 'gift', probability: 1 }]);
    for (const serial of [3, 4, 5]) {
      const code = fx.client.code(batchId, serial);
      const results = await Promise.all(range(50).map((i) => fx.client.scan({ code, user: `c${serial}-${i}` })));
      expect(tally(results)).toEqual({ won: 1, repeat: 49 });
      expect(results.map((r) => r.scan?.count ?? 0).sort((a, b) => a - b)).toEqual(range(50, 1));
    }
  });
});

// last: once it saw an IP past a campaign's limit, the engine answers that IP 429 for the rest of the minute
describe('an IP limit over three shards', () => {
  it('ipScansPerMinute 20 from one address (the test client) over codes of every shard: exactly 20 decided', async () => {
    const { batchId } = await setup([{ id: 'p', kind: 'gift', probability: 0 }], { limits: { ipScansPerMinute: 20 } });
    // answered 200 or 429: sent without the client, which expects 200
    const results = await Promise.all(range(90).map((i) => fx.engine.scan({ code: fx.client.code(batchId, i), user: `ipu${i}` })));
    const decided = results.filter((r) => r.status === 200 && r.body.outcome === 'lost');
    expect(decided).toHaveLength(20);
    for (const r of results) {
      if (r.status === 200) expect([r.body.outcome, r.body.reason]).toEqual(expect.arrayContaining([expect.stringMatching(/^(lost|blocked)$/)]));
      else expect(r.status).toBe(429);
    }
    expect(results.filter((r) => r.body.reason === 'ip_limit').length).toBeGreaterThan(0);
  });
});

