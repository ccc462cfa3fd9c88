// Faults of issue 13, items 1-4: an engine's skewed clock changes nothing (the shared clock decides);
// a 503 means nothing happened (Redis paused past the timeout); out of memory is a 503 that heals by
// itself; a failed persist batch is stored again first, so the store keeps the stream's order.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { startEngine, type TestEngine } from '../testing/engine-process.js';
import { TestClient } from '../testing/test-client.js';
import { liveCampaign, uniqueSku } from '../testing/fixtures.js';
import { allEvents, waitForBacklog } from '../testing/events.js';
import { runAuditCli } from '../testing/audit.js';
import { waitFor } from '../testing/dcrm-receiver.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

async function redisAndEngine(env: Record<string, string> = {}): Promise<{ redis: TestRedis; engine: TestEngine }> {
  const redis = await startRedis();
  cleanup.push(() => redis.stop());
  const engine = await startEngine({ redisUrl: redis.url, env });
  cleanup.push(() => engine.stop());
  return { redis, engine };
}

const batchOf = async (engine: TestEngine, sku: string, size = 100_000): Promise<number> => (await new TestClient(engine).createBatch({ sku, size })).batchId;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('time is the shared clock', () => {
  it('an engine 30 s behind wins nothing after endsAt and draws from startsAt on, like its neighbour', async () => {
    const { redis, engine: fair } = await redisAndEngine();
    // one event store for both, so one audit sees every event
    const slow = await startEngine({ redisUrl: redis.url, env: { SCANLOT_CLOCK_OFFSET_MS: '-30000', SQLITE_PATH: join(fair.dataDir, 'scanlot.db') } });
    cleanup.push(() => slow.stop());
    const ending = uniqueSku();
    const starting = uniqueSku();
    const endingBatch = await batchOf(fair, ending);
    const startingBatch = await batchOf(fair, starting);
    // Redis runs on this machine: its clock is Date.now()
    const edge = Date.now() + 3000;
    const prize = [{ id: 'g', name: 'G', kind: 'gift', probability: 1 }];
    await new TestClient(fair).createCampaign({ ...liveCampaign(`end-${ending}`, ending, prize), endsAt: new Date(edge).toISOString() });
    await new TestClient(fair).createCampaign({ ...liveCampaign(`start-${starting}`, starting, prize), startsAt: new Date(edge).toISOString() });

    let serial = 0;
    const answers: { engine: 'fair' | 'slow'; sku: string; body: any }[] = [];
    while (Date.now() < edge + 2500) {
      const s = serial++;
      const rs = await Promise.all([
        fair.scan({ code: fair.codec.encode(endingBatch, s * 2), user: 'fair' }).then((r) => ({ engine: 'fair' as const, sku: ending, r })),
        slow.scan({ code: fair.codec.encode(endingBatch, s * 2 + 1), user: 'slow' }).then((r) => ({ engine: 'slow' as const, sku: ending, r })),
        fair.scan({ code: fair.codec.encode(startingBatch, s * 2), user: 'fair' }).then((r) => ({ engine: 'fair' as const, sku: starting, r })),
        slow.scan({ code: fair.codec.encode(startingBatch, s * 2 + 1), user: 'slow' }).then((r) => ({ engine: 'slow' as const, sku: starting, r })),
      ]);
      for (const { engine, sku, r } of rs) {
        expect(r.status).toBe(200);
        answers.push({ engine, sku, body: r.body });
      }
      await sleep(15);
    }
    await waitForBacklog(fair);
    await waitForBacklog(slow);
    const events = new Map<string, any>();
    for (const e of [...(await allEvents(fair)), ...(await allEvents(slow))]) events.set(e.id, e);
    let slowAfterEnd = 0;
    let slowDrawnAfterStart = 0;
    for (const a of answers) {
      const e = events.get(a.body.eventId);
      expect(e, `event ${a.body.eventId}`).toBeDefined();
      const at = Date.parse(e.at);
      const drawn = a.body.outcome === 'won';
      if (a.sku === ending) {
        expect(drawn, `${a.engine} scan at ${e.at}, campaign ended ${new Date(edge).toISOString()}`).toBe(at < edge);
        if (a.engine === 'slow' && at >= edge) slowAfterEnd++;
      } else {
        expect(drawn, `${a.engine} scan at ${e.at}, campaign started ${new Date(edge).toISOString()}`).toBe(at >= edge);
        if (a.engine === 'slow' && drawn) slowDrawnAfterStart++;
      }
      expect(a.body.outcome === 'won' ? a.body.campaignId : null).toBe(drawn ? (a.sku === ending ? `end-${ending}` : `start-${starting}`) : null);
    }
    // the slow engine did scan on both sides of the edge: the checks above were not vacuous
    expect(slowAfterEnd).toBeGreaterThan(10);
    expect(slowDrawnAfterStart).toBeGreaterThan(10);
    // the slow engine's records carry the shared clock too (its own is 30 s behind)
    const slowAts = answers.filter((a) => a.engine === 'slow').map((a) => Date.parse(events.get(a.body.eventId).at));
    expect(Math.min(...slowAts)).toBeGreaterThan(edge - 30_000 + 5_000);
    for (const [engine, cid] of [[fair, `end-${ending}`], [slow, `start-${starting}`]] as const) {
      const audit = runAuditCli(engine, cid);
      expect(audit.status, audit.out).toBe(0);
      expect(audit.out).toMatch(/window/);
    }
  });
});

