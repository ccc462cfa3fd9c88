// Hostile input, property-based: whatever arrives, the answer is one of the contract's, never a 5xx,
// and the engine stays healthy. Plus slowloris bodies and a flood of forged codes from one IP.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { connect } from 'node:net';
import autocannon from 'autocannon';
import { TEST_TOKEN } from '../testing/engine-process.js';
import { fetchChecked } from '../testing/checked-fetch.js';
import { useEngine } from '../testing/engine-fixture.js';
import { uniqueSku } from '../testing/fixtures.js';

let batchId: number;
const fx = useEngine();

beforeAll(async () => {
  batchId = (await fx.client.createBatch({ sku: uniqueSku(), size: 1000 })).batchId;
});

const ALLOWED = new Set([200, 201, 400, 401, 404, 409, 413]);

/** hostile bytes as sent; the answer must be one docs/openapi.yaml documents for the route (an error JSON included) */
async function send(method: string, path: string, body: Uint8Array | string | undefined, headers: Record<string, string> = {}): Promise<number> {
  const r = await fetchChecked(fx.engine.url + path, method, TEST_TOKEN, body, { 'content-type': 'application/json', ...headers });
  if (r.status >= 400 && r.headers.get('content-type')?.includes('json')) {
    expect(typeof r.body.error.code).toBe('string');
    expect(typeof r.body.error.message).toBe('string');
  }
  return r.status;
}

const ROUTES: [string, string][] = [
  ['POST', '/v1/scans'],
  ['POST', '/v1/batches'],
  ['POST', '/v1/campaigns'],
  ['PUT', '/v1/members/fuzz'],
  ['POST', '/v1/redemptions'],
  ['POST', '/v1/payouts/fuzz'],
  ['POST', '/v1/members/fuzz/points'],
];

const anyJson = fc.jsonValue({ maxDepth: 6 });
const scanish = fc.record(
  {
    code: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null), fc.constantFrom('', 'https://x/c/', '/01/123/21/abc')),
    user: fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 10 }), fc.constant('u\u0000x'), fc.integer()),
    lat: fc.oneof(fc.double(), fc.constant(1e308), fc.string()),
    lng: fc.oneof(fc.double(), fc.integer()),
    shop: fc.oneof(fc.string({ maxLength: 70 }), fc.constant(undefined)),
    clerk: fc.oneof(fc.string({ maxLength: 70 }), fc.constant(undefined)),
  },
  { requiredKeys: [] },
);

describe('property-based fuzzing', () => {
  it('random JSON on every body route: only contract statuses', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), anyJson, async ([method, path], body) => {
        expect(ALLOWED.has(await send(method, path, JSON.stringify(body)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('scan-shaped bodies with hostile values: 200, 400 or 404 only', async () => {
    await fc.assert(
      fc.asyncProperty(scanish, async (body) => {
        const status = await send('POST', '/v1/scans', JSON.stringify(body));
        expect([200, 400, 404]).toContain(status);
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes, deep nesting, duplicate keys, wrong content types', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), fc.uint8Array({ maxLength: 2048 }), async ([method, path], bytes) => {
        expect(ALLOWED.has(await send(method, path, bytes))).toBe(true);
      }),
      { numRuns: 200 },
    );
    const deep = '['.repeat(30_000) + ']'.repeat(30_000);
    expect(await send('POST', '/v1/scans', deep)).toBe(400);
    expect(await send('POST', '/v1/campaigns', `{"a":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`)).toBe(400);
    const code = fx.engine.codec.encode(batchId, 1);
    expect(await send('POST', '/v1/scans', `{"code":"nope","code":"${code}","user":"dup","user":"dup2"}`)).toBe(200);
    // a cross-site form can send text/plain without a CORS preflight: refused (issue 14)
    expect(await send('POST', '/v1/scans', JSON.stringify({ code: fx.engine.codec.encode(batchId, 2), user: 'ct' }), { 'content-type': 'text/plain' })).toBe(415);
    expect(await send('POST', '/v1/scans', `{"code":"x","user":"u","lat":1e400,"lng":0}`)).toBe(400);
  });

  it('random paths and queries: only contract statuses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        fc.array(fc.oneof(fc.webSegment(), fc.constantFrom('v1', 'batches', 'campaigns', 'c', 'C', '01', '21', 'codes', 'members', 'events', '%00', '..')), { maxLength: 6 }),
        fc.webQueryParameters(),
        async (method, segments, query) => {
          const status = await send(method, `/${segments.join('/')}${query ? `?${query}` : ''}`, method === 'GET' ? undefined : '{}');
          expect(ALLOWED.has(status) || status === 503).toBe(true);
          expect(status).not.toBe(503);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('slowloris and floods', () => {
  it('slow bodies do not hold the engine; the idle connection is dropped', async () => {
    const sockets = Array.from({ length: 50 }, () => {
      const s = connect(fx.engine.port, '127.0.0.1');
      s.on('error', () => undefined);
      s.write(`POST /v1/scans HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"co`);
      return s;
    });
    const closed = Promise.all(sockets.map((s) => new Promise<void>((r) => s.once('close', () => r()))));
    // meanwhile, everyone else is served
    for (let i = 0; i < 20; i++) expect((await fx.engine.scan({ code: fx.engine.codec.encode(batchId, 100 + i), user: 'normal' })).status).toBe(200);
    const t0 = Date.now();
    await closed; // uWS drops connections idle for 10 s
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect((await fx.engine.api('GET', '/healthz')).status).toBe(200);
    // and the abandoned bodies are not waited for: nothing is left in flight but the scrape itself
    const metrics = await (await fetch(`${fx.engine.url}/metrics`)).text();
    expect(metrics).toMatch(/^scanlot_http_requests_in_flight 1$/m);
  });

  it('a flood of 20,000 forged codes from one IP, as fast as autocannon sends: all 404, no Redis call, healthy', async () => {
    const before = await fx.redis.client.info('commandstats');
    const evalsha = (info: string): number => Number(/cmdstat_evalsha:calls=(\d+)/.exec(info)?.[1] ?? 0);
    const good = fx.engine.codec.encode(batchId, 500);
    const forged = Array.from({ length: 20_000 }, (_, i) => good.slice(0, 16) + fx.engine.codec.encode(batchId, 600 + (i % 300)).slice(16, 23) + good[23]);
    // autocannon: the test's own fetch cannot send this fast
    let i = 0;
    const result = await autocannon({
      url: `${fx.engine.url}/v1/scans`,
      method: 'POST',
      connections: 32,
      amount: forged.length,
      headers: { 'content-type': 'application/json' },
      setupClient: (client) => {
        client.setBody(`{"code":"${forged[0]}","user":"flood"}`);
      },
      requests: [{ setupRequest: (req) => ({ ...req, body: `{"code":"${forged[i++ % forged.length]}","user":"flood"}` }) }],
    });
    const secs = result.duration;
    expect(result['4xx']).toBe(20_000);
    expect(result.non2xx).toBe(20_000);
    expect(result.errors).toBe(0);
    expect(evalsha(await fx.redis.client.info('commandstats'))).toBe(evalsha(before));
    expect((await fx.engine.api('GET', '/healthz')).status).toBe(200);
    expect((await fx.engine.scan({ code: good, user: 'real' })).body.outcome).toBe('verified');
    console.log(`forged flood: 20,000 in ${secs.toFixed(2)} s = ${Math.round(20_000 / secs)}/s`);
  });
});
