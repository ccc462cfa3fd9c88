// The marketing model through the HTTP API: tier boosts, anti-fraud limits, geofence, box and clerk
// rewards, leaderboards, redemptions, and the day rollover in the campaign time zone.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../../testing/engine-fixture.js';
import { clearClockShift, shiftClockTo } from '../../testing/clock-shift.js';
import { liveCampaign, uniqueSku } from '../../testing/fixtures.js';
import { allEvents, waitForBacklog } from '../../testing/events.js';

/** the suite, against engines whose campaigns spread over `shards` shards of one redis-server (default one) */
export function marketingSuite(shards?: number): void {
  const fx = useEngine({ shards, env: { TRUST_PROXY: '1' } });

  describe('tier-weighted draws', () => {
    it('a level-5 member wins at the boosted rate; points are not boosted; level 0 at the base rate', async () => {
      const sku = uniqueSku();
      const N = 3000;
      const id = (await fx.client.createBatch({ sku, size: 2 * N })).batchId;
      await fx.client.createCampaign(liveCampaign(`boost-${sku}`, sku, [
        { id: 'g', name: 'Gift', kind: 'gift', probability: 0.1 },
        { id: 'pts', name: 'Points', kind: 'points', probability: 0.2, amount: 5 },
      ], { levelBoost: { '3': 2, '5': 5 } }));
      for (let u = 0; u < 20; u++) {
        await fx.engine.api('PUT', `/v1/members/gold${u}`, { level: 5 + (u % 5) });
        await fx.engine.api('PUT', `/v1/members/basic${u}`, { level: u % 3 });
      }
      const run = async (prefix: string, offset: number): Promise<Record<string, number>> => {
        const counts: Record<string, number> = { g: 0, pts: 0, none: 0 };
        for (let i = 0; i < N; i += 200) {
          const rs = await Promise.all(Array.from({ length: 200 }, (_, k) => fx.client.scanSerial(id, offset + i + k, { user: `${prefix}${(i + k) % 20}` })));
          for (const r of rs) counts[r.body.outcome === 'won' ? r.body.prize.id : 'none']!++;
        }
        return counts;
      };
      const chi2 = (counts: Record<string, number>, p: Record<string, number>): number =>
        Object.keys(p).reduce((a, k) => a + (counts[k]! - N * p[k]!) ** 2 / (N * p[k]!), 0);
      const gold = await run('gold', 0);
      const basic = await run('basic', N);
      // 2 degrees of freedom, 0.999 quantile 13.82
      expect(chi2(gold, { g: 0.5, pts: 0.2, none: 0.3 }), JSON.stringify(gold)).toBeLessThan(13.82);
      expect(chi2(basic, { g: 0.1, pts: 0.2, none: 0.7 }), JSON.stringify(basic)).toBeLessThan(13.82);
    });
  });

  describe('anti-fraud limits', () => {
    it('userScansPerDay 5: of 100 concurrent scans by one user exactly 5 pass; blocked scans consume nothing', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 100 })).batchId;
      await fx.client.createCampaign(liveCampaign(`usd-${sku}`, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 0.5 }], { limits: { userScansPerDay: 5 } }));
      const rs = await Promise.all(Array.from({ length: 100 }, (_, i) => fx.client.scanSerial(id, i, { user: 'farmer' })));
      const passed = rs.filter((r) => r.body.outcome !== 'blocked');
      expect(passed).toHaveLength(5);
      expect(rs.filter((r) => r.body.reason === 'user_daily_limit')).toHaveLength(95);
      // a blocked code is still fresh for someone else
      const blockedSerial = rs.findIndex((r) => r.body.outcome === 'blocked');
      expect((await fx.client.scanSerial(id, blockedSerial, { user: 'honest' })).body.scan.count).toBe(1);
      expect((await fx.engine.api('GET', `/v1/batches/${id}`)).body.scanned).toBe(6);
    });

    it('userWinsPerDay 3: further draws become lost', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 20 })).batchId;
      await fx.client.createCampaign(liveCampaign(`uwd-${sku}`, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 1 }], { limits: { userWinsPerDay: 3 } }));
      const rs = await Promise.all(Array.from({ length: 10 }, (_, i) => fx.client.scanSerial(id, i, { user: 'lucky' })));
      expect(rs.filter((r) => r.body.outcome === 'won')).toHaveLength(3);
      expect(rs.filter((r) => r.body.outcome === 'lost' && r.body.reason === 'user_cap')).toHaveLength(7);
      expect((await fx.client.scanSerial(id, 11, { user: 'other' })).body.outcome).toBe('won');
    });

    it('ipScansPerMinute 20: the address the trusted proxy appended to X-Forwarded-For is the client with TRUST_PROXY=1, and ignored without it', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 200 })).batchId;
      await fx.client.createCampaign(liveCampaign(`ip-${sku}`, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 0.1 }], { limits: { ipScansPerMinute: 20 } }));
      // the first entry is whatever the client wrote; the last is what the one trusted proxy appended
      const rs = await Promise.all(Array.from({ length: 50 }, (_, i) => fx.client.scanSerial(id, i, { user: `u${i}` }, { 'x-forwarded-for': '10.9.9.9, 203.0.113.7' })));
      expect(rs.filter((r) => r.status === 200 && r.body.outcome !== 'blocked')).toHaveLength(20);
      // past the limit: blocked/ip_limit from the script, then 429 in process once the engine saw one (issue 14)
      const refused = rs.filter((r) => r.body.reason === 'ip_limit' || r.status === 429);
      expect(refused).toHaveLength(30);
      expect(refused.some((r) => r.body.reason === 'ip_limit')).toBe(true);
      expect((await fx.client.scanSerial(id, 60, { user: 'x' }, { 'x-forwarded-for': '203.0.113.8' })).body.outcome).not.toBe('blocked');

      // a second fx.engine on the same Redis and event store, without TRUST_PROXY: the header is not believed.
      // It listens on both IP versions, so this IPv4 client reaches it as an IPv4-mapped IPv6 address,
      // which the event still records as the plain IPv4 address.
      const plain = await fx.anotherEngine({ env: { SQLITE_PATH: `${fx.engine.dataDir}/scanlot.db`, HOST: '::' } });
      try {
        const r = await plain.api('POST', '/v1/scans', { code: plain.codec.encode(id, 70), user: 'y' }, { 'x-forwarded-for': '203.0.113.7' });
        expect(r.body.outcome).not.toBe('blocked');
        await waitForBacklog(plain);
        const ev = (await allEvents(plain)).find((e) => e.id === r.body.eventId);
        expect(ev.ip).toBe('127.0.0.1');
      } finally {
        await plain.stop();
      }
    });
  });

  // 1 degree of latitude is 111.195 km on the sphere of radius 6371 km
  describe('geofence (anti-diversion)', () => {
    it('block: outside the batch region is blocked without consuming; inside scans; the boundary is exact', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 10, region: { lat: 23.13, lng: 113.26, radiusKm: 300 } })).batchId;
      await fx.client.createCampaign(liveCampaign(`geo-${sku}`, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 1 }], { geofence: 'block' }));
      expect((await fx.client.scanSerial(id, 0, { user: 'a', lat: 39.9, lng: 116.4 })).body).toMatchObject({ outcome: 'blocked', reason: 'geofence' });
      expect((await fx.client.scanSerial(id, 0, { user: 'a', lat: 23.13 + 2.71, lng: 113.26 })).body.reason).toBe('geofence'); // 301.3 km
      expect((await fx.client.scanSerial(id, 0, { user: 'a', lat: 23.13 + 2.69, lng: 113.26 })).body.outcome).toBe('won'); // 299.1 km
      expect((await fx.client.scanSerial(id, 1, { user: 'b' })).body.outcome).toBe('won'); // no position: cannot be checked
    });

    it('flag: allowed, the event is marked diverted and counted', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 10, region: { lat: 23.13, lng: 113.26, radiusKm: 300 } })).batchId;
      await fx.client.createCampaign(liveCampaign(`flag-${sku}`, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 1 }], { geofence: 'flag' }));
      const far = await fx.client.scanSerial(id, 0, { user: 'a', lat: 39.9, lng: 116.4 });
      const near = await fx.client.scanSerial(id, 1, { user: 'a', lat: 22.54, lng: 114.06 });
      expect(far.body.outcome).toBe('won');
      expect(near.body.outcome).toBe('won');
      await waitForBacklog(fx.engine);
      const events = await allEvents(fx.engine);
      expect(events.find((e) => e.id === far.body.eventId).diverted).toBe(true);
      expect(events.find((e) => e.id === near.body.eventId).diverted).toBe(false);
      expect((await fx.engine.api('GET', `/v1/campaigns/flag-${sku}/stats`)).body.diverted).toBe(1);
    });
  });

  describe('box codes, shops and clerks', () => {
    it('a shop opens a box (shop prize), its items inherit the shop and its place; clerks get rebates', async () => {
      const itemSku = uniqueSku();
      const boxSku = uniqueSku();
      const items = (await fx.client.createBatch({ sku: itemSku, size: 48 })).batchId;
      const boxes = (await fx.client.createBatch({ sku: boxSku, size: 2, kind: 'box', contains: { batchId: items, perBox: 24 } })).batchId;
      const cid = `box-${itemSku}`;
      await fx.client.createCampaign({
        ...liveCampaign(cid, itemSku, [
          { id: 'pts', name: 'Points', kind: 'points', probability: 1, amount: 10 },
          { id: 'open-box', name: 'Box bonus', kind: 'cash', for: 'shop', probability: 1, amount: 500, budget: 1000 },
          { id: 'rebate', name: 'Clerk rebate', kind: 'cash', for: 'clerk', probability: 1, amount: 100, perUserCap: 2 },
        ]),
        scope: { skus: [itemSku, boxSku] },
        geofence: 'block',
      });

      expect((await fx.client.scanSerial(boxes, 0, { user: 'owner9' })).status).toBe(400); // a box needs the shop
      const open = await fx.client.scanSerial(boxes, 0, { user: 'owner9', shop: 's_9', lat: 23.13, lng: 113.26 });
      expect(open.body).toMatchObject({ outcome: 'won', code: { kind: 'box' }, prize: { id: 'open-box', amount: 500 } });
      expect((await fx.client.scanSerial(boxes, 1, { user: 'owner9', shop: 's_9' })).body.prize.id).toBe('open-box');
      // budget 1000 is spent: a third box would lose on budget (there are only two boxes; check the counter)
      expect((await fx.engine.api('GET', `/v1/campaigns/${cid}`)).body.prizes.find((p: any) => p.id === 'open-box').budgetLeft).toBe(0);

      // item 5 is in box 0 (opened at Guangzhou): shop inherited; far away it is blocked by the shop's place
      expect((await fx.client.scanSerial(items, 5, { user: 'c1', lat: 39.9, lng: 116.4 })).body).toMatchObject({ outcome: 'blocked', reason: 'geofence' });
      const item = await fx.client.scanSerial(items, 5, { user: 'c1', lat: 23.2, lng: 113.3, clerk: 'k_7' });
      expect(item.body).toMatchObject({ outcome: 'won', prize: { id: 'pts' } });
      expect(JSON.stringify(item.body)).not.toContain('rebate');
      for (const s of [6, 7]) await fx.client.scanSerial(items, s, { user: `c${s}`, clerk: 'k_7' });

      await waitForBacklog(fx.engine);
      const events = await allEvents(fx.engine);
      const itemEvent = events.find((e) => e.id === item.body.eventId);
      expect(itemEvent).toMatchObject({ shop: 's_9', clerk: 'k_7', clerkPrize: { id: 'rebate', kind: 'cash', amount: 100 }, prize: { id: 'pts' } });
      expect(typeof itemEvent.clerkRandom).toBe('number');
      const clerkWins = events.filter((e) => e.clerk === 'k_7' && e.clerkPrize !== null);
      expect(clerkWins).toHaveLength(2); // perUserCap 2 for the clerk
      expect(events.find((e) => e.id === open.body.eventId)).toMatchObject({ shop: 's_9', kind: 'box' });

      const shops = await fx.engine.api('GET', `/v1/campaigns/${cid}/leaderboard?by=shop`);
      expect(shops.body).toEqual([{ id: 's_9', scans: 5, rank: 1 }]); // 2 boxes + 3 items of box 0
      const clerks = await fx.engine.api('GET', `/v1/campaigns/${cid}/leaderboard?by=clerk&limit=5`);
      expect(clerks.body).toEqual([{ id: 'k_7', scans: 3, rank: 1 }]);

      // an item of the unopened... both boxes are open: item 30 is in box 1, opened without a position
      const other = await fx.client.scanSerial(items, 30, { user: 'c30', lat: 39.9, lng: 116.4 });
      expect(other.body.outcome).toBe('won');
    });

    it('leaderboard ties go to who got there first', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 20 })).batchId;
      const cid = `tie-${sku}`;
      await fx.client.createCampaign(liveCampaign(cid, sku, []));
      let s = 0;
      for (const shop of ['B', 'A', 'A', 'B', 'C']) await fx.client.scanSerial(id, s++, { user: 'u', shop });
      await waitForBacklog(fx.engine);
      const board = await fx.engine.api('GET', `/v1/campaigns/${cid}/leaderboard?by=shop&limit=10`);
      expect(board.body).toEqual([
        { id: 'A', scans: 2, rank: 1 },
        { id: 'B', scans: 2, rank: 2 },
        { id: 'C', scans: 1, rank: 3 },
      ]);
      expect((await fx.engine.api('GET', `/v1/campaigns/${cid}/leaderboard?by=shop&limit=1`)).body).toHaveLength(1);
      expect((await fx.engine.api('GET', `/v1/campaigns/${cid}/leaderboard?by=region`)).status).toBe(400);
    });
  });

  describe('several engines on one Redis', () => {
    it('a campaign created through one engine draws on another that was already running', async () => {
      const other = await fx.anotherEngine({ env: { SQLITE_PATH: `${fx.engine.dataDir}/scanlot.db` } });
      try {
        const sku = uniqueSku();
        const id = (await fx.client.createBatch({ sku, size: 10 })).batchId;
        await fx.client.createCampaign(liveCampaign(`multi-${sku}`, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 1, stock: 3 }]));
        // the other engine learns of it by pub/sub (and re-reads definitions every 10 s in case it missed that)
        const until = Date.now() + 15_000;
        let r = await other.scan({ code: other.codec.encode(id, 0), user: 'm' });
        expect(['won', 'verified']).toContain(r.body.outcome);
        for (let s = 1; r.body.outcome !== 'won' && Date.now() < until; s++) {
          await new Promise((res) => setTimeout(res, 100));
          r = await other.scan({ code: other.codec.encode(id, s), user: 'm' });
        }
        expect(r.body).toMatchObject({ outcome: 'won', campaignId: `multi-${sku}` });
        // both engines draw from the same stock
        const rest = await Promise.all([1, 2, 3, 4].map((k) => (k % 2 ? other : fx.engine).scan({ code: fx.engine.codec.encode(id, 5 + k), user: `m${k}` })));
        expect(rest.filter((x) => x.body.outcome === 'won')).toHaveLength(2);
        expect(rest.filter((x) => x.body.reason === 'out_of_stock')).toHaveLength(2);
      } finally {
        await other.stop();
      }
    });
  });

  describe('redemptions', () => {
    it('a won gift is handed over once; cash wins and unknown events are 404', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 10 })).batchId;
      await fx.client.createCampaign(liveCampaign(`red-${sku}`, sku, [{ id: 'g', name: 'Gift', kind: 'gift', probability: 1, stock: 1 }, { id: 'c', name: 'Cash', kind: 'cash', probability: 0, amount: 1 }]));
      const win = await fx.client.scanSerial(id, 0, { user: 'w' });
      const loss = await fx.client.scanSerial(id, 1, { user: 'w' });
      expect(loss.body.reason).toBe('out_of_stock');
      const [a, b] = await Promise.all([
        fx.engine.api('POST', '/v1/redemptions', { eventId: win.body.eventId, shop: 's_1' }),
        fx.engine.api('POST', '/v1/redemptions', { eventId: win.body.eventId, shop: 's_2' }),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      expect((a.status === 201 ? a : b).body).toMatchObject({ eventId: win.body.eventId, user: 'w', prize: { id: 'g' } });
      expect((await fx.engine.api('POST', '/v1/redemptions', { eventId: loss.body.eventId, shop: 's_1' })).status).toBe(404);
      expect((await fx.engine.api('POST', '/v1/redemptions', { eventId: 'nosuchevent', shop: 's_1' })).status).toBe(404);
      expect((await fx.engine.api('POST', '/v1/redemptions', { eventId: win.body.eventId })).status).toBe(400);
    });
  });

  describe('calendar days in the campaign time zone', () => {
    it('daily caps and user day limits reset at midnight Asia/Shanghai, not UTC', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 20 })).batchId;
      const now = Date.now();
      // next midnight in Shanghai (UTC+8, no DST)
      const shanghaiMidnight = Math.ceil((now + 8 * 3_600_000) / 86_400_000) * 86_400_000 - 8 * 3_600_000;
      await fx.client.createCampaign({
        ...liveCampaign(`day-${sku}`, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 1, dailyCap: 2 }], { limits: { userScansPerDay: 4 } }),
        endsAt: new Date(shanghaiMidnight + 7 * 86_400_000).toISOString(),
      });
      // the whole deployment's clock moves (the shared clock's shift): engines follow it, whatever their own clocks say
      const shift = (ms: number): Promise<unknown> => shiftClockTo(fx.redis.client, ms);
      try {
        await shift(shanghaiMidnight - 60_000);
        const outs = [];
        for (let s = 0; s < 5; s++) {
          const r = await fx.engine.scan({ code: fx.engine.codec.encode(id, s), user: 'night' });
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          outs.push(r.body);
        }
        expect(outs.map((o) => o.reason ?? o.outcome)).toEqual(['won', 'won', 'daily_cap', 'daily_cap', 'user_daily_limit']);
        await shift(shanghaiMidnight + 60_000);
        const after = [];
        for (let s = 5; s < 8; s++) after.push((await fx.engine.scan({ code: fx.engine.codec.encode(id, s), user: 'night' })).body);
        expect(after.map((o) => o.reason ?? o.outcome)).toEqual(['won', 'won', 'daily_cap']);
        for (const o of [...outs, ...after]) if (o.scan) expect(Math.abs(Date.parse(o.scan.firstAt) - (o === outs[0] ? shanghaiMidnight - 60_000 : Date.parse(o.scan.firstAt)))).toBeLessThan(5_000);
        await waitForBacklog(fx.engine);
        // the engine reads "today" on the shared clock too (it follows the shift within a second)
        await new Promise((r) => setTimeout(r, 1100));
        const c = await fx.engine.api('GET', `/v1/campaigns/day-${sku}`);
        expect(c.body.prizes[0].wonToday).toBe(2);
      } finally {
        await clearClockShift(fx.redis.client);
      }
    });
  });
}
