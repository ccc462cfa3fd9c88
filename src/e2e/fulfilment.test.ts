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
