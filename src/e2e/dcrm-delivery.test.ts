// DCRM delivery through failures: a receiver that answers 500 three times, then hangs past the timeout,
// then accepts. Every event arrives, in the order the scans happened, every request is signed, and the
// only duplicates are whole copies of the same event.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { health, persistedIds, scanRange, waitFor } from '../testing/dcrm-receiver.js';

const fx = useEngine({ dcrm: { listen: true, env: { SCANLOT_DCRM_TIMEOUT_MS: '400' } } });

describe('DCRM delivery', () => {
  it('500 ×3, one hang past the timeout, then 2xx: every event delivered in order, signed, duplicates only as copies', async () => {
    fx.receiver.handler = (b) => (b.n <= 3 ? 500 : b.n === 4 ? 'hang' : 200);
    const { batchId } = await fx.client.createBatch({ size: 1500 });
    const ids = await scanRange(fx.engine, batchId, 0, 1500, (s) => `user${s % 7}`);

    await waitFor('every event at the receiver', () => fx.receiver.acceptedIds().length >= ids.length);
    const got = fx.receiver.acceptedIds();
    expect(new Set(got)).toEqual(new Set(ids));
    expect(got).toHaveLength(ids.length);

    // the failures happened as scripted and were retried
    expect(fx.receiver.batches.slice(0, 4).map((x) => x.answered)).toEqual([500, 500, 500, 'hang']);
    // the batches of failed attempts came back whole
    for (const failed of fx.receiver.batches.slice(0, 4)) {
      const copies = fx.receiver.acceptedCopies();
      for (const id of failed.ids) expect(copies.get(id)?.length ?? 0).toBeGreaterThanOrEqual(1);
    }
    // signed with the secret, on the configured path, ≤ 500 events each
    for (const x of fx.receiver.batches) {
      expect(x.verified).toBe(true);
      expect(x.path).toBe('/dcrm/events');
      expect(x.ids.length).toBeGreaterThan(0);
      expect(x.ids.length).toBeLessThanOrEqual(500);
    }
    // keep-alive: one connection per failure that kills it (the hang), not one per request
    expect(fx.receiver.connections()).toBeLessThanOrEqual(4);
    expect(fx.receiver.batches.length).toBeGreaterThan(fx.receiver.connections() + 2);
    // duplicates only by id: every copy of an event is the same event
    for (const [, copies] of fx.receiver.acceptedCopies()) expect(new Set(copies).size).toBe(1);
    const sample = JSON.parse(fx.receiver.acceptedCopies().get(ids[0] as string)?.[0] as string);
    expect(sample).toMatchObject({ id: ids[0], type: 'scan', batchId, serial: 0, user: 'user0', outcome: 'verified' });

    // delivered in the order the events happened (SQLite seq order), hence in order per user
    expect(got).toEqual(await persistedIds(fx.engine));

    await waitFor('outbox empty', async () => (await health(fx.engine)).outbox === 0);
    const h = await health(fx.engine);
    expect(h).toMatchObject({ ok: true, backlog: 0, outbox: 0, oldestUndeliveredAgeS: 0 });

    const metrics = (await fx.engine.api('GET', '/metrics')).body as string;
    const count = (re: RegExp): number => Number(re.exec(metrics)?.[1] ?? NaN);
    expect(count(/scanlot_dcrm_deliveries_total\{result="retry"\} (\d+)/)).toBeGreaterThanOrEqual(4);
    expect(count(/scanlot_dcrm_deliveries_total\{result="ok"\} (\d+)/)).toBeGreaterThanOrEqual(3);
    expect(count(/scanlot_dcrm_deliveries_total\{result="dead"\} (\d+)/)).toBe(0);
    expect(count(/scanlot_dcrm_events_delivered_total (\d+)/)).toBeGreaterThanOrEqual(1500);
    expect(count(/scanlot_dcrm_outbox_backlog (\d+)/)).toBe(0);
    expect(metrics).toMatch(/scanlot_dcrm_delivery_lag_seconds 0/);

    // one log line when the failures started, one when they ended — not one per attempt
    expect(fx.engine.output().match(/DCRM delivery failing/g)).toHaveLength(1);
  });
});
