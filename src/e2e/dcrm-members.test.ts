// The DCRM's nightly sync: PUT /v1/members with up to 10,000 members (a 2 MiB body limit for this route
// only), validated as a whole before anything is written.
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { TEST_TOKEN } from '../testing/engine-process.js';
import { useEngine } from '../testing/engine-fixture.js';
import { uniqueSku } from '../testing/fixtures.js';

const fx = useEngine();

/**
 * The status answered to a PUT that declares `length` bytes, before any of them is sent: the engine
 * refuses an oversize body at once and closes the connection, so a client still writing would get EPIPE.
 */
function declaredBodyStatus(path: string, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${fx.engine.url}${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json', 'content-length': String(length) },
    });
    req.on('response', (res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

const longId = (i: number): string => `wx_${String(i).padStart(6, '0')}_${'x'.repeat(54)}`;

describe('PUT /v1/members (bulk)', () => {
  it('takes 10,000 members of 64-character ids in one request', async () => {
    const members = Array.from({ length: 10_000 }, (_, i) => ({ user: longId(i), level: i % 10, blocked: i % 1000 === 7 }));
    const body = JSON.stringify({ members });
    expect(body.length).toBeGreaterThan(64 * 1024);
    const r = await fx.engine.api('PUT', '/v1/members', body);
    expect(r).toMatchObject({ status: 200, body: { updated: 10_000 } });
    expect((await fx.engine.api('GET', `/v1/members/${longId(9_999)}`)).body).toMatchObject({ user: longId(9_999), level: 9, blocked: false });
    expect((await fx.engine.api('GET', `/v1/members/${longId(1_007)}`)).body).toMatchObject({ level: 7, blocked: true });

    // a member blocked by the sync is refused at its next scan
    const b = await fx.client.createBatch({ sku: uniqueSku(), size: 10 });
    const scan = await fx.engine.scan({ code: fx.engine.codec.encode(b.batchId, 1), user: longId(7) });
    expect(scan.body).toMatchObject({ outcome: 'blocked', reason: 'blacklisted' });
  });

  it('partial updates keep the other field; the last entry for a user wins', async () => {
    await fx.engine.api('PUT', '/v1/members', { members: [{ user: 'bulk-a', level: 5, blocked: true }] });
    const r = await fx.engine.api('PUT', '/v1/members', { members: [{ user: 'bulk-a', blocked: false }, { user: 'bulk-a', level: 3 }] });
    expect(r.body).toEqual({ updated: 2 });
    expect((await fx.engine.api('GET', '/v1/members/bulk-a')).body).toMatchObject({ level: 3, blocked: false });
  });

  it('refuses bad input naming the member, and writes nothing of it', async () => {
    const bad = await fx.engine.api('PUT', '/v1/members', { members: [{ user: 'bulk-ok', level: 1 }, { user: 'bulk-b', level: 12 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^members\[1\]\.level:/);
    expect((await fx.engine.api('GET', '/v1/members/bulk-ok')).body.level).toBe(0);
    expect((await fx.engine.api('PUT', '/v1/members', { members: [{ user: 'bad user!', level: 1 }] })).body.error.message).toMatch(/^members\[0\]\.user:/);
    expect((await fx.engine.api('PUT', '/v1/members', { members: [{ user: 'x' }] })).body.error.message).toMatch(/^members\[0\]\.level: or blocked/);
    expect((await fx.engine.api('PUT', '/v1/members', { members: [] })).status).toBe(400);
    const tooMany = Array.from({ length: 10_001 }, (_, i) => ({ user: `m${i}`, level: 1 }));
    expect((await fx.engine.api('PUT', '/v1/members', { members: tooMany })).body.error.message).toMatch(/^members: must be an array of 1 to 10000/);
  });

  it('413 over 2 MiB on the bulk route; the single-member route keeps 64 KiB', async () => {
    expect(await declaredBodyStatus('/v1/members', 2 * 1024 * 1024 + 1)).toBe(413);
    expect(await declaredBodyStatus('/v1/members/someone', 64 * 1024 + 1)).toBe(413);
    // just under the limit is read (and judged on its content)
    const padded = JSON.stringify({ members: [{ user: 'bulk-pad', level: 2 }], pad: 'x'.repeat(2 * 1024 * 1024 - 100) });
    expect(await fx.engine.api('PUT', '/v1/members', padded)).toMatchObject({ status: 200, body: { updated: 1 } });
  });
});
