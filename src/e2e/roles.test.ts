// Who may do what: every route of the contract with every role, over real HTTP to a real
// engine on a real Redis. A role that covers a route gets the route's success status; a valid key of
// another role gets 403 forbidden; no credential or an unknown one gets 401.
import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { useEngine } from '../testing/engine-fixture.js';
import { liveCampaign, uniqueSku } from '../testing/fixtures.js';
import { fetchJson } from '../http/json-fetch.js';
import { ROLES, type Role } from '../identity/roles.js';

const fx = useEngine({ env: { LOG_LEVEL: 'info' } });
const keyOf = new Map<Role, string>();
let itemBatch = 0;
let campaignId = '';

const uniq = (): string => randomBytes(4).toString('hex');

interface Case {
  name: string;
  roles: readonly Role[];
  /** prepares what the request needs (with the admin token), then answers [method, path, body] */
  request: () => Promise<[string, string, unknown?]>;
  ok: number;
}

const newBatch = async (): Promise<number> => (await fx.engine.api('POST', '/v1/batches', { sku: uniqueSku(), size: 10 })).body.batchId as number;

const cases: Case[] = [
  { name: 'POST /v1/batches', roles: ['admin', 'printer'], request: async () => ['POST', '/v1/batches', { sku: uniqueSku(), size: 10 }], ok: 201 },
  { name: 'GET /v1/batches/{id}', roles: ['admin', 'operator', 'printer'], request: async () => ['GET', `/v1/batches/${itemBatch}`], ok: 200 },
  { name: 'GET /v1/batches/{id}/codes', roles: ['admin', 'operator', 'printer'], request: async () => ['GET', `/v1/batches/${itemBatch}/codes?format=txt&from=0&to=2`], ok: 200 },
  { name: 'POST /v1/batches/{id}/activate', roles: ['admin', 'operator', 'printer'], request: async () => ['POST', `/v1/batches/${await newBatch()}/activate`], ok: 200 },
  { name: 'POST /v1/batches/{id}/void', roles: ['admin', 'operator'], request: async () => ['POST', `/v1/batches/${await newBatch()}/void`], ok: 200 },
  { name: 'POST /v1/campaigns', roles: ['admin', 'operator'], request: async () => { const sku = uniqueSku(); return ['POST', '/v1/campaigns', liveCampaign(`rc-${uniq()}`, sku, [{ id: 'p', name: 'P', kind: 'points', probability: 0.5, amount: 5 }])]; }, ok: 201 },
  { name: 'GET /v1/campaigns/{id}', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/campaigns/${campaignId}`], ok: 200 },
  { name: 'GET /v1/campaigns/{id}/stats', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/campaigns/${campaignId}/stats`], ok: 200 },
  { name: 'GET /v1/campaigns/{id}/leaderboard', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/campaigns/${campaignId}/leaderboard?by=shop`], ok: 200 },
  { name: 'PUT /v1/members/{user}', roles: ['admin', 'dcrm'], request: async () => ['PUT', `/v1/members/wx_${uniq()}`, { level: 3 }], ok: 200 },
  { name: 'PUT /v1/members (bulk)', roles: ['admin', 'dcrm'], request: async () => ['PUT', '/v1/members', { members: [{ user: `wx_${uniq()}`, level: 1 }] }], ok: 200 },
  { name: 'GET /v1/members/{user}', roles: ['admin', 'operator', 'dcrm'], request: async () => ['GET', '/v1/members/wx_someone'], ok: 200 },
  // no such win: the role passes, the redemption itself is 404
  { name: 'POST /v1/redemptions', roles: ['admin', 'operator', 'shop'], request: async () => ['POST', '/v1/redemptions', { eventId: 'nonexistent0000', shop: 's_role' }], ok: 404 },
  { name: 'GET /v1/reports/redemptions', roles: ['admin', 'operator', 'shop'], request: async () => ['GET', '/v1/reports/redemptions?shop=s_role'], ok: 200 },
  { name: 'GET /v1/payouts', roles: ['admin', 'operator', 'dcrm'], request: async () => ['GET', '/v1/payouts?state=pending'], ok: 200 },
  // no such payout: the role passes, the payout itself is 404
  { name: 'POST /v1/payouts/{eventId}', roles: ['admin', 'dcrm'], request: async () => ['POST', '/v1/payouts/nonexistent0000', { state: 'paid', reference: 'r' }], ok: 404 },
  { name: 'POST /v1/members/{user}/points', roles: ['admin', 'dcrm'], request: async () => ['POST', `/v1/members/wx_${uniq()}/points`, { delta: 5, reason: 'role test', idempotencyKey: uniq() }], ok: 200 },
  { name: 'GET /v1/batches (list)', roles: ['admin', 'operator'], request: async () => ['GET', '/v1/batches?limit=5'], ok: 200 },
  { name: 'GET /v1/campaigns (list)', roles: ['admin', 'operator'], request: async () => ['GET', '/v1/campaigns?state=live'], ok: 200 },
  {
    name: 'PATCH /v1/campaigns/{id}',
    roles: ['admin', 'operator'],
    request: async () => {
      const sku = uniqueSku();
      const id = `rp-${uniq()}`;
      expect((await fx.engine.api('POST', '/v1/campaigns', liveCampaign(id, sku, [{ id: 'p', name: 'P', kind: 'points', probability: 0.5, amount: 5, stock: 5 }]))).status).toBe(201);
      return ['PATCH', `/v1/campaigns/${id}`, { prizes: [{ id: 'p', addStock: 1 }] }];
    },
    ok: 200,
  },
  { name: 'GET /v1/reports/scans', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/reports/scans?campaign=${campaignId}&by=day`], ok: 200 },
  { name: 'GET /v1/overview', roles: ['admin', 'operator'], request: async () => ['GET', '/v1/overview'], ok: 200 },
  { name: 'GET /v1/events', roles: ['admin', 'operator', 'dcrm'], request: async () => ['GET', '/v1/events?limit=5'], ok: 200 },
  { name: 'GET /v1/audit', roles: ['admin', 'operator'], request: async () => ['GET', '/v1/audit'], ok: 200 },
  { name: 'POST /v1/rebalance/repair', roles: ['admin', 'operator'], request: async () => ['POST', '/v1/rebalance/repair'], ok: 200 },
  { name: 'POST /v1/campaigns/{id}/rebalance', roles: ['admin', 'operator'], request: async () => ['POST', `/v1/campaigns/${campaignId}/rebalance`], ok: 200 },
  { name: 'GET /v1/dcrm/dead-letters', roles: ['admin', 'operator', 'dcrm'], request: async () => ['GET', '/v1/dcrm/dead-letters'], ok: 200 },
  { name: 'POST /v1/dcrm/replay', roles: ['admin', 'operator', 'dcrm'], request: async () => ['POST', '/v1/dcrm/replay', {}], ok: 200 },
  { name: 'POST /v1/keys', roles: ['admin'], request: async () => ['POST', '/v1/keys', { role: 'printer', name: `k-${uniq()}` }], ok: 201 },
  { name: 'GET /v1/keys', roles: ['admin'], request: async () => ['GET', '/v1/keys'], ok: 200 },
  {
    name: 'DELETE /v1/keys/{id}',
    roles: ['admin'],
    request: async () => ['DELETE', `/v1/keys/${(await fx.engine.api('POST', '/v1/keys', { role: 'printer', name: 'to-revoke' })).body.id}`],
    ok: 204,
  },
];

