// Prizes that reach people through the real engine, Redis and HTTP: redemption exactly
// once under concurrency, the voucher page and /me, the redemption report, payouts and their state
// machine, points never below zero, the shop scan rate board, and the new campaign fields.
import { formatTime } from '../../fulfilment/pages/page-language.js';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useEngine } from '../../testing/engine-fixture.js';
import { TEST_SECRET } from '../../testing/engine-process.js';
import { liveCampaign, uniqueSku } from '../../testing/fixtures.js';
import { allEvents, waitForBacklog } from '../../testing/events.js';
import { VoucherCodec } from '../../codes/voucher-codec.js';
import { runAuditCli } from '../../testing/audit.js';
import { runScanlotCli } from '../../testing/scanlot-cli.js';
import { waitFor } from '../../testing/dcrm-receiver.js';
import { CHROMIUM, renderPage } from '../../testing/headless-chromium.js';
import { deploymentShards } from '../../testing/shards.js';
import { keys, type ShardTag } from '../../redis/keys.js';

/** the suite, against engines whose campaigns spread over `shards` shards of one redis-server (default one) */
export function fulfilmentSuite(shards?: number): void {
  const fx = useEngine({ shards, dcrm: { listen: true } });
  // a second engine's event store stays until the end: the audit reads every store of the deployment
  const otherDir = mkdtempSync(join(tmpdir(), 'scanlot-other-'));
  afterAll(() => rmSync(otherDir, { recursive: true, force: true }));

  async function page(path: string, cookie?: string): Promise<{ status: number; text: string; csp: string | null }> {
    const r = await fetch(fx.engine.url + path, cookie ? { headers: { cookie } } : {});
    return { status: r.status, text: await r.text(), csp: r.headers.get('content-security-policy') };
  }

  describe('redemption', () => {
    it('of 50 concurrent redemptions of one won gift exactly one is 201, the rest 409; lost and unknown events are 404', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 10 })).batchId;
      await fx.client.createCampaign(liveCampaign(`red50-${sku}`, sku, [{ id: 'g', name: 'Gift', kind: 'gift', probability: 1, stock: 1 }]));
      const win = await fx.client.scanSerial(id, 0, { user: 'w50' });
      const loss = await fx.client.scanSerial(id, 1, { user: 'w50' });
      expect(win.body.outcome).toBe('won');
      const rs = await Promise.all(Array.from({ length: 50 }, (_, i) => fx.engine.api('POST', '/v1/redemptions', { eventId: win.body.eventId, shop: `s_${i}` })));
      const ok = rs.filter((r) => r.status === 201);
      expect(ok).toHaveLength(1);
      expect(rs.filter((r) => r.status === 409)).toHaveLength(49);
      const r = ok[0]!.body;
      expect(r).toMatchObject({ eventId: win.body.eventId, prize: { id: 'g', kind: 'gift' }, user: 'w50' });
      expect(r.voucher).toBe(new VoucherCodec(Buffer.from(TEST_SECRET, 'hex'), 'x').voucherOf(win.body.eventId).code);
      expect(typeof r.redemptionId).toBe('string');
      expect((await fx.engine.api('POST', '/v1/redemptions', { eventId: loss.body.eventId, shop: 's_1' })).status).toBe(404);
      expect((await fx.engine.api('POST', '/v1/redemptions', { eventId: 'nosuchevent', shop: 's_1' })).status).toBe(404);
      // one redemption event, stored like scans
      await waitForBacklog(fx.engine);
      const events = (await allEvents(fx.engine)).filter((e) => e.type === 'redemption' && e.eventId === win.body.eventId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ id: r.redemptionId, shop: r.shop, voucher: r.voucher, prize: { id: 'g' } });
      // and delivered to the DCRM like scans
      await waitFor('the redemption at the DCRM', () => fx.receiver.acceptedIds().includes(r.redemptionId));
    });
  });

  describe('prizes as the scan answers them', () => {
    it('a won gift or coupon carries its voucher, in the answer and the event; the shop redeems by that voucher once', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 10 })).batchId;
      await fx.client.createCampaign(liveCampaign(`vch-${sku}`, sku, [{ id: 'c', name: 'Coupon', kind: 'coupon', probability: 1, stock: 5 }]));
      const win = await fx.client.scanSerial(id, 0, { user: 'vch' });
      const expected = new VoucherCodec(Buffer.from(TEST_SECRET, 'hex'), 'x').voucherOf(win.body.eventId).code;
      expect(win.body.prize).toMatchObject({ id: 'c', kind: 'coupon', voucher: { code: expected, url: `http://localhost:${fx.engine.port}/v/${expected}` } });
      await waitForBacklog(fx.engine);
      const event = (await allEvents(fx.engine)).find((e) => e.id === win.body.eventId);
      expect(event.prize.voucher.code).toBe(expected);
      const r = await fx.engine.api('POST', '/v1/redemptions', { voucher: expected, shop: 's_v' });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ eventId: win.body.eventId, voucher: expected, shop: 's_v' });
      expect((await fx.engine.api('POST', '/v1/redemptions', { voucher: expected, shop: 's_v' })).status).toBe(409);
    });

    it("a clerk's coupon carries a voucher of its own, redeemed once", async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 10 })).batchId;
      await fx.client.createCampaign(liveCampaign(`clk-${sku}`, sku, [
        { id: 'n', name: 'Nothing much', kind: 'points', probability: 0, amount: 1 },
        { id: 'kc', name: 'Clerk coupon', kind: 'coupon', for: 'clerk', probability: 1, stock: 5 },
      ]));
      const scan = await fx.client.scanSerial(id, 0, { user: 'buyer-clk', clerk: 'k_coupon' });
      expect(scan.body.outcome).toBe('lost');
      await waitForBacklog(fx.engine);
      const event = (await allEvents(fx.engine)).find((e) => e.id === scan.body.eventId);
      const voucher = event.clerkPrize.voucher.code as string;
      expect(voucher).toBe(new VoucherCodec(Buffer.from(TEST_SECRET, 'hex'), 'x').voucherOf(`${scan.body.eventId}-clerk`).code);
      const r = await fx.engine.api('POST', '/v1/redemptions', { voucher, shop: 's_k' });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ eventId: `${scan.body.eventId}-clerk`, voucher, shop: 's_k', prize: { id: 'kc' } });
      expect((await fx.engine.api('POST', '/v1/redemptions', { voucher, shop: 's_k' })).status).toBe(409);
    });

    it('pointsBoost multiplies a points prize by the member level; a cash prize has no voucher', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 10 })).batchId;
      await fx.client.createCampaign(liveCampaign(`pb-${sku}`, sku, [{ id: 'p', name: 'Points', kind: 'points', probability: 1, amount: 7 }], { pointsBoost: { '3': 2, '5': 3.5 } }));
      await fx.engine.api('PUT', '/v1/members/pb_three', { level: 3 });
      await fx.engine.api('PUT', '/v1/members/pb_six', { level: 6 });
      expect((await fx.client.scanSerial(id, 0, { user: 'pb_zero' })).body.prize).toMatchObject({ id: 'p', amount: 7 });
      expect((await fx.client.scanSerial(id, 1, { user: 'pb_three' })).body.prize).toMatchObject({ id: 'p', amount: 14 });
      expect((await fx.client.scanSerial(id, 2, { user: 'pb_six' })).body.prize).toMatchObject({ id: 'p', amount: 24 }); // 7 * 3.5, rounded down
      await waitForBacklog(fx.engine);
      expect((await fx.engine.api('GET', '/v1/members/pb_six')).body.points).toBe(24);
      const cashSku = uniqueSku();
      const cashBatch = (await fx.client.createBatch({ sku: cashSku, size: 10 })).batchId;
      await fx.client.createCampaign(liveCampaign(`cash-${cashSku}`, cashSku, [{ id: 'r', name: 'Red', kind: 'cash', probability: 1, amount: 88 }]));
      const cash = await fx.client.scanSerial(cashBatch, 0, { user: 'pb_zero' });
      expect(cash.body.prize).toEqual({ id: 'r', name: 'Red', kind: 'cash', amount: 88 });
    });
  });

  describe('redemptions made before vouchers', () => {
    it('a win recorded as redeemed in the old hash stays redeemed (409)', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 2 })).batchId;
      await fx.client.createCampaign(liveCampaign(`legacy-${sku}`, sku, [{ id: 'g', name: 'Gift', kind: 'gift', probability: 1 }]));
      const win = await fx.client.scanSerial(id, 0, { user: 'legacy' });
      await fx.redis.client.hset('{meta}:redemptions', win.body.eventId, JSON.stringify({ eventId: win.body.eventId, shop: 'old_shop', redeemedAt: '2026-01-01T00:00:00.000Z' }));
      const r = await fx.engine.api('POST', '/v1/redemptions', { eventId: win.body.eventId, shop: 's_new' });
      expect(r.status).toBe(409);
      expect(r.body.error.message).toContain('old_shop');
    });
  });

  describe('vouchers', () => {
    const vouchers = new VoucherCodec(Buffer.from(TEST_SECRET, 'hex'), 'x');

    /** A won gift event as the scan script writes it with its voucher, put on the stream. */
    async function wonGift(user: string, prizeName: string): Promise<{ eventId: string; voucher: string; url: string }> {
      const eventId = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
      const v = vouchers.voucherOf(eventId);
      const url = `${fx.engine.url}/v/${v.code}`;
      const event = {
        id: eventId, type: 'scan', at: new Date().toISOString(), code: 'X', batchId: 1, serial: 1, sku: 's', kind: 'item', user,
        campaignId: 'cv', outcome: 'won', reason: null, prize: { id: 'mug', name: prizeName, kind: 'gift', amount: null, voucher: { code: v.code, url } },
        clerkPrize: null, scanCount: 1, shop: null, diverted: false,
      };
      await fx.redis.client.xadd('{s0}:events', '*', 'j', JSON.stringify(event));
      return { eventId, voucher: v.code, url };
    }

    it('GET /v/{voucher}: the prize as text, the voucher as an SVG QR code, open, then redeemed at the shop; strict CSP, no script', async () => {
      const g = await wonGift('vpage', 'Mug <script>alert(1)</script>');
      await waitForBacklog(fx.engine);
      const open = await page(`/v/${g.voucher.toLowerCase()}`);
      expect(open.status).toBe(200);
      expect(open.text).toContain('Mug &#60;script&#62;alert(1)&#60;/script&#62;');
      expect(open.text).not.toContain('<script');
      expect(open.text).toMatch(/<svg[^>]*viewBox/);
      expect(open.text).toContain(`<code id="voucher">${g.voucher}</code>`);
      expect(open.text).toContain('未使用');
      expect(open.csp).toMatch(/default-src 'none'/);
      expect(open.csp).not.toMatch(/script-src|unsafe-inline/);

      const r = await fx.engine.api('POST', '/v1/redemptions', { voucher: g.voucher, shop: 'shop_7' });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ eventId: g.eventId, voucher: g.voucher, shop: 'shop_7', prize: { id: 'mug' } });
      expect((await fx.engine.api('POST', '/v1/redemptions', { voucher: g.voucher, shop: 'shop_8' })).status).toBe(409);
      const done = await page(`/v/${g.voucher}`);
      expect(done.text).toContain('已核销');
      // when and where, in the campaign's time zone (Asia/Shanghai for a win without a known campaign)
      expect(done.text).toContain(`<p id="redeemed">已于 ${formatTime(r.body.at, 'Asia/Shanghai', 'zh')} 在门店 shop_7 核销</p>`);
    });

    it.skipIf(!CHROMIUM)('the voucher page in Chromium: prize, QR code and state, with the stylesheet the CSP allows', async () => {
      const g = await wonGift('vchrome', 'Tea set 茶具');
      await waitForBacklog(fx.engine);
      const dir = mkdtempSync(join(tmpdir(), 'scanlot-voucher-'));
      try {
        const shot = join(dir, 'voucher.png');
        const dom = await renderPage(`${fx.engine.url}/v/${g.voucher}`, { screenshot: shot });
        expect(dom).toContain('Tea set 茶具');
        expect(dom).toMatch(/<svg[^>]*>.*<path/s);
        // Chromium from the command line asks for en-US
        expect(dom).toContain('Not yet redeemed');
        expect(statSync(shot).size).toBeGreaterThan(5000);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a voucher with a changed character, a product code and an unknown voucher are 404, on the page and on redemption', async () => {
      const g = await wonGift('v404', 'Cap');
      await waitForBacklog(fx.engine);
      const bad = g.voucher.slice(0, 19) + (g.voucher[19] === 'Z' ? 'Y' : 'Z');
      const product = fx.engine.codec.encode(1, 1);
      const unknown = vouchers.voucherOf('never-won').code;
      for (const v of [bad, unknown]) {
        expect((await page(`/v/${v}`)).status).toBe(404);
        expect((await fx.engine.api('POST', '/v1/redemptions', { voucher: v, shop: 's' })).status).toBe(404);
      }
      expect((await page(`/v/${product}`)).status).toBe(404);
      expect((await fx.engine.api('POST', '/v1/redemptions', { voucher: product, shop: 's' })).status).toBe(400);
      // and a voucher is not a product code
      expect((await fx.engine.api('POST', '/v1/scans', { code: g.voucher, user: 'u' })).status).toBe(404);
    });

    /** the landing page's signed session cookie of `user` (open mode: ?user= is taken as sent and remembered) */
    async function sessionOf(user: string): Promise<string> {
      const id = (await fx.client.createBatch({ sku: uniqueSku(), size: 1 })).batchId;
      const r = await fetch(`${fx.engine.url}/c/${fx.engine.codec.encode(id, 0)}?user=${user}`);
      return (r.headers.get('set-cookie') ?? '').split(';')[0] as string;
    }

    it('GET /me lists the session user\'s wins with their states; another user sees none of them', async () => {
      const a = await wonGift('me_user1', 'Bag');
      const b = await wonGift('me_user1', 'Hat');
      await waitForBacklog(fx.engine);
      expect((await fx.engine.api('POST', '/v1/redemptions', { voucher: b.voucher, shop: 's_me' })).status).toBe(201);
      const me = await sessionOf('me_user1');
      const mine = await page('/me?format=json', me);
      const body = JSON.parse(mine.text);
      expect(body.user).toBe('me_user1');
      const byId = Object.fromEntries(body.wins.map((w: { eventId: string }) => [w.eventId, w]));
      // open mode: the session merely claimed me_user1, so the wins show without their voucher codes
      expect(byId[a.eventId]).toMatchObject({ state: 'open', prize: { name: 'Bag' }, redemption: null, voucher: null });
      expect(byId[b.eventId]).toMatchObject({ state: 'redeemed', redemption: { shop: 's_me' } });
      const html = await page('/me', me);
      expect(html.text).toContain('Bag');
      // a session that merely claimed its user id (?user=) sees its wins' states, without voucher codes
      expect(html.text).toContain('在门店 s_me 核销');
      expect(html.text).not.toContain(a.voucher);
      expect(html.csp).toMatch(/default-src 'none'/);
      expect(JSON.parse((await page('/me?format=json', await sessionOf('someone_else'))).text).wins).toEqual([]);
      // an unsigned or edited cookie is nobody
      expect(JSON.parse((await page('/me?format=json', 'scanlot_uid=me_user1')).text).user).toBeNull();
      expect(JSON.parse((await page('/me?format=json', me.replace('me_user1', 'me_user2'))).text).user).toBeNull();
      expect(JSON.parse((await page('/me?format=json')).text)).toEqual({ user: null, wins: [] });
    });
  });

  describe('redemption report', () => {
    it('JSON and CSV per shop and period, over the redemptions that happened; totals match the wins redeemed', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 20 })).batchId;
      await fx.client.createCampaign(liveCampaign(`rep-${sku}`, sku, [{ id: 'cp', name: 'Coupon, "10%"', kind: 'coupon', probability: 1, amount: 10 }]));
      const shopA = `ra_${sku.slice(4)}`;
      const shopB = `rb_${sku.slice(4)}`;
      const wins = await Promise.all(Array.from({ length: 6 }, (_, i) => fx.client.scanSerial(id, i, { user: `rep${i}` })));
      for (const [i, w] of wins.entries()) {
        const r = await fx.engine.api('POST', '/v1/redemptions', { eventId: w.body.eventId, shop: i < 4 ? shopA : shopB });
        expect(r.status).toBe(201);
      }
      await waitForBacklog(fx.engine);
      const a = await fx.engine.api('GET', `/v1/reports/redemptions?shop=${shopA}`);
      expect(a.status).toBe(200);
      expect(a.body.total).toBe(4);
      expect(a.body.byPrize).toEqual({ cp: { count: 4, amount: 40 } });
      expect(new Set(a.body.redemptions.map((r: { eventId: string }) => r.eventId))).toEqual(new Set(wins.slice(0, 4).map((w) => w.body.eventId)));
      const today = new Date().toISOString().slice(0, 10);
      const all = await fx.engine.api('GET', `/v1/reports/redemptions?from=${today}&to=${today}`);
      const mine = all.body.redemptions.filter((r: { shop: string }) => r.shop === shopA || r.shop === shopB);
      expect(mine).toHaveLength(6);
      expect((await fx.engine.api('GET', `/v1/reports/redemptions?shop=${shopB}&to=2000-01-01`)).body.total).toBe(0);
      const csv = await fetch(`${fx.engine.url}/v1/reports/redemptions?shop=${shopB}&format=csv`, { headers: { authorization: 'Bearer test-admin-token-0123456789' } });
      expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
      const lines = (await csv.text()).trim().split('\r\n');
      expect(lines[0]).toBe('redemptionId,at,shop,eventId,voucher,user,campaignId,prizeId,prizeName,prizeKind,amount');
      expect(lines).toHaveLength(3);
      expect(lines[1]).toContain(`,${shopB},`);
      expect(lines[1]).toContain(',"Coupon, ""10%""",coupon,10');
      expect((await fx.engine.api('GET', '/v1/reports/redemptions?format=xml')).status).toBe(400);
      expect((await fx.engine.api('GET', '/v1/reports/redemptions?from=yesterday')).status).toBe(400);
    });
  });

  describe('payouts', () => {
    it('one pending payout per cash win (and per clerk cash rebate); paid and failed, with an event per change', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 20 })).batchId;
      await fx.client.createCampaign(liveCampaign(`pay-${sku}`, sku, [
        { id: 'red', name: 'Red packet', kind: 'cash', probability: 1, amount: 188, budget: 100_000 },
        { id: 'reb', name: 'Rebate', kind: 'cash', for: 'clerk', probability: 1, amount: 20 },
      ]));
      const wins = await Promise.all(Array.from({ length: 5 }, (_, i) => fx.client.scanSerial(id, i, { user: `payee${i}`, clerk: 'k_pay' })));
      const ids = wins.map((w) => w.body.eventId as string);
      await waitForBacklog(fx.engine);
      // page through every pending payout and keep ours
      const pending: any[] = [];
      let after: string | null = null;
      for (;;) {
        const p = await fx.engine.api('GET', `/v1/payouts?state=pending&limit=3${after ? `&after=${after}` : ''}`);
        expect(p.status).toBe(200);
        pending.push(...p.body.payouts);
        if (p.body.next === null) break;
        after = p.body.next;
      }
      const ours = pending.filter((p) => ids.some((id) => p.eventId === id || p.eventId === `${id}-clerk`));
      expect(ours).toHaveLength(10);
      expect(ours.filter((p) => p.user === 'k_pay' && p.amount === 20)).toHaveLength(5);
      const first = ours.find((p) => p.eventId === ids[0]);
      expect(first).toMatchObject({ user: 'payee0', amount: 188, state: 'pending', reference: null });

      const paid = await fx.engine.api('POST', `/v1/payouts/${ids[0]}`, { state: 'paid', reference: 'wx-tx-1' });
      expect(paid.status).toBe(200);
      expect(paid.body).toMatchObject({ eventId: ids[0], state: 'paid', reference: 'wx-tx-1' });
      const again = await fx.engine.api('POST', `/v1/payouts/${ids[0]}`, { state: 'paid', reference: 'wx-tx-2' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(paid.body);
      expect((await fx.engine.api('POST', `/v1/payouts/${ids[0]}`, { state: 'failed' })).status).toBe(409);

      expect((await fx.engine.api('POST', `/v1/payouts/${ids[1]}`, { state: 'failed', reference: 'card declined' })).body.state).toBe('failed');
      expect((await fx.engine.api('POST', `/v1/payouts/${ids[1]}`, { state: 'paid', reference: 'wx-tx-3' })).body.state).toBe('paid');
      expect((await fx.engine.api('POST', '/v1/payouts/nosuchwin', { state: 'paid' })).status).toBe(404);
      expect((await fx.engine.api('POST', `/v1/payouts/${ids[2]}`, { state: 'pending' })).status).toBe(400);

      const paidList = await fx.engine.api('GET', '/v1/payouts?state=paid&limit=1000');
      expect(paidList.body.payouts.map((p: { eventId: string }) => p.eventId)).toEqual(expect.arrayContaining([ids[0], ids[1]]));
      expect(paidList.body.payouts.map((p: { eventId: string }) => p.eventId)).not.toContain(ids[2]);
      const pendingNow = await fx.engine.api('GET', '/v1/payouts?state=pending&limit=1000');
      expect(pendingNow.body.payouts.map((p: { eventId: string }) => p.eventId)).not.toContain(ids[1]);
      // without a state: every payout once, in id order, paged across the states' indexes
      const everyPayout: { eventId: string; state: string }[] = [];
      for (let after: string | null = null; ; ) {
        const p = await fx.engine.api('GET', `/v1/payouts?limit=2${after ? `&after=${after}` : ''}`);
        everyPayout.push(...p.body.payouts);
        if (p.body.next === null) break;
        after = p.body.next;
      }
      const listedIds = everyPayout.map((p) => p.eventId);
      expect(listedIds).toEqual([...new Set(listedIds)].sort());
      const mine = everyPayout.filter((p) => ids.some((id) => p.eventId === id || p.eventId === `${id}-clerk`));
      expect(mine).toHaveLength(10);
      expect(mine.filter((p) => p.state === 'paid').map((p) => p.eventId).sort()).toEqual([ids[0], ids[1]].sort());

      await waitForBacklog(fx.engine);
      const events = (await allEvents(fx.engine)).filter((e) => e.type === 'payout' && (e.eventId === ids[0] || e.eventId === ids[1]));
      // in order per payout: each one's events are in its win's shard (no order across shards)
      const changes = (payout: string | undefined) => events.filter((e) => e.eventId === payout).map((e) => [e.previous, e.state]);
      expect(changes(ids[0])).toEqual([['pending', 'paid']]);
      expect(changes(ids[1])).toEqual([['pending', 'failed'], ['failed', 'paid']]);
      expect(events.find((e) => e.eventId === ids[0])).toMatchObject({ user: 'payee0', amount: 188, reference: 'wx-tx-1' });
      await waitFor('the payout events at the DCRM', () => events.every((e) => fx.receiver.acceptedIds().includes(e.id)));
    });
  });

  describe('the persist lag', () => {
    it('a payout marked paid and a win redeemed right after the answer, before the persist step ran: found, not 404', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 4 })).batchId;
      await fx.client.createCampaign(liveCampaign(`lag-${sku}`, sku, [
        { id: 'c', name: 'Cash', kind: 'cash', probability: 0.5, amount: 9 },
        { id: 'g', name: 'Gift', kind: 'gift', probability: 0.5 },
      ]));
      for (let serial = 0; serial < 4; serial++) {
        const w = await fx.client.scanSerial(id, serial, { user: `lag${serial}` });
        const r = w.body.prize.kind === 'cash'
          ? await fx.engine.api('POST', `/v1/payouts/${w.body.eventId}`, { state: 'paid', reference: `lag-${serial}` })
          : await fx.engine.api('POST', '/v1/redemptions', { eventId: w.body.eventId, shop: 's_lag' });
        expect(r.status, JSON.stringify(r.body)).toBe(w.body.prize.kind === 'cash' ? 200 : 201);
      }
    });
  });

  describe('points', () => {
    it('credit, then 100 concurrent spends: never below zero, each idempotency key applied once, an event per change', async () => {
      const user = `pts_${uniqueSku().slice(4)}`;
      const credit = await fx.engine.api('POST', `/v1/members/${user}/points`, { delta: 100, reason: 'welcome', idempotencyKey: `${user}-c` });
      expect(credit.status).toBe(200);
      expect(credit.body).toEqual({ points: 100 });
      const rs = await Promise.all(
        Array.from({ length: 100 }, (_, i) => fx.engine.api('POST', `/v1/members/${user}/points`, { delta: -3, reason: 'mug', idempotencyKey: `${user}-s${i}` })),
      );
      expect(rs.filter((r) => r.status === 200)).toHaveLength(33);
      const refused = rs.filter((r) => r.status === 409);
      expect(refused).toHaveLength(67);
      expect(refused[0]!.body.error.message).toMatch(/insufficient points/);
      expect((await fx.engine.api('GET', `/v1/members/${user}`)).body.points).toBe(1);
      // the same key answers the same and applies once
      const replay = await fx.engine.api('POST', `/v1/members/${user}/points`, { delta: 100, reason: 'welcome', idempotencyKey: `${user}-c` });
      expect(replay.body).toEqual({ points: 100 });
      expect((await fx.engine.api('GET', `/v1/members/${user}`)).body.points).toBe(1);
      await waitForBacklog(fx.engine);
      const events = (await allEvents(fx.engine)).filter((e) => e.type === 'points' && e.user === user);
      expect(events).toHaveLength(34);
      expect(events.reduce((a, e) => a + e.delta, 0)).toBe(1);
      expect(events.every((e) => e.points >= 0)).toBe(true);
      await waitFor('the points events at the DCRM', () => events.every((e) => fx.receiver.acceptedIds().includes(e.id)));
      expect((await fx.engine.api('POST', `/v1/members/${user}/points`, { delta: 0, reason: 'x', idempotencyKey: 'k' })).status).toBe(400);
      expect((await fx.engine.api('POST', `/v1/members/${user}/points`, { delta: 5, idempotencyKey: 'k' })).status).toBe(400);
    });

    it('points won by scanning can be spent', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 5 })).batchId;
      await fx.client.createCampaign(liveCampaign(`ptsw-${sku}`, sku, [{ id: 'p', name: '50 points', kind: 'points', probability: 1, amount: 50 }]));
      const user = `ptsw_${sku.slice(4)}`;
      await fx.engine.api('PUT', `/v1/members/${user}`, { level: 1 });
      expect((await fx.client.scanSerial(id, 0, { user })).body.outcome).toBe('won');
      // the persist step credits points wins (an aggregate of the won event)
      await waitForBacklog(fx.engine);
      expect((await fx.engine.api('POST', `/v1/members/${user}/points`, { delta: -50, reason: 'cap', idempotencyKey: `${user}-1` })).body).toEqual({ points: 0 });
      expect((await fx.engine.api('POST', `/v1/members/${user}/points`, { delta: -1, reason: 'cap', idempotencyKey: `${user}-2` })).status).toBe(409);
    });
  });

  describe('shop scan rate', () => {
    it('leaderboard?by=shopRate: items in the boxes each shop opened, how many consumers scanned, the ratio', async () => {
      const sku = uniqueSku();
      const items = (await fx.client.createBatch({ sku, size: 100 })).batchId;
      const boxes = (await fx.client.createBatch({ sku, size: 10, kind: 'box', contains: { batchId: items, perBox: 4 } })).batchId;
      const cid = `rate-${sku}`;
      await fx.client.createCampaign(liveCampaign(cid, sku, [{ id: 'none', name: 'Nothing', kind: 'gift', probability: 0 }]));
      // s1 opens boxes 0 and 1 (items 0-7), s2 opens box 2 (items 8-11)
      for (const [box, shop] of [[0, 's1'], [1, 's1'], [2, 's2']] as const) expect((await fx.client.scanSerial(boxes, box, { user: `owner_${shop}`, shop })).status).toBe(200);
      // consumers scan items 0, 1 and 5 of s1's boxes (item 1 twice: counted once) and item 9 of s2's
      for (const serial of [0, 1, 1, 5, 9]) await fx.client.scanSerial(items, serial, { user: 'buyer' });
      // an item of a box nobody opened counts for no shop
      await fx.client.scanSerial(items, 40, { user: 'buyer' });
      await waitForBacklog(fx.engine);
      const r = await fx.engine.api('GET', `/v1/campaigns/${cid}/leaderboard?by=shopRate`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual([
        { id: 's1', opened: 8, scanned: 3, rate: 0.375, rank: 1 },
        { id: 's2', opened: 4, scanned: 1, rate: 0.25, rank: 2 },
      ]);
      expect((await fx.engine.api('GET', `/v1/campaigns/${cid}/leaderboard?by=shopRate&limit=1`)).body).toHaveLength(1);
      expect((await fx.engine.api('GET', `/v1/campaigns/${cid}/leaderboard?by=rate`)).status).toBe(400);
    });
  });

  describe('campaign fields pointsBoost, release, guaranteed', () => {
    const prize = (extra: Record<string, unknown>) => [{ id: 'g', name: 'G', kind: 'gift', probability: 0.1, stock: 10, ...extra }];
    it('pointsBoost, release and guaranteed are kept; malformed ones are 400 naming the field', async () => {
      const sku = uniqueSku();
      const ok = await fx.engine.api('POST', '/v1/campaigns', liveCampaign(`f46-${sku}`, sku, prize({ release: { perDay: 1 }, guaranteed: true }), { pointsBoost: { '3': 2 } }));
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(ok.body.pointsBoost).toEqual({ '3': 2 });
      expect(ok.body.prizes[0]).toMatchObject({ release: { perDay: 1 }, guaranteed: true });
      const cases: [Record<string, unknown>, Record<string, unknown>, string][] = [
        [{ release: { perDay: 1, perHour: 2 } }, {}, 'prizes[0].release'],
        [{ release: { perWeek: 1 } }, {}, 'prizes[0].release'],
        [{ release: { perDay: 0 } }, {}, 'prizes[0].release.perDay'],
        [{ release: { perHour: 1.5 } }, {}, 'prizes[0].release.perHour'],
        [{ release: 3 }, {}, 'prizes[0].release'],
        [{ guaranteed: true }, {}, 'prizes[0].guaranteed'],
        [{ release: { perDay: 1 }, guaranteed: 'yes' }, {}, 'prizes[0].guaranteed'],
        [{}, { pointsBoost: { '10': 2 } }, 'pointsBoost.10'],
        [{}, { pointsBoost: { '3': 0 } }, 'pointsBoost.3'],
        [{}, { pointsBoost: [2] }, 'pointsBoost'],
      ];
      for (const [i, [p, extra, field]] of cases.entries()) {
        const r = await fx.engine.api('POST', '/v1/campaigns', liveCampaign(`f46-${i}-${sku}`, uniqueSku(), prize(p), extra));
        expect(r.status, JSON.stringify([p, extra])).toBe(400);
        expect(r.body.error.message.startsWith(`${field}:`), r.body.error.message).toBe(true);
      }
    });
  });

  describe('the whole deployment', () => {
    it('a second engine on the same Redis redeems a win the first answered, and lists its payouts and redemptions', async () => {
      const other = await fx.anotherEngine({ dataDir: otherDir });
      try {
        const sku = uniqueSku();
        const id = (await fx.client.createBatch({ sku, size: 24 })).batchId;
        await fx.client.createCampaign(liveCampaign(`two-${sku}`, sku, [
          { id: 'g', name: 'Gift', kind: 'gift', probability: 0.5 },
          { id: 'c', name: 'Cash', kind: 'cash', probability: 0.5, amount: 5 },
        ]));
        const rs = await Promise.all(Array.from({ length: 24 }, (_, i) => fx.client.scanSerial(id, i, { user: `two${i}` })));
        const gifts = rs.filter((r) => r.body.prize?.kind === 'gift').map((r) => r.body.eventId as string);
        const cash = rs.filter((r) => r.body.prize?.kind === 'cash').map((r) => r.body.eventId as string);
        expect(gifts.length).toBeGreaterThan(0);
        expect(cash.length).toBeGreaterThan(0);
        await waitForBacklog(fx.engine);
        // the second engine's SQLite holds none of these wins: it finds them through Redis
        const shop = `two_${sku.slice(4)}`;
        const red = await other.api('POST', '/v1/redemptions', { eventId: gifts[0], shop });
        expect(red.status, JSON.stringify(red.body)).toBe(201);
        expect((await fx.engine.api('POST', '/v1/redemptions', { eventId: gifts[0], shop })).status).toBe(409);
        await waitForBacklog(other);
        expect((await fx.engine.api('GET', `/v1/reports/redemptions?shop=${shop}`)).body.total).toBe(1);
        const listed = (await other.api('GET', '/v1/payouts?limit=1000')).body.payouts.map((p: { eventId: string }) => p.eventId);
        expect(listed).toEqual(expect.arrayContaining(cash));
      } finally {
        await other.stop();
      }
    });
  });

  describe('audit of fulfilment, and payouts across kill -9', () => {
    /** the engine's event store, where a pending payout is its cash win's row (no record in Redis) */
    function engineStore(): Database.Database {
      return new Database(join(fx.engine.dataDir, 'scanlot.db'));
    }

    it('a payout per cash win after a kill -9 mid-traffic; the audit is clean, and catches a lost payout and an over-paid budget', async () => {
      const sku = uniqueSku();
      const id = (await fx.client.createBatch({ sku, size: 400 })).batchId;
      const cid = `fa-${sku}`;
      await fx.client.createCampaign(liveCampaign(cid, sku, [
        { id: 'cash', name: 'Cash', kind: 'cash', probability: 0.5, amount: 100, budget: 1000 },
        { id: 'gift', name: 'Gift', kind: 'gift', probability: 0.5 },
      ]));
      const answered: any[] = [];
      const traffic = Promise.all(Array.from({ length: 300 }, async (_, i) => {
        const r = await fx.client.scanSerial(id, i, { user: `fa${i % 30}` }).catch(() => null);
        if (r?.status === 200) answered.push(r.body);
      }));
      // mid-traffic: once some scans were answered (a fixed delay found none on a loaded machine)
      for (let waited = 0; answered.length < 40 && waited < 10_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      await fx.engine.kill('SIGKILL');
      await traffic;
      await fx.engine.restart();
      await waitForBacklog(fx.engine);
      const cashWins = answered.filter((b) => b.outcome === 'won' && b.prize.kind === 'cash').map((b) => b.eventId as string);
      const payouts = (await fx.engine.api('GET', '/v1/payouts?limit=1000')).body.payouts.filter((p: { campaignId: string }) => p.campaignId === cid);
      expect(payouts.map((p: { eventId: string }) => p.eventId)).toEqual(expect.arrayContaining(cashWins));
      expect(cashWins.length).toBeGreaterThan(1);
      const gift = answered.find((b) => b.outcome === 'won' && b.prize.kind === 'gift');
      expect((await fx.engine.api('POST', '/v1/redemptions', { eventId: gift.eventId, shop: 's_a' })).status).toBe(201);
      expect((await fx.engine.api('POST', `/v1/payouts/${cashWins[0]}`, { state: 'paid' })).status).toBe(200);

      // with several shards the kill may cut a move of budget between them: the operator's repair after a
      // crash returns what it stranded (nothing with one shard)
      const repair = runScanlotCli(fx.engine, ['rebalance', '--repair']);
      expect(repair.status, repair.out).toBe(0);
      const clean = runAuditCli(fx.engine, cid);
      expect(clean.status, clean.out).toBe(0);
      expect(clean.out).toMatch(new RegExp(`payouts\\s+${cid}/cash: payouts = wins\\s+(\\d+)\\s+\\1`));
      expect(clean.out).toMatch(/redemptions\s+.*\/gift: redeemed <= won\s+yes\s+yes/);

      // a pending payout lost behind the engine's back: it has no record in Redis, it is its cash win's row
      // in the event store (its fields come from the code's record)
      const lostId = cashWins[1]!;
      const shards = (await deploymentShards(fx.redis.client)) as ShardTag[];
      for (const t of shards) expect(await fx.redis.client.hexists(keys.payouts(t), lostId)).toBe(0);
      const pendingRecord = payouts.find((p: { eventId: string }) => p.eventId === lostId);
      expect(pendingRecord).toMatchObject({ eventId: lostId, state: 'pending', amount: 100, campaignId: cid, prizeId: 'cash' });
      const store = engineStore();
      const row = store.prepare('SELECT * FROM wins WHERE id = ?').get(lostId) as Record<string, unknown>;
      expect(row).toMatchObject({ id: lostId, kind: 'cash', record: null });
      store.prepare('DELETE FROM wins WHERE id = ?').run(lostId);
      const lost = runAuditCli(fx.engine, cid);
      expect(lost.status).toBe(1);
      expect(lost.out).toMatch(/MISMATCH\s+payouts\s+.*payouts = wins/);
      store.prepare('INSERT INTO wins (id, user, at, shard, campaign_id, prize_id, kind, voucher, record) VALUES (@id, @user, @at, @shard, @campaign_id, @prize_id, @kind, @voucher, @record)').run(row);
      store.close();
      // more paid than the budget
      const tag = row.shard as ShardTag;
      await fx.redis.client.hset(keys.payouts(tag), lostId, JSON.stringify({ ...pendingRecord, state: 'paid', amount: 5000 }));
      const over = runAuditCli(fx.engine, cid);
      expect(over.status).toBe(1);
      expect(over.out).toMatch(/MISMATCH\s+payouts\s+.*paid <= budget 1000\s+yes\s+no \(5100\)/);
      await fx.redis.client.hdel(keys.payouts(tag), lostId);
    });
  });
}
