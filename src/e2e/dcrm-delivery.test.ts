// DCRM delivery through failures: a receiver that answers 500 three times, then hangs past the timeout,
// then accepts. Every event arrives, in the order the scans happened, every request is signed, and the
// only duplicates are whole copies of the same event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { startEngine, type TestEngine } from '../testing/engine-process.js';
import { uniqueSku } from '../testing/fixtures.js';
import { dcrmEnv, dcrmReceiver, health, persistedIds, scanRange, waitFor, type DcrmReceiver } from '../testing/dcrm-receiver.js';

let redis: TestRedis;
let engine: TestEngine;
let receiver: DcrmReceiver;

beforeAll(async () => {
  redis = await startRedis();
  receiver = await dcrmReceiver();
  await receiver.listen();
  engine = await startEngine({ redisUrl: redis.url, env: dcrmEnv(receiver, { SCANLOT_DCRM_TIMEOUT_MS: '400' }) });
});
afterAll(async () => {
  await engine?.stop();
  await receiver?.close();
  await redis?.stop();
});

describe('DCRM delivery', () => {
  it('500 ×3, one hang past the timeout, then 2xx: every event delivered in order, signed, duplicates only as copies', async () => {
    receiver.handler = (b) => (b.n <= 3 ? 500 : b.n === 4 ? 'hang' : 200);
    const b = await engine.api('POST', '/v1/batches', { sku: uniqueSku(), size: 1500 });
    expect(b.status).toBe(201);
    const ids = await scanRange(engine, b.body.batchId, 0, 1500, (s) => `user${s % 7}`);

    await waitFor('every event at the receiver', () => receiver.acceptedIds().length >= ids.length);
    const got = receiver.acceptedIds();
    expect(new Set(got)).toEqual(new Set(ids));
    expect(got).toHaveLength(ids.length);

    // the failures happened as scripted and were retried
    expect(receiver.batches.slice(0, 4).map((x) => x.answered)).toEqual([500, 500, 500, 'hang']);
    // the batches of failed attempts came back whole
    for (const failed of receiver.batches.slice(0, 4)) {
      const copies = receiver.acceptedCopies();
      for (const id of failed.ids) expect(copies.get(id)?.length ?? 0).toBeGreaterThanOrEqual(1);
    }
    // signed with the secret, on the configured path, ≤ 500 events each
    for (const x of receiver.batches) {
      expect(x.verified).toBe(true);
      expect(x.path).toBe('/dcrm/events');
      expect(x.ids.length).toBeGreaterThan(0);
      expect(x.ids.length).toBeLessThanOrEqual(500);
    }
    // keep-alive: one connection per failure that kills it (the hang), not one per request
    expect(receiver.connections()).toBeLessThanOrEqual(4);
    expect(receiver.batches.length).toBeGreaterThan(receiver.connections() + 2);
    // duplicates only by id: every copy of an event is the same event
    for (const [, copies] of receiver.acceptedCopies()) expect(new Set(copies).size).toBe(1);
    const sample = JSON.parse(receiver.acceptedCopies().get(ids[0] as string)?.[0] as string);
    expect(sample).toMatchObject({ id: ids[0], type: 'scan', batchId: b.body.batchId, serial: 0, user: 'user0', outcome: 'verified' });

    // delivered in the order the events happened (SQLite seq order), hence in order per user
    expect(got).toEqual(await persistedIds(engine));

    await waitFor('outbox empty', async () => (await health(engine)).outbox === 0);
    const h = await health(engine);
    expect(h).toMatchObject({ ok: true, backlog: 0, outbox: 0, oldestUndeliveredAgeS: 0 });

    const metrics = (await engine.api('GET', '/metrics')).body as string;
    const count = (re: RegExp): number => Number(re.exec(metrics)?.[1] ?? NaN);
    expect(count(/scanlot_dcrm_deliveries_total\{result="retry"\} (\d+)/)).toBeGreaterThanOrEqual(4);
    expect(count(/scanlot_dcrm_deliveries_total\{result="ok"\} (\d+)/)).toBeGreaterThanOrEqual(3);
    expect(count(/scanlot_dcrm_deliveries_total\{result="dead"\} (\d+)/)).toBe(0);
    expect(count(/scanlot_dcrm_events_delivered_total (\d+)/)).toBeGreaterThanOrEqual(1500);
    expect(count(/scanlot_dcrm_outbox_backlog (\d+)/)).toBe(0);
    expect(metrics).toMatch(/scanlot_dcrm_delivery_lag_seconds 0/);

    // one log line when the failures started, one when they ended — not one per attempt
    expect(engine.output().match(/DCRM delivery failing/g)).toHaveLength(1);
  });
});
