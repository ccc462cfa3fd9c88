// The audit of a deployment of two engines on one Redis, each with its own SQLite file: each file holds
// the share of the events its engine consumed, and the audit reconciles Redis against both, from either
// engine, and names a store it cannot read.
import { afterEach, describe, expect, it } from 'vitest';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { startEngine, type TestEngine } from '../testing/engine-process.js';
import { runAuditCli } from '../testing/audit.js';
import { liveCampaign, uniqueSku } from '../testing/fixtures.js';
import { TestClient } from '../testing/test-client.js';

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  cleanups = [];
});

async function engine(redis: TestRedis, consumer: string): Promise<TestEngine> {
  const e = await startEngine({ redisUrl: redis.url, env: { SCANLOT_CONSUMER: consumer } });
  cleanups.push(() => e.stop());
  return e;
}

/** GET, once more after a connection reset: a pooled keep-alive connection may be closed by the engine while idle during the CLI runs */
async function get(e: TestEngine, path: string): Promise<{ status: number; body: any }> {
  try {
    return await e.api('GET', path);
  } catch {
    return e.api('GET', path);
  }
}

async function eventsIn(e: TestEngine): Promise<number> {
  const r = await get(e, '/v1/audit');
  return (r.body.read as { storeId: string; events: number }[]).find((s) => s.storeId === r.body.store)?.events ?? 0;
}

describe('the audit of two engines on one Redis', () => {
  it('counts the events of both stores: clean from either engine; a store it cannot read is a mismatch that names it', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const a = await engine(redis, 'engine-a');
    const b = await engine(redis, 'engine-b');
    const sku = uniqueSku();
    const cid = `deploy-${sku}`;
    const client = new TestClient(a);
    const { batchId } = await client.createBatch({ sku, size: 500 });
    await client.createCampaign(liveCampaign(cid, sku, [
      { id: 'g', name: 'G', kind: 'gift', probability: 0.2, stock: 30, perUserCap: 3, dailyCap: 25 },
      { id: 'r', name: 'R', kind: 'cash', probability: 0.3, amount: { min: 1, max: 99 }, budget: 3000 },
      { id: 'k', name: 'K', kind: 'cash', for: 'clerk', probability: 0.5, amount: 7, stock: 40 },
    ], { limits: { userWinsPerDay: 4 } }));
    // b reloads campaigns on a message; wait until it draws for this one
    const answers = await Promise.all(Array.from({ length: 400 }, (_, i) => {
      const on = i % 2 === 0 ? a : b;
      return on.scan({ code: on.codec.encode(batchId, i % 350), user: `u${i % 40}`, ...(i % 3 === 0 ? { clerk: `k${i % 5}` } : {}) });
    }));
    expect(answers.every((r) => r.status === 200)).toBe(true);

    // both engines consumed a share of the stream into their own file
    expect(await eventsIn(a)).toBeGreaterThan(0);
    expect(await eventsIn(b)).toBeGreaterThan(0);

    for (const e of [a, b]) {
      const cli = runAuditCli(e);
      expect(cli.status, cli.out).toBe(0);
      expect(cli.out).toMatch(/codes\s+batch \d+: consumed codes with a first-scan event\s+350\s+350/);
      expect(cli.out).toMatch(/scans\s+deploy-\S+: scans in Redis stats = events in SQLite\s+400\s+400/);
      expect(cli.out).toMatch(/\* engine-a\s/);
      expect(cli.out).toMatch(/\* engine-b\s/);
      expect(cli.out).toContain('audit clean');
    }
    const report = (await get(a, `/v1/audit?campaign=${cid}`)).body;
    expect(report.ok).toBe(true);
    expect(report.note).toBeNull();
    expect(report.unreached).toEqual([]);
    expect(report.read.map((s: { consumers: string[] }) => s.consumers[0]).sort()).toEqual(['engine-a', 'engine-b']);
    expect(report.read.reduce((n: number, s: { events: number }) => n + s.events, 0)).toBeGreaterThanOrEqual(400);
    // the reports read from events count the deployment too, from either engine
    for (const e of [a, b]) {
      const hours = (await get(e, `/v1/reports/hours?campaign=${cid}`)).body;
      expect(hours.stores).toEqual({ read: 2, unreached: [] });
      expect(hours.hours.reduce((n: number, h: { scans: number }) => n + h.scans, 0)).toBe(400);
      const places = (await get(e, `/v1/reports/places?campaign=${cid}`)).body;
      expect(places.places.reduce((n: number, p: { scans: number }) => n + p.scans, 0)).toBe(400);
    }

    // b stops cleanly and its file goes elsewhere: a's audit cannot count b's events, and says whose they are
    const bStore = (await get(b, '/v1/audit')).body.store as string;
    await b.kill('SIGTERM');
    renameSync(join(b.dataDir, 'scanlot.db'), join(b.dataDir, 'moved.db'));
    const missing = runAuditCli(a);
    expect(missing.status).toBe(1);
    expect(missing.out).toContain(`MISMATCH  stores`);
    expect(missing.out).toContain(`store ${bStore} (engine-b at `);
    expect(missing.out).toContain(`could not read ${bStore}`);
    expect(missing.out).toContain(`no file at ${join(b.dataDir, 'scanlot.db')}`);
    const body = (await get(a, '/v1/audit')).body;
    expect(body.unreached).toEqual([expect.objectContaining({ storeId: bStore, consumers: ['engine-b'], alive: false })]);
    expect(body.note).toContain(`miss the events of 1 of 2 event stores: ${bStore}`);
  });
});