describe('a 503 means nothing happened', () => {
  it('Redis paused past the timeout: every code answered 503 is unconsumed and has no event', async () => {
    const { redis, engine } = await redisAndEngine();
    const sku = uniqueSku();
    const batchId = await batchOf(engine, sku);
    await new TestClient(engine).createCampaign(liveCampaign(`p-${sku}`, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 0.5 }]));
    const answers: { serial: number; status: number; eventId?: string }[] = [];
    let next = 0;
    let running = true;
    const worker = async (): Promise<void> => {
      while (running) {
        const serial = next++;
        const r = await engine.scan({ code: engine.codec.encode(batchId, serial), user: `u${serial % 7}` });
        answers.push({ serial, status: r.status, eventId: r.body?.eventId });
        if (r.status !== 200) await sleep(20);
      }
    };
    const workers = Array.from({ length: 20 }, worker);
    await sleep(500);
    const pauser = redis.client.duplicate();
    await pauser.call('CLIENT', 'PAUSE', '4500', 'ALL');
    await sleep(6000);
    running = false;
    await Promise.all(workers);
    pauser.disconnect();
    const refused = answers.filter((a) => a.status === 503);
    const ok = answers.filter((a) => a.status === 200);
    // scans sent in the first 2 s of the pause reached Redis after their deadline
    expect(refused.length).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
    await waitForBacklog(engine);
    // the scans' events (the campaign's creation is an event too)
    const events = (await allEvents(engine)).filter((e) => e.type === 'scan');
    const eventOfSerial = new Map(events.map((e) => [e.serial as number, e]));
    for (const a of refused) {
      expect(await redis.client.getbit(`{s0}:seen:${batchId}`, a.serial), `serial ${a.serial} answered 503`).toBe(0);
      expect(eventOfSerial.get(a.serial), `event for serial ${a.serial} answered 503`).toBeUndefined();
    }
    for (const a of ok) expect(eventOfSerial.get(a.serial)?.id).toBe(a.eventId);
    expect(events).toHaveLength(ok.length);
  });
});