/** routes anyone may call: no credential, any credential */
const publicCases: { name: string; request: () => Promise<[string, string, unknown?]>; ok: number }[] = [
  { name: 'GET /healthz', request: async () => ['GET', '/healthz'], ok: 200 },
  { name: 'GET /metrics', request: async () => ['GET', '/metrics'], ok: 200 },
  { name: 'GET /c/{code}', request: async () => ['GET', `/c/${fx.engine.codec.encode(itemBatch, 1)}`], ok: 200 },
  { name: 'GET /me', request: async () => ['GET', '/me'], ok: 200 },
  { name: 'GET /console', request: async () => ['GET', '/console'], ok: 200 },
  { name: 'POST /v1/scans (open mode)', request: async () => ['POST', '/v1/scans', { code: fx.engine.codec.encode(itemBatch, 2), user: 'wx_pub' }], ok: 200 },
];

beforeAll(async () => {
  itemBatch = await newBatch();
  const sku = uniqueSku();
  campaignId = `roles-${uniq()}`;
  expect((await fx.engine.api('POST', '/v1/campaigns', liveCampaign(campaignId, sku, [{ id: 'p', name: 'P', kind: 'points', probability: 0.5, amount: 5 }]))).status).toBe(201);
  for (const role of ROLES) {
    const r = await fx.engine.api('POST', '/v1/keys', { role, name: `table-${role}`, ...(role === 'shop' ? { shop: 's_role' } : {}) });
    expect(r.status).toBe(201);
    expect(r.body.key).toMatch(/^slk_/);
    keyOf.set(role, r.body.key as string);
  }
});

