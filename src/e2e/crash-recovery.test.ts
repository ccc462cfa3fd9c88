// Guarantee 3: every eventId the engine answered is in SQLite once, after a kill -9 and a restart.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { startEngine } from '../testing/engine-process.js';
import { uniqueSku } from '../testing/fixtures.js';
import { allEvents, waitForBacklog } from '../testing/events.js';
import { runAuditCli } from '../testing/audit.js';
import { waitFor } from '../testing/dcrm-receiver.js';

const fx = useEngine({ aof: true, dcrm: { listen: true } });

const delivered = (): Set<string> => new Set(fx.receiver.acceptedIds());

describe('kill -9 of the engine under load', () => {
  it('loses no answered event and stores none twice', async () => {
    const sku = uniqueSku();
    const b = await fx.client.createBatch({ sku, size: 100_000 });
    await fx.client.createLiveCampaign(`crash-${sku}`, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 0.3, stock: 500 }]);

    const answered: string[] = [];
    let sent = 0;
    let next = 0;
    let failures = 0;
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop) {
        const serial = next++;
        sent++;
        try {
          // repeats too: every tenth scan re-scans an earlier code
          const s = serial % 10 === 9 ? serial - 5 : serial;
          const r = await fx.engine.scan({ code: fx.engine.codec.encode(b.batchId, s), user: `u${serial % 300}` });
          if (r.status === 200) answered.push(r.body.eventId);
          else failures++;
        } catch {
          failures++; // connection reset by the kill: no answer, so no promise made
        }
      }
    };
    const workers = Array.from({ length: 40 }, worker);
    // killed under load once it has answered a fair number (a fixed delay answered too few on a busy machine)
    await waitFor('200 answered scans', () => answered.length > 200, 60_000);
    expect(await fx.engine.kill('SIGKILL')).toBeNull();
    stop = true;
    await Promise.all(workers);
    expect(answered.length).toBeGreaterThan(200);

    await fx.engine.restart();
    await waitForBacklog(fx.engine);
    const events = await allEvents(fx.engine);
    const ids = new Map<string, number>();
    for (const e of events) ids.set(e.id, (ids.get(e.id) ?? 0) + 1);
    for (const id of answered) expect(ids.get(id), id).toBe(1);
    expect([...ids.values()].every((n) => n === 1)).toBe(true);

    // and every code has exactly one first scan among the events
    const firsts = new Map<number, number>();
    for (const e of events) if (e.outcome !== 'repeat') firsts.set(e.serial, (firsts.get(e.serial) ?? 0) + 1);
    expect([...firsts.values()].every((n) => n === 1)).toBe(true);
    // stock: wins never above 500, and equal to what the campaign counted
    const won = events.filter((e) => e.outcome === 'won').length;
    const c = await fx.engine.api('GET', `/v1/campaigns/crash-${sku}`);
    expect(c.body.prizes[0].stockLeft).toBe(500 - won);
    const audit = runAuditCli(fx.engine, `crash-${sku}`);
    expect(audit.status, audit.out).toBe(0);

    // and the DCRM got every answered event, across the kill
    await waitFor('every answered event at the DCRM', () => answered.every((id) => delivered().has(id)), 60_000);
    const persisted = events.filter((e) => e.campaignId === `crash-${sku}`).length;
    console.log(`engine kill -9: sent ${sent}, answered ${answered.length}, persisted ${persisted}, delivered ${answered.filter((id) => delivered().has(id)).length} of the answered, audit clean`);
  });

  it('another engine takes over the events a killed engine had read but not stored (XAUTOCLAIM)', async () => {
    const sku = uniqueSku();
    const b = await fx.client.createBatch({ sku, size: 10_000 });
    await fx.client.createLiveCampaign(`claim-${sku}`, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 0.5, stock: 100 }]);
    // SQLite locked by another writer: the killed fx.engine's persist worker cannot commit, so what it
    // read stays pending in the consumer group under its name
    const { default: Database } = await import('better-sqlite3');
    const lock = new Database(`${fx.engine.dataDir}/scanlot.db`);
    lock.exec('BEGIN IMMEDIATE');
    const answered: string[] = [];
    await Promise.all(Array.from({ length: 300 }, async (_, i) => {
      const r = await fx.engine.scan({ code: fx.engine.codec.encode(b.batchId, i), user: `c${i % 50}` });
      if (r.status === 200) answered.push(r.body.eventId);
    }));
    await new Promise((r) => setTimeout(r, 500));
    const pending = (await fx.redis.client.xpending('{s0}:events', 'persist')) as [number, ...unknown[]];
    expect(Number(pending[0])).toBeGreaterThan(0);
    await fx.engine.kill('SIGKILL');
    lock.exec('ROLLBACK');
    lock.close();

    // a different fx.engine (another consumer name) on the same Redis and event store
    const other = await startEngine({ redisUrl: fx.redis.url, env: { SQLITE_PATH: `${fx.engine.dataDir}/scanlot.db`, SCANLOT_CONSUMER: 'rescuer' } });
    try {
      await waitForBacklog(other);
      const ids = new Set((await allEvents(other)).map((e) => e.id));
      expect(answered.filter((id) => !ids.has(id))).toEqual([]);
      const audit = runAuditCli(other, `claim-${sku}`);
      expect(audit.status, audit.out).toBe(0);
    } finally {
      await other.stop();
      await fx.engine.restart();
    }
  });
});
