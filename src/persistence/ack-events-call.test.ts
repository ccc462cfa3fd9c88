// The persist step counts each event exactly once: ops apply with the acknowledgement, and entries that
// another consumer took over (after this one stalled) are left to that consumer, counted by it alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { ackEvents, packOps } from './ack-events-call.js';

describe('ackEvents', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => redis?.stop());

  const stream = '{s0}:events:acktest';
  const counter = { kind: 'hincrby', key: '{s0}:acktest:figures', field: 'n', by: 1 } as const;

  async function fill(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await redis.client.xadd(stream, '*', 'j', `{"i":${i}}`)) as string);
    return ids;
  }

  async function read(consumer: string, count: number): Promise<string[]> {
    const r = (await redis.client.xreadgroup('GROUP', 'g', consumer, 'COUNT', count, 'STREAMS', stream, '>')) as [string, [string, string[]][]][];
    return r[0]![1].map(([id]) => id);
  }

  it('applies the ops of entries it owns once, and none for entries another consumer took over', async () => {
    await redis.client.xgroup('CREATE', stream, 'g', '0', 'MKSTREAM');
    await fill(10);
    const mine = await read('a', 10);
    // b takes over the last four, as XAUTOCLAIM does after a's stall
    await redis.client.xclaim(stream, 'g', 'b', 0, ...mine.slice(6));
    const first = await ackEvents(redis.client, stream, 'g', 'a', mine, mine.map(() => counter));
    expect(first).toEqual({ done: false, stillOurs: mine.slice(0, 6) });
    expect(await redis.client.hget(counter.key, 'n')).toBeNull(); // nothing written
    expect(await redis.client.xlen(stream)).toBe(10);

    expect(await ackEvents(redis.client, stream, 'g', 'a', mine.slice(0, 6), mine.slice(0, 6).map(() => counter))).toEqual({ done: true, acked: 6 });
    expect(await ackEvents(redis.client, stream, 'g', 'b', mine.slice(6), mine.slice(6).map(() => counter))).toEqual({ done: true, acked: 4 });
    expect(await redis.client.hget(counter.key, 'n')).toBe('10');
    // a second acknowledgement of the same entries (a retry after a lost reply) counts nothing
    expect((await ackEvents(redis.client, stream, 'g', 'a', mine.slice(0, 6), mine.slice(0, 6).map(() => counter))).done).toBe(false);
    expect(await redis.client.hget(counter.key, 'n')).toBe('10');
    expect(await redis.client.xlen(stream)).toBe(0);
    expect(Number((await redis.client.xpending(stream, 'g'))[0])).toBe(0);
  });

  it('sums increments of one field before they travel, and keeps the other ops', () => {
    const packed = packOps([
      counter,
      counter,
      { kind: 'hincrby', key: 'k', field: 'f', by: 0 },
      { kind: 'zadd', key: 'z', score: 5, member: 'm' },
    ]);
    // array of 2: ['h', key, 'n', '2'] and ['z', 'z', '5', 'm']
    expect(packed[0]).toBe(0xdc);
    expect(packed.readUInt16BE(1)).toBe(2);
    expect(packed.includes(Buffer.from('\xa12', 'latin1'))).toBe(true);
  });
});
