// Guarantees 1 and 2 under concurrency: caps are never exceeded, a code is consumed once.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { waitForBacklog } from '../testing/events.js';
import { range, tally, type PrizeInput } from '../testing/test-client.js';
import { userCampaignFields } from '../redis/keys.js';

// the in-process repeat-flood limit (30 a minute per code by default) is lifted: these tests repeat one code on purpose
const fx = useEngine({ env: { SCANLOT_REPEATS_PER_MINUTE: '1000000' } });

/** a fresh batch and a live campaign of one prize `p`, won at every draw unless `prize` says otherwise */
const setup = (prize: Omit<PrizeInput, 'id' | 'probability'> & { probability?: number }, size = 400) =>
  fx.client.batchWithLiveCampaign([{ id: 'p', name: 'Prize', probability: 1, ...prize }], { size });

/** first scans of serials 0 … n-1, all at once */
const scanAll = (batchId: number, n: number, user: (i: number) => string) => fx.client.scanAll(batchId, range(n), user);

describe('prize limits under 300+ concurrent first scans', () => {
  it('stock 7: exactly 7 won, the rest lost/out_of_stock', async () => {
    const { batchId, campaignId } = await setup({ kind: 'gift', stock: 7 });
    const t = tally(await scanAll(batchId, 320, (i) => `u${i}`));
    expect(t).toEqual({ won: 7, 'lost/out_of_stock': 313 });
    // wins are counted from the stored events: they follow once the stream has drained
    await waitForBacklog(fx.engine);
    const stats = await fx.engine.api('GET', `/v1/campaigns/${campaignId}/stats`);
    expect(stats.body.prizes.p).toMatchObject({ won: 7, stockLeft: 0 });
    const campaign = await fx.engine.api('GET', `/v1/campaigns/${campaignId}`);
    expect(campaign.body.prizes[0]).toMatchObject({ id: 'p', stockLeft: 0, wonToday: 7 });
  });

  it('budget 1000 of fixed 150: exactly 6 won, the rest lost/budget', async () => {
    const { batchId, campaignId } = await setup({ kind: 'cash', amount: 150, budget: 1000 });
    const t = tally(await scanAll(batchId, 320, (i) => `u${i}`));
    expect(t).toEqual({ won: 6, 'lost/budget': 314 });
    const c = await fx.engine.api('GET', `/v1/campaigns/${campaignId}`);
    expect(c.body.prizes[0].budgetLeft).toBe(100);
  });

  it('budget with a random amount range is never exceeded', async () => {
    const { batchId, campaignId } = await setup({ kind: 'cash', amount: { min: 30, max: 200 }, budget: 2000 });
    const results = await scanAll(batchId, 320, (i) => `u${i}`);
    const won = results.filter((r) => r.outcome === 'won');
    const paid = won.reduce((a, r) => a + (r.prize?.amount ?? 0), 0);
    for (const r of won) expect(r.prize?.amount).toBeGreaterThanOrEqual(30);
    for (const r of won) expect(r.prize?.amount).toBeLessThanOrEqual(200);
    expect(paid).toBeLessThanOrEqual(2000);
    const c = await fx.engine.api('GET', `/v1/campaigns/${campaignId}`);
    expect(c.body.prizes[0].budgetLeft).toBe(2000 - paid);
    // the rest lost on budget, and at least (2000-200)/200 wins happened before it ran dry
    expect(won.length).toBeGreaterThanOrEqual(9);
    expect(results.filter((r) => r.reason === 'budget').length).toBe(320 - won.length);
  });

  it('dailyCap 5: exactly 5 won today, the rest lost/daily_cap', async () => {
    const { batchId } = await setup({ kind: 'gift', dailyCap: 5 });
    const t = tally(await scanAll(batchId, 320, (i) => `u${i}`));
    expect(t).toEqual({ won: 5, 'lost/daily_cap': 315 });
  });

  it('perUserCap 2: each of 4 users wins exactly twice', async () => {
    const { batchId } = await setup({ kind: 'gift', perUserCap: 2 });
    const results = await scanAll(batchId, 320, (i) => `u${i % 4}`);
    const t = tally(results);
    expect(t).toEqual({ won: 8, 'lost/user_cap': 312 });
    for (let u = 0; u < 4; u++) {
      expect(results.filter((r, i) => i % 4 === u && r.outcome === 'won').length).toBe(2);
    }
  });
});

