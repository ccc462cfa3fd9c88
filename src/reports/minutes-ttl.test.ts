// The overview's minute figures expire: the report source's expire op reaches Redis through the
// persist step's acknowledgement (ackEvents), once per key and batch, after the increments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { ackEvents } from '../persistence/ack-events-call.js';
import { MINUTES_TTL_S, scanReportSource } from './scan-report-source.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => redis?.stop());

describe('minute figures', () => {
  it('are written with a TTL by the acknowledgement of their events', async () => {
    const stream = '{s0}:events';
    await redis.client.xgroup('CREATE', stream, 'g', '0', 'MKSTREAM');
    const events = [0, 1, 2].map((i) => ({ id: `e${i}`, type: 'scan', at: '2027-03-01T10:00:0' + i + '.000Z', outcome: 'verified', campaignId: null }));
    for (const e of events) await redis.client.xadd(stream, '*', 'j', JSON.stringify(e));
    const read = (await redis.client.xreadgroup('GROUP', 'g', 'a', 'COUNT', 10, 'STREAMS', stream, '>')) as [string, [string, string[]][]][];
    const ids = read[0]![1].map(([id]) => id);
    const ops = events.flatMap((e) => scanReportSource(e, '{s0}', { campaignDay: () => null }));
    expect(ops.filter((o) => o.kind === 'expire')).toHaveLength(3);
    expect(await ackEvents(redis.client, stream, 'g', 'a', ids, ops)).toEqual({ done: true, acked: 3 });
    const key = '{s0}:agg:minutes:20270301';
    expect(await redis.client.hgetall(key)).toEqual({ '600|s': '3', '600|f': '3' });
    const ttl = await redis.client.ttl(key);
    expect(ttl).toBeGreaterThan(MINUTES_TTL_S - 10);
    expect(ttl).toBeLessThanOrEqual(MINUTES_TTL_S);
    // one EXPIRE for the key, however many events of the batch touch it
    expect(/cmdstat_expire:calls=(\d+)/.exec(await redis.client.info('commandstats'))?.[1]).toBe('1');
  });
});