const call = (token: string | null, [method, path, body]: [string, string, unknown?]) => fetchJson(fx.engine.url + path, method, token, body);

describe('role x route table', () => {
  for (const c of cases) {
    for (const role of ROLES) {
      const allowed = c.roles.includes(role);
      it(`${c.name} as ${role}: ${allowed ? c.ok : 403}`, async () => {
        const r = await call(keyOf.get(role) as string, await c.request());
        expect(r.status, JSON.stringify(r.body)).toBe(allowed ? c.ok : 403);
        if (!allowed) expect(r.body.error.code).toBe('forbidden');
      });
    }
    it(`${c.name} without a credential, with an unknown key, with a malformed header: 401`, async () => {
      for (const token of [null, 'slk_' + 'x'.repeat(43), 'not-the-admin-token-at-all']) {
        const r = await call(token, await c.request());
        expect(r.status).toBe(401);
        expect(r.body.error.code).toBe('unauthorized');
      }
    });
  }
  for (const c of publicCases) {
    it(`${c.name}: open to everyone`, async () => {
      for (const token of [null, ...ROLES.map((r) => keyOf.get(r) as string)]) {
        const req = await c.request();
        const r = req[0] === 'GET' ? await fetch(fx.engine.url + req[1], token ? { headers: { authorization: `Bearer ${token}` } } : {}) : null;
        const status = r ? r.status : (await call(token, req)).status;
        expect(status).toBe(c.ok);
      }
    });
  }

  it('a shop key reads only its own shop\'s redemption report', async () => {
    expect((await call(keyOf.get('shop') as string, ['GET', '/v1/reports/redemptions?shop=s_other'])).status).toBe(403);
    expect((await call(keyOf.get('shop') as string, ['GET', '/v1/reports/redemptions'])).status).toBe(200);
  });

  it('a shop key redeems only for its own shop', async () => {
    const other = await call(keyOf.get('shop') as string, ['POST', '/v1/redemptions', { eventId: 'nonexistent0000', shop: 's_other' }]);
    expect(other.status).toBe(403);
    const own = await call(keyOf.get('shop') as string, ['POST', '/v1/redemptions', { eventId: 'nonexistent0000' }]);
    expect(own.status).toBe(404); // its own shop implied; the event does not exist
  });

  it('logs one line per admin action, naming the key and never its secret', async () => {
    const printer = keyOf.get('printer') as string;
    const r = await call(printer, ['POST', '/v1/batches', { sku: uniqueSku(), size: 3 }]);
    expect(r.status).toBe(201);
    await new Promise((res) => setTimeout(res, 200));
    const out = fx.engine.output();
    const line = out.split('\n').find((l) => l.includes('"admin action"') && l.includes('"name":"table-printer"') && l.includes('POST /v1/batches'));
    expect(line).toBeDefined();
    expect(line).toMatch(/"who":"key_[0-9a-f]{16}"/);
    expect(out).not.toContain(printer);
    expect(out).not.toContain(printer.slice(4));
  });
});
