// Bad input on every route: each answered with the contract's status and error code, engine healthy after.
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_TOKEN } from '../testing/engine-process.js';
import { fetchChecked, type CheckedReply } from '../testing/checked-fetch.js';
import { useEngine } from '../testing/engine-fixture.js';
import { liveCampaign, uniqueSku } from '../testing/fixtures.js';

let batchId: number;
const fx = useEngine();

beforeAll(async () => {
  batchId = (await fx.client.createBatch({ size: 10 })).batchId;
});

/** the bytes as sent, the answer checked against docs/openapi.yaml */
const raw = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<CheckedReply> =>
  fetchChecked(fx.engine.url + path, method, TEST_TOKEN, body, { 'content-type': 'application/json', ...headers });

function expectError(r: { status: number; body: any }, status: number, code: string, field?: string): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error.code).toBe(code);
  expect(typeof r.body.error.message).toBe('string');
  if (field) expect(r.body.error.message).toContain(field);
}

const BODY_ROUTES: [string, string][] = [
  ['POST', '/v1/scans'],
  ['POST', '/v1/batches'],
  ['POST', '/v1/campaigns'],
  ['PUT', '/v1/members/u1'],
];

describe('bad input', () => {
  it.each(BODY_ROUTES)('%s %s: malformed JSON, non-object, oversize body', async (method, path) => {
    expectError(await raw(method, path, '{"code": '), 400, 'invalid_request', 'body');
    expectError(await raw(method, path, '[1,2]'), 400, 'invalid_request', 'body');
    expectError(await raw(method, path, 'null'), 400, 'invalid_request', 'body');
    expectError(await raw(method, path, ''), 400, 'invalid_request', 'body');
    expectError(await raw(method, path, Buffer.alloc(70 * 1024, 0x20)), 413, 'payload_too_large');
  });

  it('scans: wrong types and missing fields name the field', async () => {
    const code = fx.engine.codec.encode(batchId, 1);
    expectError(await fx.engine.scan({ user: 'u' }), 400, 'invalid_request', 'code');
    expectError(await fx.engine.scan({ code: 5, user: 'u' }), 400, 'invalid_request', 'code');
    expectError(await fx.engine.scan({ code: '', user: 'u' }), 400, 'invalid_request', 'code');
    expectError(await fx.engine.scan({ code: 'x'.repeat(257), user: 'u' }), 400, 'invalid_request', 'code');
    expectError(await fx.engine.scan({ code }), 400, 'invalid_request', 'user');
    expectError(await fx.engine.scan({ code, user: 'has space' }), 400, 'invalid_request', 'user');
    expectError(await fx.engine.scan({ code, user: 'u'.repeat(65) }), 400, 'invalid_request', 'user');
    expectError(await fx.engine.scan({ code, user: 'u', lat: 91, lng: 0 }), 400, 'invalid_request', 'lat');
    expectError(await fx.engine.scan({ code, user: 'u', lat: 0, lng: '1' }), 400, 'invalid_request', 'lng');
    expectError(await fx.engine.scan({ code, user: 'u', shop: 'a/b' }), 400, 'invalid_request', 'shop');
    expectError(await fx.engine.scan({ code, user: 'u', clerk: 7 }), 400, 'invalid_request', 'clerk');
    expectError(await fx.engine.scan({ code: 'x'.repeat(256), user: 'u' }), 404, 'invalid_code');
    // nothing was consumed by the refused requests
    const ok = await fx.engine.scan({ code, user: 'u' });
    expect(ok.body.outcome).toBe('verified');
  });

  it('batches: validation, unknown ids, bad export queries', async () => {
    expectError(await fx.engine.api('POST', '/v1/batches', { size: 10 }), 400, 'invalid_request', 'sku');
    expectError(await fx.engine.api('POST', '/v1/batches', { sku: 'x', size: 0 }), 400, 'invalid_request', 'size');
    expectError(await fx.engine.api('POST', '/v1/batches', { sku: 'x', size: 100_000_001 }), 400, 'invalid_request', 'size');
    expectError(await fx.engine.api('POST', '/v1/batches', { sku: 'x', size: 1.5 }), 400, 'invalid_request', 'size');
    expectError(await fx.engine.api('POST', '/v1/batches', { sku: 'x', size: 5, kind: 'crate' }), 400, 'invalid_request', 'kind');
    expectError(await fx.engine.api('POST', '/v1/batches', { sku: 'x', size: 5, status: 'void' }), 400, 'invalid_request', 'status');
    expectError(await fx.engine.api('POST', '/v1/batches', { sku: 'x', size: 5, region: { lat: 1, lng: 200, radiusKm: 5 } }), 400, 'invalid_request', 'region.lng');
    expectError(await fx.engine.api('POST', '/v1/batches', { sku: 'x', size: 5, contains: { batchId, perBox: 2 } }), 400, 'invalid_request', 'contains');
    expectError(await fx.engine.api('GET', '/v1/batches/999999'), 404, 'not_found');
    expectError(await fx.engine.api('GET', '/v1/batches/abc'), 404, 'not_found');
    expectError(await fx.engine.api('POST', '/v1/batches/999999/void'), 404, 'not_found');
    expectError(await fx.engine.api('GET', `/v1/batches/${batchId}/codes?format=xml`), 400, 'invalid_request', 'format');
    expectError(await fx.engine.api('GET', `/v1/batches/${batchId}/codes?from=5&to=2`), 400, 'invalid_request', 'from');
    expectError(await fx.engine.api('GET', `/v1/batches/${batchId}/codes?to=11`), 400, 'invalid_request', 'to');
  });

  it('campaigns: validation names the field; unknown id 404', async () => {
    const sku = uniqueSku();
    const good = liveCampaign(`v-${sku}`, sku, [{ id: 'p', name: 'P', kind: 'gift', probability: 0.5 }]);
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, id: undefined }, 'id'],
      [{ ...good, id: 'bad id' }, 'id'],
      [{ ...good, startsAt: 'yesterday' }, 'startsAt'],
      [{ ...good, endsAt: good.startsAt }, 'endsAt'],
      [{ ...good, timezone: 'Mars/Olympus' }, 'timezone'],
      [{ ...good, scope: {} }, 'scope'],
      [{ ...good, scope: { batchIds: ['x'] } }, 'scope.batchIds'],
      [{ ...good, prizes: 'all' }, 'prizes'],
      [{ ...good, prizes: [{ id: 'p', name: 'P', kind: 'gift', probability: 1.5 }] }, 'prizes[0].probability'],
      [{ ...good, prizes: [{ id: 'p', name: 'P', kind: 'cash', probability: 0.5 }] }, 'prizes[0].amount'],
      [{ ...good, prizes: [{ id: 'p', name: 'P', kind: 'gift', probability: 0.5, stock: -1 }] }, 'prizes[0].stock'],
      [{ ...good, prizes: [{ id: 'p', name: 'P', kind: 'cash', probability: 0.5, amount: { min: 5, max: 2 } }] }, 'prizes[0].amount.max'],
      [{ ...good, prizes: [{ id: 'p', name: 'P', kind: 'gift', probability: 0.5 }, { id: 'p', name: 'Q', kind: 'gift', probability: 0.1 }] }, 'prizes[1].id'],
      [{ ...good, levelBoost: { '12': 2 } }, 'levelBoost'],
      [{ ...good, limits: { userScansPerDay: 0 } }, 'limits.userScansPerDay'],
      [{ ...good, geofence: 'maybe' }, 'geofence'],
    ];
    for (const [body, field] of cases) expectError(await fx.engine.api('POST', '/v1/campaigns', body), 400, 'invalid_request', field);
    expectError(await fx.engine.api('GET', '/v1/campaigns/nope'), 404, 'not_found');
    expectError(await fx.engine.api('GET', '/v1/campaigns/nope/stats'), 404, 'not_found');
    expect((await fx.engine.api('POST', '/v1/campaigns', good)).status).toBe(201);
    expectError(await fx.engine.api('POST', '/v1/campaigns', good), 409, 'conflict');
  });

  it('campaigns whose live scopes overlap are refused with 409; disjoint windows or scopes are fine', async () => {
    const sku = uniqueSku();
    const other = uniqueSku();
    const b = await fx.engine.api('POST', '/v1/batches', { sku, size: 5 });
    const base = liveCampaign(`a-${sku}`, sku, [{ id: 'p', name: 'P', kind: 'gift', probability: 0.5 }]);
    expect((await fx.engine.api('POST', '/v1/campaigns', base)).status).toBe(201);
    // same sku, overlapping time
    expectError(await fx.engine.api('POST', '/v1/campaigns', { ...base, id: `b-${sku}` }), 409, 'conflict');
    // a batch of that sku named by id
    expectError(await fx.engine.api('POST', '/v1/campaigns', { ...base, id: `c-${sku}`, scope: { batchIds: [b.body.batchId] } }), 409, 'conflict');
    // after the first one ends: fine
    const later = { ...base, id: `d-${sku}`, startsAt: base.endsAt, endsAt: new Date(Date.parse(base.endsAt as string) + 86_400_000).toISOString() };
    expect((await fx.engine.api('POST', '/v1/campaigns', later)).status).toBe(201);
    // another sku at the same time: fine
    expect((await fx.engine.api('POST', '/v1/campaigns', { ...base, id: `e-${sku}`, scope: { skus: [other] } })).status).toBe(201);
  });

  it('members and events: validation and unknown ids', async () => {
    expectError(await fx.engine.api('PUT', '/v1/members/u1', { level: 10 }), 400, 'invalid_request', 'level');
    expectError(await fx.engine.api('PUT', '/v1/members/u1', { blocked: 'yes' }), 400, 'invalid_request', 'blocked');
    expectError(await fx.engine.api('PUT', '/v1/members/u1', {}), 400, 'invalid_request', 'level');
    expectError(await fx.engine.api('GET', '/v1/members/bad%20user'), 404, 'not_found');
    expectError(await fx.engine.api('GET', '/v1/events?limit=0'), 400, 'invalid_request', 'limit');
    expectError(await fx.engine.api('GET', '/v1/events?limit=abc'), 400, 'invalid_request', 'limit');
    expectError(await fx.engine.api('GET', '/v1/events?after=nosuchevent'), 404, 'not_found');
    expectError(await fx.engine.api('GET', '/v1/nothing-here'), 404, 'not_found');
  });

  it('admin routes refuse a missing or wrong token', async () => {
    const routes: [string, string][] = [
      ['POST', '/v1/batches'],
      ['GET', `/v1/batches/${batchId}`],
      ['GET', `/v1/batches/${batchId}/codes`],
      ['POST', `/v1/batches/${batchId}/void`],
      ['POST', '/v1/campaigns'],
      ['GET', '/v1/campaigns/x'],
      ['PUT', '/v1/members/u1'],
      ['GET', '/v1/members/u1'],
      ['GET', '/v1/events'],
    ];
    for (const [method, path] of routes) {
      for (const auth of [undefined, 'Bearer wrong', `Bearer ${TEST_TOKEN}x`, `Basic ${TEST_TOKEN}`, TEST_TOKEN]) {
        const r = await fetch(fx.engine.url + path, { method, headers: auth ? { authorization: auth } : {}, body: method === 'GET' ? undefined : '{}' });
        expect(r.status, `${method} ${path} ${auth}`).toBe(401);
        expect((await r.json()).error.code).toBe('unauthorized');
      }
    }
    // the batch was not voided by the refused call
    expect((await fx.engine.api('GET', `/v1/batches/${batchId}`)).body.status).toBe('active');
  });

  it('is still healthy afterwards', async () => {
    const h = await fx.engine.api('GET', '/healthz');
    expect(h).toMatchObject({ status: 200, body: { ok: true, redis: 'up', sqlite: 'up', backlog: expect.any(Number) } });
  });
});
