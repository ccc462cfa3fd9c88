// The DCRM down while 10,000 scans happen and the engine is restarted twice: the outbox grows on disk
// (not in Redis), scans are answered throughout, and once the receiver is back every event arrives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { startEngine, type TestEngine } from '../testing/engine-process.js';
import { uniqueSku } from '../testing/fixtures.js';
import { dcrmEnv, dcrmReceiver, health, scanRange, waitFor, type DcrmReceiver } from '../testing/dcrm-receiver.js';

let redis: TestRedis;
let engine: TestEngine;
let receiver: DcrmReceiver;

beforeAll(async () => {
  redis = await startRedis();
  // the receiver's port is reserved, but nothing listens on it yet: connection refused
  receiver = await dcrmReceiver();
  engine = await startEngine({ redisUrl: redis.url, env: dcrmEnv(receiver) });
});
afterAll(async () => {
  await engine?.stop();
  await receiver?.close();
  await redis?.stop();
});

describe('DCRM down across restarts', () => {
  it('10,000 scans, two SIGTERM restarts, receiver back: all 10,000 delivered, none lost', async () => {
    const total = 10_000;
    const b = await engine.api('POST', '/v1/batches', { sku: uniqueSku(), size: total });
    expect(b.status).toBe(201);
    const batchId = b.body.batchId as number;
    const ids: string[] = [];
    const cuts = [0, 3334, 6667, total];
    for (let phase = 0; phase < 3; phase++) {
      ids.push(...(await scanRange(engine, batchId, cuts[phase] as number, cuts[phase + 1] as number, (s) => `u${s % 50}`, 48)));
      if (phase < 2) {
        expect(await engine.kill('SIGTERM')).toBe(0);
        await engine.restart();
      }
    }
    expect(new Set(ids).size).toBe(total);

    // everything is in SQLite, waiting; nothing is left in Redis
    await waitFor('outbox holds every event', async () => (await health(engine)).outbox === total);
    const h = await health(engine);
    expect(h.backlog).toBe(0);
    expect(h.oldestUndeliveredAgeS).toBeGreaterThan(0);
    expect(await redis.client.xlen('{s0}:events')).toBe(0);
    expect(receiver.batches).toHaveLength(0);

    await receiver.listen();
    await waitFor('every event at the receiver', () => receiver.acceptedIds().length >= total, 45_000);
    expect(new Set(receiver.acceptedIds())).toEqual(new Set(ids));
    for (const x of receiver.batches) expect(x.verified).toBe(true);
    await waitFor('outbox empty', async () => (await health(engine)).outbox === 0);
    expect(engine.output()).not.toMatch(/"level":(50|60)/);
  });
});
