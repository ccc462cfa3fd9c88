// Batches end to end: pending/active/void, blacklist, scanned counts, the streamed export.
import { describe, expect, it } from 'vitest';
import { TEST_TOKEN } from '../testing/engine-process.js';
import { useEngine } from '../testing/engine-fixture.js';
import { waitForBacklog } from '../testing/events.js';
import { uniqueSku } from '../testing/fixtures.js';

const fx = useEngine({ env: { PUBLIC_BASE_URL: 'https://q.brand.example' } });

describe('batch status and blacklist', () => {
  it('pending and void batches block without consuming; activate releases', async () => {
    const sku = uniqueSku();
    const created = await fx.client.createBatch({ sku, size: 50, status: 'pending' });
    expect(created).toMatchObject({ sku, size: 50, kind: 'item', status: 'pending', createdAt: expect.any(String) });
    const id = created.batchId;
    await fx.client.createLiveCampaign(`b-${sku}`, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 1, stock: 100 }]);
    const code = fx.client.code(id, 0);

    const pending = await fx.client.scan({ code, user: 'u1' });
    expect(pending).toMatchObject({ outcome: 'blocked', reason: 'batch_pending', prize: null, scan: null });
    expect((await fx.engine.api('GET', `/v1/batches/${id}`)).body).toMatchObject({ status: 'pending', scanned: 0 });

    expect((await fx.engine.api('POST', `/v1/batches/${id}/activate`)).body).toMatchObject({ batchId: id, status: 'active' });
    const won = await fx.client.scan({ code, user: 'u1' });
    expect(won).toMatchObject({ outcome: 'won', prize: { id: 'g', name: 'G', kind: 'gift', amount: null }, scan: { count: 1 } });
    expect((await fx.engine.api('GET', `/v1/batches/${id}`)).body).toMatchObject({ status: 'active', scanned: 1 });

    expect((await fx.engine.api('POST', `/v1/batches/${id}/void`)).body).toMatchObject({ status: 'void' });
    const voided = await fx.client.scan({ code: fx.client.code(id, 1), user: 'u2' });
    expect(voided).toMatchObject({ outcome: 'blocked', reason: 'batch_void' });
    // a void batch stays void
    expect((await fx.engine.api('POST', `/v1/batches/${id}/activate`)).status).toBe(409);

    // counts follow the stored events
    await waitForBacklog(fx.engine);
    const stats = await fx.engine.api('GET', `/v1/campaigns/b-${sku}/stats`);
    expect(stats.body).toMatchObject({ scans: 3, outcomes: { blocked: 2, won: 1 }, reasons: { batch_pending: 1, batch_void: 1 }, prizes: { g: { won: 1, stockLeft: 99 } } });
  });

  it('a blacklisted member is blocked and consumes nothing; unblocked, it scans', async () => {
    const b = await fx.client.createBatch({ sku: uniqueSku(), size: 5 });
    const code = fx.client.code(b.batchId, 2);
    expect((await fx.engine.api('PUT', '/v1/members/fraudster', { level: 2, blocked: true })).body).toEqual({ user: 'fraudster', level: 2, blocked: true, points: 0, wins: 0 });
    expect((await fx.client.scan({ code, user: 'fraudster' }))).toMatchObject({ outcome: 'blocked', reason: 'blacklisted' });
    await fx.engine.api('PUT', '/v1/members/fraudster', { blocked: false });
    expect((await fx.engine.api('GET', '/v1/members/fraudster')).body).toMatchObject({ level: 2, blocked: false });
    expect((await fx.client.scan({ code, user: 'fraudster' }))).toMatchObject({ outcome: 'verified', scan: { count: 1 } });
  });

  it('points prizes credit the member', async () => {
    const sku = uniqueSku();
    const b = await fx.client.createBatch({ sku, size: 5 });
    await fx.client.createLiveCampaign(`pts-${sku}`, sku, [{ id: 'pts', name: '50 points', kind: 'points', probability: 1, amount: 50 }]);
    for (let s = 0; s < 3; s++) expect((await fx.client.scan({ code: fx.client.code(b.batchId, s), user: 'collector' })).outcome).toBe('won');
    await waitForBacklog(fx.engine);
    expect((await fx.engine.api('GET', '/v1/members/collector')).body).toEqual({ user: 'collector', level: 0, blocked: false, points: 150, wins: 3, chances: {}, cards: {} });
  });

  it('serves GS1 Digital Link input when the sku is the GTIN, and only then', async () => {
    const gtin = `0${String(Date.now()).slice(-13)}`;
    const b = await fx.client.createBatch({ sku: gtin, size: 5 });
    const code = fx.client.code(b.batchId, 1);
    expect((await fx.client.scan({ code: `https://id.brand.example/01/${gtin}/21/${code}`, user: 'g1' })).outcome).toBe('verified');
    const wrong = await fx.engine.scan({ code: `https://id.brand.example/01/00000000000000/21/${fx.client.code(b.batchId, 2)}`, user: 'g1' });
    expect(wrong.status).toBe(404);
  });
});

describe('export', () => {
  it('streams csv and txt of any range, identical to the codes the engine accepts', async () => {
    const size = 300_000;
    const b = await fx.client.createBatch({ sku: uniqueSku(), size });
    const id = b.batchId;
    const r = await fetch(`${fx.engine.url}/v1/batches/${id}/codes?format=csv`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    const lines = (await r.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(size + 1);
    expect(lines[0]).toBe('serial,code,url');
    for (const s of [0, 1, 4096, 123_456, size - 1]) {
      const code = fx.client.code(id, s);
      expect(lines[s + 1]).toBe(`${s},${code},https://q.brand.example/c/${code}`);
    }
    const txt = await fetch(`${fx.engine.url}/v1/batches/${id}/codes?format=txt&from=10&to=13`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    const urls = (await txt.text()).trimEnd().split('\n');
    expect(urls).toEqual([10, 11, 12].map((s) => `https://q.brand.example/c/${fx.client.code(id, s)}`));
    // an exported URL scans
    const scan = await fx.client.scan({ code: urls[1]!, user: 'printer-check' });
    expect(scan).toMatchObject({ outcome: 'verified', code: { batchId: id, serial: 11 } });
  });

  it('a reader that stops reading does not stall the engine', async () => {
    const b = await fx.client.createBatch({ sku: uniqueSku(), size: 5_000_000 });
    const ctl = new AbortController();
    const r = await fetch(`${fx.engine.url}/v1/batches/${b.batchId}/codes?format=txt`, { headers: { authorization: `Bearer ${TEST_TOKEN}` }, signal: ctl.signal });
    const reader = r.body!.getReader();
    await reader.read(); // one chunk, then stop reading: backpressure
    const t0 = Date.now();
    const h = await fx.engine.api('GET', '/healthz');
    expect(h.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(5000);
    ctl.abort();
    await reader.cancel().catch(() => undefined);
    expect((await fx.engine.api('GET', '/healthz')).status).toBe(200);
  });
});
