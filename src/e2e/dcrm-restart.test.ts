// The DCRM down while 10,000 scans happen and the engine is restarted twice: the outbox grows on disk
// (not in Redis), scans are answered throughout, and once the receiver is back every event arrives.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { health, scanRange, waitFor } from '../testing/dcrm-receiver.js';

const fx = useEngine({ dcrm: { listen: false } });

describe('DCRM down across restarts', () => {
  it('10,000 scans, two SIGTERM restarts, receiver back: all 10,000 delivered, none lost', async () => {
    const total = 10_000;
    const { batchId } = await fx.client.createBatch({ size: total });
    const ids: string[] = [];
    const cuts = [0, 3334, 6667, total];
    for (let phase = 0; phase < 3; phase++) {
      ids.push(...(await scanRange(fx.engine, batchId, cuts[phase] as number, cuts[phase + 1] as number, (s) => `u${s % 50}`, 48)));
      if (phase < 2) {
        expect(await fx.engine.kill('SIGTERM')).toBe(0);
        await fx.engine.restart();
      }
    }
    expect(new Set(ids).size).toBe(total);

    // everything is in SQLite, waiting; nothing is left in Redis
    await waitFor('outbox holds every event', async () => (await health(fx.engine)).outbox === total);
    const h = await health(fx.engine);
    expect(h.backlog).toBe(0);
    expect(h.oldestUndeliveredAgeS).toBeGreaterThan(0);
    expect(await fx.redis.client.xlen('{s0}:events')).toBe(0);
    expect(fx.receiver.batches).toHaveLength(0);

    await fx.receiver.listen();
    await waitFor('every event at the receiver', () => fx.receiver.acceptedIds().length >= total, 45_000);
    expect(new Set(fx.receiver.acceptedIds())).toEqual(new Set(ids));
    for (const x of fx.receiver.batches) expect(x.verified).toBe(true);
    await waitFor('outbox empty', async () => (await health(fx.engine)).outbox === 0);
    expect(fx.engine.output()).not.toMatch(/"level":(50|60)/);
  });
});
