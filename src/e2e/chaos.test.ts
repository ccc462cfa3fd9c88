// Chaos: Redis killed and restarted under load, overload past the in-flight bound, SIGTERM under
// load. Each ends with the audit.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { startEngine, type TestEngine } from '../testing/engine-process.js';
import { TestClient } from '../testing/test-client.js';
import { uniqueSku } from '../testing/fixtures.js';
import { allEvents, waitForBacklog } from '../testing/events.js';
import { runAuditCli } from '../testing/audit.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

async function setup(env: Record<string, string> = {}): Promise<{ redis: TestRedis; engine: TestEngine; batchId: number; cid: string }> {
  const redis = await startRedis({ aof: true });
  cleanup.push(() => redis.stop());
  const engine = await startEngine({ redisUrl: redis.url, env });
  cleanup.push(() => engine.stop());
  const sku = uniqueSku();
  const cid = `chaos-${sku}`;
  const client = new TestClient(engine);
  const { batchId } = await client.createBatch({ sku, size: 1_000_000 });
  await client.createLiveCampaign(cid, sku, [
    { id: 'g', name: 'G', kind: 'gift', probability: 0.2, stock: 300 },
    { id: 'r', name: 'R', kind: 'cash', probability: 0.3, amount: { min: 1, max: 50 }, budget: 5000 },
  ]);
  return { redis, engine, batchId, cid };
}

interface Load {
  answered: string[];
  statuses: Map<number, number>;
  stop(): Promise<void>;
}

function load(engine: TestEngine, batchId: number, concurrency: number, startSerial = 0): Load {
  const answered: string[] = [];
  const statuses = new Map<number, number>();
  let next = startSerial;
  let running = true;
  const worker = async (): Promise<void> => {
    while (running) {
      const serial = next++;
      try {
        const r = await engine.scan({ code: engine.codec.encode(batchId, serial % 7 === 6 ? serial - 3 : serial), user: `u${serial % 500}` });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 200) answered.push(r.body.eventId);
        else expect(r.body.error.code).toBe('unavailable');
      } catch {
        statuses.set(0, (statuses.get(0) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    answered,
    statuses,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

/** Every answered event is stored exactly once; returns how many scan events are stored in all. */
async function expectEveryAnsweredEventOnce(engine: TestEngine, answered: string[]): Promise<number> {
  await waitForBacklog(engine);
  const ids = new Map<string, number>();
  for (const e of await allEvents(engine)) ids.set(e.id, (ids.get(e.id) ?? 0) + 1);
  const missing = answered.filter((id) => ids.get(id) !== 1);
  expect(missing).toEqual([]);
  return ids.size;
}

describe('Redis killed and restarted under load', () => {
  it('answers 503 fast while Redis is down, resumes by itself (scripts reloaded), audit clean', async () => {
    const { redis, engine, batchId, cid } = await setup();
    const l = load(engine, batchId, 20);
    await new Promise((r) => setTimeout(r, 1000));
    await redis.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));

    // down: a scan is refused at once, not queued
    const t0 = Date.now();
    const down = await engine.scan({ code: engine.codec.encode(batchId, 999_999), user: 'probe' });
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('unavailable');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect((await engine.api('GET', '/healthz')).body).toMatchObject({ ok: false, redis: 'down' });
    await new Promise((r) => setTimeout(r, 1500));

    await redis.restart();
    const until = Date.now() + 20_000;
    while ((await engine.scan({ code: engine.codec.encode(batchId, 999_998), user: 'probe' })).status !== 200) {
      expect(Date.now()).toBeLessThan(until);
      await new Promise((r) => setTimeout(r, 200));
    }
    const answeredBefore = l.answered.length;
    await new Promise((r) => setTimeout(r, 1000));
    await l.stop();
    expect(l.answered.length).toBeGreaterThan(answeredBefore); // service resumed under load
    expect(l.statuses.get(503) ?? 0).toBeGreaterThan(0);
    // the restarted Redis had no scripts: EVALSHA met NOSCRIPT, the engine fell back to EVAL, which
    // cached the script again
    expect(await redis.client.info('errorstats')).toMatch(/errorstat_NOSCRIPT:count=[1-9]/);

    const persisted = await expectEveryAnsweredEventOnce(engine, l.answered);
    const audit = runAuditCli(engine, cid);
    expect(audit.status, audit.out).toBe(0);
    const sent = [...l.statuses.values()].reduce((a, b) => a + b, 0);
    console.log(`redis kill -9 + restart: sent ${sent}, answered 200 ${l.answered.length}, 503 ${l.statuses.get(503) ?? 0}, no answer ${l.statuses.get(0) ?? 0}, persisted ${persisted}, audit clean`);
  });
});

describe('overload', () => {
  it('past the in-flight bound, scans get a fast 503; the rest are right; it recovers', async () => {
    const { engine, batchId, cid } = await setup({ SCANLOT_MAX_INFLIGHT: '8' });
    const rs = await Promise.all(Array.from({ length: 800 }, (_, i) => engine.scan({ code: engine.codec.encode(batchId, i), user: `o${i}` })));
    const refused = rs.filter((r) => r.status === 503);
    const served = rs.filter((r) => r.status === 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length + served.length).toBe(800);
    for (const r of refused) expect(r.body.error).toEqual({ code: 'unavailable', message: expect.stringContaining('overloaded') });
    for (const r of served) expect(['won', 'lost']).toContain(r.body.outcome);
    // a refused code was not consumed: it scans fresh now that the load is gone
    const again = await engine.scan({ code: engine.codec.encode(batchId, rs.indexOf(refused[0]!)), user: 'later' });
    expect(again.body.scan.count).toBe(1);
    await expectEveryAnsweredEventOnce(engine, served.map((r) => r.body.eventId));
    expect(runAuditCli(engine, cid).status).toBe(0);
  });
});

describe('SIGTERM under load', () => {
  it('drains in-flight scans and the persist queue before exiting', async () => {
    const { engine, batchId } = await setup();
    const l = load(engine, batchId, 30);
    await new Promise((r) => setTimeout(r, 800));
    const code = await engine.kill('SIGTERM');
    await l.stop();
    expect(code).toBe(0);
    expect(l.answered.length).toBeGreaterThan(100);
    // read the event store directly: the engine is gone
    const db = new Database(join(engine.dataDir, 'scanlot.db'), { readonly: true });
    const has = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM events WHERE id = ?');
    const missing = l.answered.filter((id) => has.get(id)?.n !== 1);
    db.close();
    expect(missing).toEqual([]);
    console.log(`SIGTERM under load: answered ${l.answered.length}, all in SQLite at exit, exit code ${code}`);
    await engine.restart();
  });
});