describe('counters of members and days under concurrency', () => {
  it('4 members winning 80 times each in shared calls: every point, win and budget unit is counted once; the day hash expires', async () => {
    // a budget past 1e14: written back as digits, never as 1e+14, or the next HINCRBY/tonumber would break
    const budget = Number.MAX_SAFE_INTEGER - 1;
    const { sku, batchId, campaignId } = await fx.client.batchWithLiveCampaign(
      [{ id: 'p', name: 'Points', kind: 'points', probability: 1, amount: 7, budget, dailyCap: 1000, perUserCap: 1000 }],
      { extra: { limits: { userScansPerDay: 1000, userWinsPerDay: 1000 } } },
    );
    const t = tally(await scanAll(batchId, 320, (i) => `pm${sku}${i % 4}`));
    expect(t).toEqual({ won: 320 });
    await waitForBacklog(fx.engine);
    for (let u = 0; u < 4; u++) {
      expect((await fx.engine.api('GET', `/v1/members/pm${sku}${u}`)).body).toMatchObject({ points: 560, wins: 80 });
    }
    const campaign = await fx.engine.api('GET', `/v1/campaigns/${campaignId}`);
    expect(campaign.body.prizes[0]).toMatchObject({ budgetLeft: budget - 320 * 7, wonToday: 320 });
    const dayKeys = await fx.redis.client.keys(`{s0}:cp:${campaignId}:day:*`);
    expect(dayKeys).toHaveLength(1);
    // the day hash counts the wins of a prize with a dailyCap; each user's own counters are in the user's hash
    expect(await fx.redis.client.hgetall(dayKeys[0]!)).toEqual({ 'w:p': '320' });
    const f = userCampaignFields;
    for (let u = 0; u < 4; u++) {
      const member = await fx.redis.client.hgetall(`{s0}:member:pm${sku}${u}`);
      expect(member).toMatchObject({ [f.scansToday(campaignId)]: '80', [f.winsToday(campaignId)]: '80', [f.prizeWins(campaignId, 'p')]: '80', points: '560' });
    }
    const ttl = await fx.redis.client.ttl(dayKeys[0]!);
    expect(ttl).toBeGreaterThan(259_000);
    expect(ttl).toBeLessThanOrEqual(259_200);
  });
});

describe('one consumption per code', () => {
  it('50 concurrent scans of one code: exactly one first scan, 49 repeats', async () => {
    const { batchId } = await setup({ kind: 'gift' });
    const code = fx.client.code(batchId, 3);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => fx.client.scan({ code, user: `u${i}` })));
    const t = tally(results);
    expect(t).toEqual({ won: 1, repeat: 49 });
    const counts = results.map((r) => r.scan?.count ?? 0).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const first = results.find((r) => r.outcome === 'won')!;
    const firstUserIdx = results.indexOf(first);
    // the first scanner scanning again gets the original; others do not
    const again = await fx.client.scan({ code, user: `u${firstUserIdx}` });
    expect(again).toMatchObject({ outcome: 'repeat', scan: { count: 51, sameUser: true } });
    // the record keeps a reference to the prize: the answer rebuilds exactly what the first scan answered, voucher included
    expect(first.prize).toMatchObject({ id: 'p', kind: 'gift', voucher: { code: expect.any(String) } });
    expect(again.original).toEqual({ eventId: first.eventId, outcome: 'won', prize: first.prize });
    const other = await fx.client.scan({ code, user: 'someone-else' });
    expect(other).toMatchObject({ outcome: 'repeat', scan: { count: 52, sameUser: false }, original: null });
  });

  it('a code outside any campaign is verified once, then repeat', async () => {
    const { batchId } = await fx.client.createBatch({ size: 10 });
    const code = fx.client.code(batchId, 9);
    const first = await fx.client.scan({ code: code.toLowerCase(), user: 'v1' });
    expect(first).toMatchObject({ outcome: 'verified', reason: null, campaignId: null, prize: null, scan: { count: 1, sameUser: true }, code: { batchId, serial: 9, kind: 'item' } });
    const second = await fx.client.scan({ code: `https://brand.example/C/${code}`, user: 'v2' });
    expect(second).toMatchObject({ outcome: 'repeat', scan: { count: 2, sameUser: false, firstAt: first.scan?.firstAt } });
  });
});

