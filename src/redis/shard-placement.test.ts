// The deployment's shards: parts of a total that always sum to it, and the shard record an engine with
// another SCANLOT_SHARDS refuses to start against.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { keys, shareOf } from './keys.js';
import { placeShards } from './shard-placement.js';
import { StartupRefused } from '../startup-refused.js';

describe('shareOf', () => {
  it('splits any safe integer into parts that differ by at most one and sum to it', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 1, max: 64 }), (total, count) => {
        const parts = Array.from({ length: count }, (_, i) => shareOf(total, i, count));
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
      }),
    );
    expect([0, 1, 2].map((i) => shareOf(7, i, 3))).toEqual([2, 2, 3]);
  });
});

describe('placeShards on a single Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => redis?.stop());

  it('records the first start\'s count; the same or no SCANLOT_SHARDS reads it back, another one is refused', async () => {
    expect(await placeShards(redis.client, 3)).toEqual(['{s0}', '{s1}', '{s2}']);
    expect(await redis.client.get(keys.shards)).toBe('["{s0}","{s1}","{s2}"]');
    expect(await placeShards(redis.client, null)).toEqual(['{s0}', '{s1}', '{s2}']);
    expect(await placeShards(redis.client, 3)).toEqual(['{s0}', '{s1}', '{s2}']);
    await expect(placeShards(redis.client, 2)).rejects.toThrow(StartupRefused);
    await expect(placeShards(redis.client, 2)).rejects.toThrow(/SCANLOT_SHARDS=2 but this Redis's codes are spread over 3 shards/);
  });

  it('one shard by default on a single Redis', async () => {
    await redis.client.del(keys.shards);
    expect(await placeShards(redis.client, null)).toEqual(['{s0}']);
  });
});
