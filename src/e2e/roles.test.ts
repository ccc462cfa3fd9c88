// Who may do what: every route the engine registers with every role, over real HTTP to a real engine on
// a real Redis. A role that covers a route gets the route's success status; a valid key of another role
// gets 403 forbidden; no credential or an unknown one gets 401. The engine logs the routes it registered:
// a route missing from this table fails the table (a new route must say who may call it).
import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { useEngine } from '../testing/engine-fixture.js';
import { liveCampaign, uniqueSku } from '../testing/fixtures.js';
import { fetchJson } from '../http/json-fetch.js';
import { ROLES, type Role } from '../identity/roles.js';
import { VoucherCodec } from '../codes/voucher-codec.js';
import { TEST_SECRET } from '../testing/engine-process.js';

const fx = useEngine({ env: { LOG_LEVEL: 'info' } });
const keyOf = new Map<Role, string>();
let itemBatch = 0;
let itemSku = '';
let campaignId = '';
/** a voucher whose check holds and that no win has: redeeming it passes the role, then is 404 */
const unknownVoucher = (): string => new VoucherCodec(Buffer.from(TEST_SECRET, 'hex'), 'x').voucherOf(`never-won-${uniq()}`).code;

const uniq = (): string => randomBytes(4).toString('hex');

interface Case {
  /** the route as the engine registers it: METHOD /pattern/:param */
  route: string;
  name: string;
  roles: readonly Role[];
  /** prepares what the request needs (with the admin token), then answers [method, path, body] */
  request: () => Promise<[string, string, unknown?]>;
  ok: number;
  /** a route another branch of this session adds: its rows run once the engine registers it */
  elsewhere?: true;
}

const newShop = async (): Promise<string> => (await fx.engine.api('POST', '/v1/shops', { id: `shop_${uniq()}`, name: 'Role shop' })).body.id as string;

const newBatch = async (sku = uniqueSku()): Promise<number> => (await fx.engine.api('POST', '/v1/batches', { sku, size: 10 })).body.batchId as number;

