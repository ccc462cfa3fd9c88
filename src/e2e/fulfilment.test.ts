// Prizes that reach people (CONTRACT §4.6) through the real engine, Redis and HTTP: redemption exactly
// once under concurrency, the voucher page and /me, the redemption report, payouts and their state
// machine, points never below zero, the shop scan rate board, and the new campaign fields.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { TEST_SECRET } from '../testing/engine-process.js';
import { liveCampaign, uniqueSku } from '../testing/fixtures.js';
import { allEvents, waitForBacklog } from '../testing/events.js';
import { VoucherCodec } from '../fulfilment/voucher-codec.js';

const fx = useEngine();

async function batch(body: Record<string, unknown>): Promise<number> {
  const r = await fx.engine.api('POST', '/v1/batches', body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.batchId;
}

async function campaign(body: Record<string, unknown>): Promise<void> {
  const r = await fx.engine.api('POST', '/v1/campaigns', body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

const scanCode = (batchId: number, serial: number, body: Record<string, unknown>) =>
  fx.engine.api('POST', '/v1/scans', { code: fx.engine.codec.encode(batchId, serial), ...body });

async function page(path: string, cookie?: string): Promise<{ status: number; text: string; csp: string | null }> {
  const r = await fetch(fx.engine.url + path, cookie ? { headers: { cookie } } : {});
  return { status: r.status, text: await r.text(), csp: r.headers.get('content-security-policy') };
}

describe('redemption', () => {
  it('of 50 concurrent redemptions of one won gift exactly one is 201, the rest 409; lost and unknown events are 404', async () => {
    const sku = uniqueSku();
    const id = await batch({ sku, size: 10 });
    await campaign(liveCampaign(`red50-${sku}`, sku, [{ id: 'g', name: 'Gift', kind: 'gift', probability: 1, stock: 1 }]));
    const win = await scanCode(id, 0, { user: 'w50' });
    const loss = await scanCode(id, 1, { user: 'w50' });
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
  });
});

describe('vouchers', () => {
  const vouchers = new VoucherCodec(Buffer.from(TEST_SECRET, 'hex'), 'x');

  /** A won gift event as the scan script writes it with its voucher (CONTRACT §4.6), put on the stream. */
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
    expect(open.text).toContain('Open');
    expect(open.csp).toMatch(/default-src 'none'/);
    expect(open.csp).not.toMatch(/script-src|unsafe-inline/);

    const r = await fx.engine.api('POST', '/v1/redemptions', { voucher: g.voucher, shop: 'shop_7' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ eventId: g.eventId, voucher: g.voucher, shop: 'shop_7', prize: { id: 'mug' } });
    expect((await fx.engine.api('POST', '/v1/redemptions', { voucher: g.voucher, shop: 'shop_8' })).status).toBe(409);
    const done = await page(`/v/${g.voucher}`);
    expect(done.text).toContain('Redeemed');
    expect(done.text).toContain('<span id="shop">shop_7</span>');
    expect(done.text).toContain(r.body.at);
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

  it('GET /me lists the session user\'s wins with their states; another user sees none of them', async () => {
    const a = await wonGift('me_user1', 'Bag');
    const b = await wonGift('me_user1', 'Hat');
    await waitForBacklog(fx.engine);
    expect((await fx.engine.api('POST', '/v1/redemptions', { voucher: b.voucher, shop: 's_me' })).status).toBe(201);
    const mine = await page('/me?format=json', 'scanlot_uid=me_user1');
    const body = JSON.parse(mine.text);
    expect(body.user).toBe('me_user1');
    const byId = Object.fromEntries(body.wins.map((w: { eventId: string }) => [w.eventId, w]));
    expect(byId[a.eventId]).toMatchObject({ state: 'open', prize: { name: 'Bag' }, redemption: null });
    expect(byId[b.eventId]).toMatchObject({ state: 'redeemed', redemption: { shop: 's_me' } });
    const html = await page('/me', 'scanlot_uid=me_user1');
    expect(html.text).toContain('Bag');
    expect(html.text).toContain('redeemed');
    expect(html.csp).toMatch(/default-src 'none'/);
    expect(JSON.parse((await page('/me?format=json', 'scanlot_uid=someone_else')).text).wins).toEqual([]);
    expect(JSON.parse((await page('/me?format=json')).text)).toEqual({ user: null, wins: [] });
  });
});

describe('redemption report', () => {
  it('JSON and CSV per shop and period, over the redemptions that happened; totals match the wins redeemed', async () => {
    const sku = uniqueSku();
    const id = await batch({ sku, size: 20 });
    await campaign(liveCampaign(`rep-${sku}`, sku, [{ id: 'cp', name: 'Coupon, "10%"', kind: 'coupon', probability: 1, amount: 10 }]));
    const shopA = `ra_${sku.slice(4)}`;
    const shopB = `rb_${sku.slice(4)}`;
    const wins = await Promise.all(Array.from({ length: 6 }, (_, i) => scanCode(id, i, { user: `rep${i}` })));
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
