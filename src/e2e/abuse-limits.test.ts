// In-process refusals and the hardening of issue 14, against a real engine behind one trusted proxy
// (TRUST_PROXY=1), so one test client can speak from many IPs through X-Forwarded-For.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { useEngine } from '../testing/engine-fixture.js';
import { liveCampaign, uniqueSku } from '../testing/fixtures.js';
import { PROJECT_ROOT } from '../paths.js';

const fx = useEngine({ env: { TRUST_PROXY: '1' } });
const GTIN = '06901234567892';
let batchId = 0;
let serial = 0;

beforeAll(async () => {
  batchId = (await fx.client.createBatch({ sku: GTIN, size: 100_000 })).batchId;
});

const fresh = (): string => fx.engine.codec.encode(batchId, serial++);
const forgedCode = (): string => {
  const c = fresh();
  return c.slice(0, 20) + (c[20] === 'A' ? 'B' : 'A') + c.slice(21);
};

async function scanFrom(ip: string, body: Record<string, unknown>, contentType = 'application/json'): Promise<{ status: number; body: any; retryAfter: string | null }> {
  const r = await fetch(`${fx.engine.url}/v1/scans`, { method: 'POST', headers: { 'content-type': contentType, 'x-forwarded-for': ip }, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json(), retryAfter: r.headers.get('retry-after') };
}

/** per-minute windows: start a counting test early in a minute so that it does not straddle two */
async function startOfAMinute(): Promise<void> {
  const into = Date.now() % 60_000;
  if (into > 45_000) await new Promise((r) => setTimeout(r, 60_000 - into + 50));
}

const eventsOf = async (code: string): Promise<number> => {
  let n = 0;
  let after: string | null = null;
  for (;;) {
    const page = (await fx.engine.api('GET', `/v1/events?limit=1000${after ? `&after=${after}` : ''}`)).body as { events: { code?: string }[]; next: string | null };
    n += page.events.filter((e) => e.code === code).length;
    if (page.next === null || page.events.length === 0) return n;
    after = page.next;
  }
};

describe('forged codes', () => {
  it('the 61st invalid code in a minute from one IP is 429 with Retry-After; its valid scans and other IPs are unaffected', async () => {
    await startOfAMinute();
    const ip = '198.51.100.61';
    for (let i = 0; i < 60; i++) expect((await scanFrom(ip, { code: forgedCode(), user: 'wx_f' })).status).toBe(404);
    const limited = await scanFrom(ip, { code: forgedCode(), user: 'wx_f' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(60);
    expect((await scanFrom(ip, { code: fresh(), user: 'wx_f' })).status).toBe(200);
    expect((await scanFrom('198.51.100.62', { code: forgedCode(), user: 'wx_f' })).status).toBe(404);
    // the landing page counts and limits the same way
    expect((await fetch(`${fx.engine.url}/c/${forgedCode()}`, { headers: { 'x-forwarded-for': ip } })).status).toBe(429);
    const metrics = await (await fetch(`${fx.engine.url}/metrics`)).text();
    const total = Number(/^scanlot_forged_codes_total (\d+)/m.exec(metrics)?.[1]);
    expect(total).toBeGreaterThanOrEqual(63);
  });
});

describe('repeat floods and IP limits: 429 in process, no event', () => {
  it('repeats of one consumed code past 30 a minute are 429 and write no event', async () => {
    await startOfAMinute();
    const code = fresh();
    const answers: number[] = [];
    for (let i = 0; i < 50; i++) answers.push((await scanFrom(`203.0.113.${i + 1}`, { code, user: `wx_r${i}` })).status);
    expect(answers.filter((s) => s === 200)).toHaveLength(31); // the first scan and 30 repeats
    expect(answers.slice(31).every((s) => s === 429)).toBe(true);
    // only the answered scans are events
    let n = 0;
    for (let i = 0; i < 50 && n < 31; i++) {
      n = await eventsOf(code);
      if (n < 31) await new Promise((r) => setTimeout(r, 100));
    }
    expect(n).toBe(31);
  });

  it('scans from an IP past the campaign ipScansPerMinute: one blocked/ip_limit, then 429 until the minute ends', async () => {
    await startOfAMinute();
    const sku = uniqueSku();
    const b = (await fx.client.createBatch({ sku, size: 100 })).batchId;
    await fx.client.createLiveCampaign(`ip-${sku}`, sku, [], { limits: { ipScansPerMinute: 3 } });
    const ip = '192.0.2.33';
    const out: string[] = [];
    for (let s = 0; s < 6; s++) {
      const r = await scanFrom(ip, { code: fx.engine.codec.encode(b, s), user: 'wx_ip' });
      out.push(r.status === 200 ? `${r.body.outcome}${r.body.reason ? '/' + r.body.reason : ''}` : String(r.status));
    }
    expect(out).toEqual(['lost/no_prize', 'lost/no_prize', 'lost/no_prize', 'blocked/ip_limit', '429', '429']);
    expect((await scanFrom('192.0.2.34', { code: fx.engine.codec.encode(b, 10), user: 'wx_ip' })).status).toBe(200);
  });
});

describe('hardening', () => {
  it('POST /v1/scans requires application/json (415 otherwise)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const r = await scanFrom('192.0.2.1', { code: fresh(), user: 'wx_ct' }, type);
      expect(r.status, type).toBe(415);
      expect(r.body.error.code).toBe('unsupported_media_type');
    }
    expect((await scanFrom('192.0.2.1', { code: fresh(), user: 'wx_ct' }, 'application/json; charset=utf-8')).status).toBe(200);
  });

  it('TRUST_PROXY takes the address the trusted proxy appended and refuses non-IPs', async () => {
    const code = fresh();
    const r = await scanFrom('6.6.6.6, 203.0.113.200', { code, user: 'wx_xff' });
    expect(r.status).toBe(200);
    let ip: string | undefined;
    for (let i = 0; i < 50 && ip === undefined; i++) {
      const page = (await fx.engine.api('GET', '/v1/events?limit=1000')).body as { events: { id: string; ip: string }[] };
      ip = page.events.find((e) => e.id === r.body.eventId)?.ip;
      if (ip === undefined) await new Promise((res) => setTimeout(res, 100));
    }
    expect(ip).toBe('203.0.113.200');
    const bad = await scanFrom('not-an-ip', { code: fresh(), user: 'wx_xff' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/x-forwarded-for/);
  });

  it('a malformed % escape in a path is 400, not 500', async () => {
    for (const path of ['/v1/members/%ZZ', '/v1/campaigns/%E0%A4%A', '/c/%', '/nowhere/%G1']) {
      const r = await fx.engine.api('GET', path);
      expect(r.status, path).toBe(400);
      expect(r.body.error.code).toBe('invalid_request');
    }
  });

  it('reserved ids (__proto__) are refused in campaigns', async () => {
    const sku = uniqueSku();
    const r = await fx.engine.api('POST', '/v1/campaigns', liveCampaign(`proto-${sku}`, sku, [{ id: '__proto__', name: 'P', kind: 'points', probability: 0.5, amount: 1 }]));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/prizes\[0\]\.id/);
    expect((await fx.engine.api('POST', '/v1/campaigns', liveCampaign('__proto__', sku, []))).status).toBe(400);
  });

  it('anon_ ids cannot be given a member record', async () => {
    expect((await fx.engine.api('PUT', '/v1/members/anon_x1', { level: 9 })).status).toBe(400);
    expect((await fx.engine.api('PUT', '/v1/members', { members: [{ user: 'anon_x2', level: 9 }] })).status).toBe(400);
  });

  it('a campaign may require a position; other values are 400', async () => {
    const sku = uniqueSku();
    const ok = await fx.engine.api('POST', '/v1/campaigns', liveCampaign(`pos-${sku}`, sku, [], { position: 'required' }));
    expect(ok.status).toBe(201);
    expect(ok.body.position).toBe('required');
    expect((await fx.engine.api('GET', `/v1/campaigns/pos-${sku}`)).body.position).toBe('required');
    // the scan script's check (lead's): no position, blocked, and the code is still fresh
    const b = (await fx.client.createBatch({ sku, size: 5 })).batchId;
    const code = fx.engine.codec.encode(b, 1);
    expect((await scanFrom('192.0.2.50', { code, user: 'wx_pos' })).body).toMatchObject({ outcome: 'blocked', reason: 'no_position' });
    expect((await scanFrom('192.0.2.50', { code, user: 'wx_pos', lat: 23.1, lng: 113.3 })).body.outcome).toBe('lost');
    const bad = await fx.engine.api('POST', '/v1/campaigns', liveCampaign(`pos2-${sku}`, uniqueSku(), [], { position: 'always' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^position/);
  });

  it('/01/{GTIN}/21/{code} is 404 when the GTIN is not the batch sku', async () => {
    const code = fresh();
    expect((await fetch(`${fx.engine.url}/01/${GTIN}/21/${code}`)).status).toBe(200);
    expect((await fetch(`${fx.engine.url}/01/00000000000017/21/${code}`)).status).toBe(404);
  });

  it('the landing page sends security headers and has no inline script', async () => {
    const r = await fetch(`${fx.engine.url}/c/${fresh()}`);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-inline/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await r.text();
    // no inline script that runs: a JSON data block (the page's view, never executed, `<` escaped) is not one
    expect(html).not.toMatch(/<script>|<script(?![^>]*\b(?:src=|type="application\/json"))[^>]*>/);
    for (const block of html.matchAll(/<script type="application\/json"[^>]*>([^]*?)<\/script>/g)) expect(() => JSON.parse(block[1] as string)).not.toThrow();
    expect(html).not.toMatch(/<style|style=/);
    const js = await fetch(`${fx.engine.url}/assets/landing.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toContain('/v1/scans');
  });

  it('a 2 MiB deeply nested body is refused before parsing', async () => {
    const half = 1024 * 1024 - 16; // just under the bulk route's 2 MiB limit
    const body = '{"members":' + '['.repeat(half) + ']'.repeat(half) + '}';
    const r = await fx.engine.api('PUT', '/v1/members', body);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/nests deeper/);
    expect((await fetch(`${fx.engine.url}/healthz`)).status).toBe(200);
  });

  it('DCRM_URL with user:password@ stops start-up with one line that does not show the password', () => {
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
      env: { ...process.env, DCRM_URL: 'https://crm:hunter2secret@dcrm.example/hook', DCRM_SECRET: 'x'.repeat(32), PORT: '0', DATA_DIR: '/nonexistent-never-created' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/DCRM_URL/);
    expect(r.stderr + r.stdout).not.toContain('hunter2secret');
  });
});