const cases: Case[] = [
  { route: 'POST /v1/batches', name: 'POST /v1/batches', roles: ['admin', 'printer'], request: async () => ['POST', '/v1/batches', { sku: uniqueSku(), size: 10 }], ok: 201 },
  { route: 'GET /v1/batches/:id', name: 'GET /v1/batches/{id}', roles: ['admin', 'operator', 'printer'], request: async () => ['GET', `/v1/batches/${itemBatch}`], ok: 200 },
  { route: 'GET /v1/batches/:id/codes', name: 'GET /v1/batches/{id}/codes', roles: ['admin', 'operator', 'printer'], request: async () => ['GET', `/v1/batches/${itemBatch}/codes?format=txt&from=0&to=2`], ok: 200 },
  { route: 'POST /v1/batches/:id/activate', name: 'POST /v1/batches/{id}/activate', roles: ['admin', 'operator', 'printer'], request: async () => ['POST', `/v1/batches/${await newBatch()}/activate`], ok: 200 },
  { route: 'POST /v1/batches/:id/void', name: 'POST /v1/batches/{id}/void', roles: ['admin', 'operator'], request: async () => ['POST', `/v1/batches/${await newBatch()}/void`], ok: 200 },
  { route: 'POST /v1/campaigns', name: 'POST /v1/campaigns', roles: ['admin', 'operator'], request: async () => { const sku = uniqueSku(); return ['POST', '/v1/campaigns', liveCampaign(`rc-${uniq()}`, sku, [{ id: 'p', name: 'P', kind: 'points', probability: 0.5, amount: 5 }])]; }, ok: 201 },
  { route: 'GET /v1/campaigns/:id', name: 'GET /v1/campaigns/{id}', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/campaigns/${campaignId}`], ok: 200 },
  { route: 'GET /v1/campaigns/:id/stats', name: 'GET /v1/campaigns/{id}/stats', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/campaigns/${campaignId}/stats`], ok: 200 },
  { route: 'GET /v1/campaigns/:id/leaderboard', name: 'GET /v1/campaigns/{id}/leaderboard', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/campaigns/${campaignId}/leaderboard?by=shop`], ok: 200 },
  { route: 'PUT /v1/members/:user', name: 'PUT /v1/members/{user}', roles: ['admin', 'dcrm'], request: async () => ['PUT', `/v1/members/wx_${uniq()}`, { level: 3 }], ok: 200 },
  { route: 'PUT /v1/members', name: 'PUT /v1/members (bulk)', roles: ['admin', 'dcrm'], request: async () => ['PUT', '/v1/members', { members: [{ user: `wx_${uniq()}`, level: 1 }] }], ok: 200 },
  { route: 'GET /v1/members/:user', name: 'GET /v1/members/{user}', roles: ['admin', 'operator', 'dcrm'], request: async () => ['GET', '/v1/members/wx_someone'], ok: 200 },
  // no such win: the role passes, the redemption itself is 404
  { route: 'POST /v1/redemptions', name: 'POST /v1/redemptions', roles: ['admin', 'operator', 'shop'], request: async () => ['POST', '/v1/redemptions', { voucher: unknownVoucher(), shop: 's_role' }], ok: 404 },
  { route: 'GET /v1/reports/redemptions', name: 'GET /v1/reports/redemptions', roles: ['admin', 'operator', 'shop'], request: async () => ['GET', '/v1/reports/redemptions?shop=s_role'], ok: 200 },
  { route: 'GET /v1/payouts', name: 'GET /v1/payouts', roles: ['admin', 'operator', 'dcrm'], request: async () => ['GET', '/v1/payouts?state=pending'], ok: 200 },
  // no such payout: the role passes, the payout itself is 404
  { route: 'POST /v1/payouts/:eventId', name: 'POST /v1/payouts/{eventId}', roles: ['admin', 'dcrm'], request: async () => ['POST', '/v1/payouts/nonexistent0000', { state: 'paid', reference: 'r' }], ok: 404 },
  { route: 'POST /v1/members/:user/points', name: 'POST /v1/members/{user}/points', roles: ['admin', 'dcrm'], request: async () => ['POST', `/v1/members/wx_${uniq()}/points`, { delta: 5, reason: 'role test', idempotencyKey: uniq() }], ok: 200 },
  { route: 'GET /v1/batches', name: 'GET /v1/batches (list)', roles: ['admin', 'operator'], request: async () => ['GET', '/v1/batches?limit=5'], ok: 200 },
  { route: 'GET /v1/campaigns', name: 'GET /v1/campaigns (list)', roles: ['admin', 'operator'], request: async () => ['GET', '/v1/campaigns?state=live'], ok: 200 },
  {
    route: 'PATCH /v1/campaigns/:id', name: 'PATCH /v1/campaigns/{id}',
    roles: ['admin', 'operator'],
    request: async () => {
      const sku = uniqueSku();
      const id = `rp-${uniq()}`;
      expect((await fx.engine.api('POST', '/v1/campaigns', liveCampaign(id, sku, [{ id: 'p', name: 'P', kind: 'points', probability: 0.5, amount: 5, stock: 5 }]))).status).toBe(201);
      return ['PATCH', `/v1/campaigns/${id}`, { prizes: [{ id: 'p', addStock: 1 }] }];
    },
    ok: 200,
  },
  { route: 'GET /v1/reports/scans', name: 'GET /v1/reports/scans', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/reports/scans?campaign=${campaignId}&by=day`], ok: 200 },
  { route: 'GET /v1/overview', name: 'GET /v1/overview', roles: ['admin', 'operator'], request: async () => ['GET', '/v1/overview'], ok: 200 },
  { route: 'GET /v1/events', name: 'GET /v1/events', roles: ['admin', 'operator', 'dcrm'], request: async () => ['GET', '/v1/events?limit=5'], ok: 200 },
  { route: 'GET /v1/audit', name: 'GET /v1/audit', roles: ['admin', 'operator'], request: async () => ['GET', '/v1/audit'], ok: 200 },
  { route: 'POST /v1/rebalance/repair', name: 'POST /v1/rebalance/repair', roles: ['admin'], request: async () => ['POST', '/v1/rebalance/repair'], ok: 200 },
  { route: 'POST /v1/campaigns/:id/rebalance', name: 'POST /v1/campaigns/{id}/rebalance', roles: ['admin'], request: async () => ['POST', `/v1/campaigns/${campaignId}/rebalance`], ok: 200 },
  { route: 'GET /v1/dcrm/dead-letters', name: 'GET /v1/dcrm/dead-letters', roles: ['admin', 'operator', 'dcrm'], request: async () => ['GET', '/v1/dcrm/dead-letters'], ok: 200 },
  { route: 'POST /v1/dcrm/replay', name: 'POST /v1/dcrm/replay', roles: ['admin', 'operator', 'dcrm'], request: async () => ['POST', '/v1/dcrm/replay', {}], ok: 200 },
  { route: 'POST /v1/keys', name: 'POST /v1/keys', roles: ['admin'], request: async () => ['POST', '/v1/keys', { role: 'printer', name: `k-${uniq()}` }], ok: 201 },
  { route: 'GET /v1/keys', name: 'GET /v1/keys', roles: ['admin'], request: async () => ['GET', '/v1/keys'], ok: 200 },
  {
    route: 'DELETE /v1/keys/:id', name: 'DELETE /v1/keys/{id}',
    roles: ['admin'],
    request: async () => ['DELETE', `/v1/keys/${(await fx.engine.api('POST', '/v1/keys', { role: 'printer', name: 'to-revoke' })).body.id}`],
    ok: 204,
  },
  // the store as a place: shops, scene codes, draw chances, reveals in the shop
  { route: 'POST /v1/shops', name: 'POST /v1/shops', roles: ['admin', 'operator'], request: async () => ['POST', '/v1/shops', { id: `shop_${uniq()}`, name: 'Role shop' }], ok: 201 },
  { route: 'GET /v1/shops', name: 'GET /v1/shops', roles: ['admin', 'operator'], request: async () => ['GET', '/v1/shops'], ok: 200 },
  { route: 'GET /v1/shops/:id', name: 'GET /v1/shops/{id}', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/shops/${await newShop()}`], ok: 200 },
  { route: 'GET /v1/shops/:id/scene-code', name: 'GET /v1/shops/{id}/scene-code', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/shops/${await newShop()}/scene-code?format=url`], ok: 200 },
  { route: 'POST /v1/campaigns/:id/chances', name: 'POST /v1/campaigns/{id}/chances', roles: ['admin', 'operator', 'dcrm'], request: async () => ['POST', `/v1/campaigns/${campaignId}/chances`, { user: `wx_${uniq()}`, count: 1, reason: '支付有礼', idempotencyKey: uniq() }], ok: 200 },
  // no such ticket: the role passes, the reveal itself is 404
  { route: 'POST /v1/tickets/:ticket/reveal', name: 'POST /v1/tickets/{ticket}/reveal', roles: ['admin', 'operator', 'shop'], request: async () => ['POST', `/v1/tickets/${unknownVoucher()}/reveal?shop=s_role`], ok: 404 },
  // added by other branches of this session (reports of the pages work)
  { route: 'GET /v1/reports/prizes', name: 'GET /v1/reports/prizes', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/reports/prizes?campaign=${campaignId}`], ok: 200, elsewhere: true },
  { route: 'GET /v1/reports/winners', name: 'GET /v1/reports/winners', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/reports/winners?campaign=${campaignId}`], ok: 200, elsewhere: true },
  { route: 'GET /v1/reports/hours', name: 'GET /v1/reports/hours', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/reports/hours?campaign=${campaignId}`], ok: 200, elsewhere: true },
  { route: 'GET /v1/reports/changes', name: 'GET /v1/reports/changes', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/reports/changes?campaign=${campaignId}`], ok: 200, elsewhere: true },
  { route: 'GET /v1/reports/places', name: 'GET /v1/reports/places', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/reports/places?campaign=${campaignId}`], ok: 200, elsewhere: true },
  { route: 'GET /v1/reports/store', name: 'GET /v1/reports/store', roles: ['admin', 'operator'], request: async () => ['GET', `/v1/reports/store?campaign=${campaignId}`], ok: 200 },
  { route: 'PUT /v1/skus/:sku/page', name: 'PUT /v1/skus/{sku}/page', roles: ['admin', 'operator'], request: async () => ['PUT', `/v1/skus/${itemSku}/page`, { page: { brand: 'Roles' } }], ok: 200, elsewhere: true },
  {
    route: 'GET /v1/skus/:sku/page', name: 'GET /v1/skus/{sku}/page', roles: ['admin', 'operator'],
    request: async () => {
      expect((await fx.engine.api('PUT', `/v1/skus/${itemSku}/page`, { theme: 'mid-autumn' })).status).toBe(200);
      return ['GET', `/v1/skus/${itemSku}/page`];
    },
    ok: 200,
    elsewhere: true,
  },
];

/** routes anyone may call: no credential, any credential (`ok`: the answer whoever calls) */
const publicCases: { route: string; request: () => Promise<[string, string, unknown?]>; ok: number; elsewhere?: true }[] = [
  { route: 'GET /healthz', request: async () => ['GET', '/healthz'], ok: 200 },
  { route: 'GET /metrics', request: async () => ['GET', '/metrics'], ok: 200 },
  { route: 'GET /c/:code', request: async () => ['GET', `/c/${fx.engine.codec.encode(itemBatch, 1)}`], ok: 200 },
  { route: 'GET /C/:code', request: async () => ['GET', `/C/${fx.engine.codec.encode(itemBatch, 1)}`], ok: 200 },
  { route: 'GET /01/:gtin/21/:code', request: async () => ['GET', `/01/${itemSku}/21/${fx.engine.codec.encode(itemBatch, 1)}`], ok: 200 },
  { route: 'GET /assets/landing.js', request: async () => ['GET', '/assets/landing.js'], ok: 200 },
  { route: 'GET /assets/landing.css', request: async () => ['GET', '/assets/landing.css'], ok: 200 },
  // no such voucher: the page answers (nobody is refused), and it is 404
  { route: 'GET /v/:voucher', request: async () => ['GET', `/v/${unknownVoucher()}`], ok: 404 },
  { route: 'GET /me', request: async () => ['GET', '/me'], ok: 200 },
  { route: 'GET /console', request: async () => ['GET', '/console'], ok: 200 },
  { route: 'GET /console/', request: async () => ['GET', '/console/'], ok: 200 },
  { route: 'GET /console/assets/:file', request: async () => ['GET', '/console/assets/app.js'], ok: 200 },
  { route: 'POST /v1/scans', request: async () => ['POST', '/v1/scans', { code: fx.engine.codec.encode(itemBatch, 2), user: 'wx_pub' }], ok: 200 },
  { route: 'GET /s/:code', request: async () => ['GET', '/s/000000000000000000000000'], ok: 404 },
  { route: 'GET /t/:ticket', request: async () => ['GET', `/t/${unknownVoucher()}`], ok: 404 },
  { route: 'GET /assets/store.js', request: async () => ['GET', '/assets/store.js'], ok: 200 },
  { route: 'GET /assets/store.css', request: async () => ['GET', '/assets/store.css'], ok: 200 },
  { route: 'GET /draw/:campaignId', request: async () => ['GET', '/draw/no-such-campaign'], ok: 404 },
  { route: 'GET /draw/:campaignId/chances', request: async () => ['GET', '/draw/no-such-campaign/chances'], ok: 404 },
  { route: 'GET /t/:ticket/state', request: async () => ['GET', `/t/${unknownVoucher()}/state`], ok: 404 },
  { route: 'GET /assets/reveal.js', request: async () => ['GET', '/assets/reveal.js'], ok: 200 },
  { route: 'GET /assets/draw.js', request: async () => ['GET', '/assets/draw.js'], ok: 200 },
  { route: 'GET /assets/draw-page.js', request: async () => ['GET', '/assets/draw-page.js'], ok: 200 },
  { route: 'GET /assets/ticket.js', request: async () => ['GET', '/assets/ticket.js'], ok: 200 },
  // a scene code that is not one of ours: anyone is answered 404 invalid_code, before any Redis read
  { route: 'POST /v1/checkins', request: async () => ['POST', '/v1/checkins', { sceneCode: '000000000000000000000000', user: 'wx_pub' }], ok: 404 },
  // a user without draw chances: anyone is answered 409 no_chances
  { route: 'POST /v1/draws', request: async () => ['POST', '/v1/draws', { campaignId, user: `wx_${uniq()}` }], ok: 409 },
  // added by other branches of this session
  { route: 'GET /openapi.json', request: async () => ['GET', '/openapi.json'], ok: 200, elsewhere: true },
  { route: 'GET /favicon.ico', request: async () => ['GET', '/favicon.ico'], ok: 204, elsewhere: true },
  { route: 'GET /v/:voucher/qr.svg', request: async () => ['GET', `/v/${unknownVoucher()}/qr.svg`], ok: 404, elsewhere: true },
];

/** a row of a route another branch adds, before that branch is merged: skipped */
const notHereYet = (c: { route: string; elsewhere?: true }): boolean => c.elsewhere === true && !registeredRoutes().has(c.route);

beforeAll(async () => {
  itemSku = uniqueSku();
  itemBatch = await newBatch(itemSku);
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

/** the routes the engine logged at start: `METHOD /pattern` and the roles it declares (null: anyone) */
function registeredRoutes(): Map<string, readonly string[] | null> {
  const line = fx.engine.output().split('\n').find((l) => l.includes('"msg":"routes"'));
  expect(line, 'the engine logs its routes at start').toBeDefined();
  const routes = (JSON.parse(line as string) as { routes: { route: string; roles: string[] | null }[] }).routes;
  return new Map(routes.map((r) => [r.route, r.roles]));
}

describe('role x route table', () => {
  it('covers every route the engine registers, with the roles the route declares', () => {
    const registered = registeredRoutes();
    const inTable = new Map<string, readonly string[] | null>([...cases.map((c) => [c.route, c.roles] as const), ...publicCases.map((c) => [c.route, null] as const)]);
    expect([...registered.keys()].filter((r) => !inTable.has(r)), 'routes without a row in this table').toEqual([]);
    const elsewhere = new Set([...cases, ...publicCases].filter((c) => c.elsewhere).map((c) => c.route));
    expect([...inTable.keys()].filter((r) => !registered.has(r) && !elsewhere.has(r)), 'rows of routes the engine does not have').toEqual([]);
    for (const [route, roles] of registered) expect(roles === null ? null : [...roles].sort(), route).toEqual(inTable.get(route) === null ? null : [...(inTable.get(route) as string[])].sort());
  });

  for (const c of cases) {
    for (const role of ROLES) {
      const allowed = c.roles.includes(role);
      it(`${c.name} as ${role}: ${allowed ? c.ok : 403}`, async (ctx) => {
        if (notHereYet(c)) return ctx.skip();
        const r = await call(keyOf.get(role) as string, await c.request());
        expect(r.status, JSON.stringify(r.body)).toBe(allowed ? c.ok : 403);
        if (!allowed) expect(r.body.error.code).toBe('forbidden');
      });
    }
    it(`${c.name} without a credential, with an unknown key, with a malformed header: 401`, async (ctx) => {
      if (notHereYet(c)) return ctx.skip();
      for (const token of [null, 'slk_' + 'x'.repeat(43), 'not-the-admin-token-at-all']) {
        const r = await call(token, await c.request());
        expect(r.status).toBe(401);
        expect(r.body.error.code).toBe('unauthorized');
      }
    });
  }
  for (const c of publicCases) {
    it(`${c.route}: open to everyone`, async (ctx) => {
      if (notHereYet(c)) return ctx.skip();
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

  it('a shop key redeems only for its own shop, and only by voucher', async () => {
    const other = await call(keyOf.get('shop') as string, ['POST', '/v1/redemptions', { voucher: unknownVoucher(), shop: 's_other' }]);
    expect(other.status).toBe(403);
    const own = await call(keyOf.get('shop') as string, ['POST', '/v1/redemptions', { voucher: unknownVoucher() }]);
    expect(own.status).toBe(404); // its own shop implied; the voucher is nobody's
    const byEvent = await call(keyOf.get('shop') as string, ['POST', '/v1/redemptions', { eventId: 'nonexistent0000' }]);
    expect(byEvent.status).toBe(403);
    expect(byEvent.body.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('eventId') });
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