describe('one Redis round trip per scan', () => {
  const scriptCalls = async (): Promise<number> => {
    const info = await fx.redis.client.info('commandstats');
    // the scan script runs as EVALSHA; the persist step's script is sent as EVAL (see evalScript)
    return Number(/cmdstat_evalsha:calls=(\d+)/.exec(info)?.[1] ?? 0);
  };

  it('one at a time: one script call per scan; 300 at once: they share calls and each is answered once', async () => {
    const { batchId } = await setup({ kind: 'gift', probability: 0.5 }, 400);
    const before = await scriptCalls();
    for (let i = 0; i < 20; i++) await fx.client.scan({ code: fx.client.code(batchId, i), user: `one${i}` });
    const afterSerial = await scriptCalls();
    expect(afterSerial - before).toBe(20);

    const rs = await fx.client.scanAll(batchId, range(300, 20), (i) => `many${i}`);
    const shared = (await scriptCalls()) - afterSerial;
    expect(shared).toBeGreaterThan(0);
    expect(shared).toBeLessThan(300);
    const ids = new Set<string>();
    for (const [i, r] of rs.entries()) {
      // each answer belongs to its own request: its code and a first scan by its user
      expect(r.code.serial).toBe(20 + i);
      expect(r.scan).toMatchObject({ count: 1, sameUser: true });
      ids.add(r.eventId ?? '');
    }
    expect(ids.size).toBe(300);
  });
});

describe('a failing scan in a shared call', () => {
  it('fails alone: a member key of the wrong type makes that scan a 500, the others of the same turn are answered', async () => {
    const { batchId } = await setup({ kind: 'gift' }, 400);
    await fx.redis.client.set('{s0}:member:broken_user', 'not a hash');
    const rs = await Promise.all(
      Array.from({ length: 60 }, (_, i) => fx.engine.scan({ code: fx.engine.codec.encode(batchId, i), user: i === 30 ? 'broken_user' : `fine${i}` })),
    );
    for (const [i, r] of rs.entries()) {
      if (i === 30) {
        expect(r.status).toBe(500);
        expect(r.body.error.code).toBe('internal');
      } else {
        expect(r.status).toBe(200);
        expect(r.body.scan.count).toBe(1);
      }
    }
    // the failed scan consumed nothing: its code is still fresh for a healthy member
    expect((await fx.engine.scan({ code: fx.engine.codec.encode(batchId, 30), user: 'fine_later' })).body.scan).toMatchObject({ count: 1 });
    expect(fx.engine.output()).toMatch(/WRONGTYPE/);
  });

  it('a stats key of the wrong type costs the counts, not the answers nor the events', async () => {
    const { batchId, campaignId } = await setup({ kind: 'gift', stock: 5 }, 400);
    await fx.redis.client.del(`{s0}:cp:${campaignId}:stats`);
    await fx.redis.client.set(`{s0}:cp:${campaignId}:stats`, 'not a hash');
    const t = tally(await scanAll(batchId, 40, (i) => `st${i}`));
    expect(t).toEqual({ won: 5, 'lost/out_of_stock': 35 });
    // written: the codes are consumed
    const again = await fx.client.scan({ code: fx.client.code(batchId, 3), user: 'st3' });
    expect(again).toMatchObject({ outcome: 'repeat', scan: { count: 2, sameUser: true } });
    // the persist step's counts for that key fail; the events still leave the stream
    await waitForBacklog(fx.engine, 10_000);
    expect(await fx.redis.client.get(`{s0}:cp:${campaignId}:stats`)).toBe('not a hash');
  });
});