describe('Redis out of memory', () => {
  it('is a 503, logged once, /healthz says why; when the stream drains, scans resume by themselves', async () => {
    // repeats of one code fill the stream: the in-process repeat-flood limit is lifted
    const { redis, engine } = await redisAndEngine({ SCANLOT_REPEATS_PER_MINUTE: '1000000' });
    const sku = uniqueSku();
    const batchId = await batchOf(engine, sku, 100);
    const code = engine.codec.encode(batchId, 1);
    expect((await engine.scan({ code, user: 'first' })).status).toBe(200);
    await waitForBacklog(engine);
    // hold the event store so the stream grows; repeats of one code add stream entries and nothing else
    const lock = new Database(join(engine.dataDir, 'scanlot.db'));
    lock.exec('BEGIN EXCLUSIVE');
    const used = Number(/^used_memory:(\d+)/m.exec(await redis.client.info('memory'))?.[1]);
    await redis.client.config('SET', 'maxmemory', String(used + 400_000));
    let refused: { status: number; body: any } | null = null;
    for (let i = 0; i < 5000 && refused === null; i++) {
      const r = await engine.scan({ code, user: `rep${i % 50}` });
      if (r.status !== 200) refused = r;
    }
    expect(refused?.status).toBe(503);
    expect(refused?.body.error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/out of memory/) });
    // memory hovers at the bound: a scan may slip through when it dips (and push it over again); what
    // must hold is that every answer is a 200 or a 503, and that refusals go on while memory is full
    let refusedInARow = 0;
    let refusals = 1;
    for (let i = 0; i < 500 && refusedInARow < 5; i++) {
      const r = await engine.scan({ code, user: 'more' });
      expect([200, 503]).toContain(r.status);
      refusedInARow = r.status === 503 ? refusedInARow + 1 : 0;
      if (r.status === 503) refusals++;
    }
    expect(refusedInARow).toBe(5);
    await waitFor('/healthz says Redis is full', async () => {
      const h = await engine.api('GET', '/healthz');
      return h.status === 503 && h.body.redis === 'full' && /out of memory/.test(String(h.body.reasons?.[0]));
    }, 5000);
    // one line when the fault starts, not one per refused scan (memory hovering at the bound may let a
    // scan through now and then: each such recovery and relapse is a line pair)
    const oomLines = engine.output().match(/Redis is out of memory/g)?.length ?? 0;
    const recoveredLines = engine.output().match(/Redis answers scans again/g)?.length ?? 0;
    expect(oomLines).toBe(recoveredLines + 1);
    expect(oomLines).toBeLessThan(refusals);
    const metrics = await fetch(`${engine.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/scanlot_redis_refusals_total\{fault="oom"\} [1-9]/);

    // nobody raises maxmemory: the store is released, the persist step drains the stream under OOM
    lock.exec('COMMIT');
    lock.close();
    await waitFor('scans accepted again', async () => (await engine.scan({ code, user: 'later' })).status === 200, 30_000);
    expect(await redis.client.config('GET', 'maxmemory')).toEqual(['maxmemory', String(used + 400_000)]);
    await waitForBacklog(engine);
    expect(engine.output()).toMatch(/Redis answers scans again/);
  });
});

describe('a failed persist batch', () => {
  it('is stored again first: the store keeps stream order, the error and the stall are reported', async () => {
    const { engine } = await redisAndEngine({ SCANLOT_BACKLOG_LIMIT: '150' });
    const sku = uniqueSku();
    const batchId = await batchOf(engine, sku, 1000);
    const lock = new Database(join(engine.dataDir, 'scanlot.db'));
    lock.exec('BEGIN EXCLUSIVE');
    const ids: string[] = [];
    let serial = 0;
    const scanSome = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const r = await engine.scan({ code: engine.codec.encode(batchId, serial++), user: 'ordered' });
        expect(r.status).toBe(200);
        ids.push(r.body.eventId);
      }
    };
    await scanSome(50);
    // SQLite's busy timeout is 5 s: after it the batch fails with SQLITE_BUSY
    await waitFor('persistence reported stalled', async () => (await engine.api('GET', '/healthz')).body.sqlite === 'stalled', 20_000);
    const health = await engine.api('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.body.persistError).toMatch(/SQLITE_BUSY/);
    expect(engine.output()).toMatch(/SQLITE_BUSY/);
    expect(engine.output(), engine.output()).not.toMatch(/\[object Object\]/);
    await scanSome(200);
    // past the bound the engine is unhealthy: its events are safe in Redis, but memory is not endless
    const full = await engine.api('GET', '/healthz');
    expect(full.status).toBe(503);
    expect(full.body.reasons).toEqual([expect.stringMatching(/^backlog 2\d\d events past the bound 150$/)]);
    lock.exec('COMMIT');
    lock.close();
    await scanSome(50);
    await waitForBacklog(engine);
    const stored = (await allEvents(engine)).filter((e) => e.user === 'ordered').map((e) => e.id);
    expect(stored).toEqual(ids);
    expect((await engine.api('GET', '/healthz')).body.sqlite).toBe('up');
  });
});
