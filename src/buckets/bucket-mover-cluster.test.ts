// The bucket mover on a real three-primary Redis Cluster, shard tags placed one per primary: every
// script call touches one slot (no CROSSSLOT), two movers pulling at once create and lose nothing, and
// repair returns units stranded on one primary to a bucket on another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import calculateSlot from 'cluster-key-slot';
import { startCluster, type TestCluster } from '../testing/redis-cluster.js';
import { connectRedis } from '../redis/connect.js';
import type { RedisClient } from '../redis/scripts.js';
import { placeShards } from '../redis/shard-placement.js';
import { ALL_SHARDS, keys, useShards } from '../redis/keys.js';
import { BucketMover } from './bucket-mover.js';
import { bucketPlace, type BucketRef } from './bucket.js';
import { runTakeUnits } from './take-units-script.js';

let cluster: TestCluster;
let a: RedisClient;
let b: RedisClient;

beforeAll(async () => {
  cluster = await startCluster();
  const target = { url: null, cluster: cluster.ports.map((port) => ({ host: '127.0.0.1', port })) };
  a = await connectRedis(target);
  b = await connectRedis(target);
  useShards(await placeShards(a, null));
}, 60_000);

afterAll(async () => {
  useShards(['{s0}']);
  a?.disconnect();
  b?.disconnect();
  await cluster?.stop();
});

describe('BucketMover on Redis Cluster', () => {
  it('pulls between buckets on three primaries without creating units; repair returns a stranded transfer', async () => {
    const tags = [...ALL_SHARDS];
    expect(tags).toHaveLength(3);
    const slots = await a.cluster('SLOTS');
    const primaryOf = (tag: string): string => {
      const slot = calculateSlot(tag);
      const range = slots.find(([from, to]) => slot >= from && slot <= to);
      return String(range?.[2]?.[1]);
    };
    expect(new Set(tags.map(primaryOf)).size).toBe(3);

    const id = 'cl-move';
    await a.hset(keys.campaignDefs, id, '{}');
    const ref: BucketRef = { campaignId: id, prize: 'p', kind: 'stock' };
    for (const [i, t] of tags.entries()) await a.hset(keys.campaignState(t, id), 's:p', [0, 40, 80][i] as number);
    const stocks = async (): Promise<number[]> => Promise.all(tags.map(async (t) => Number(await a.hget(keys.campaignState(t, id), 's:p'))));

    const movers = [new BucketMover(a, Date.now), new BucketMover(b, Date.now)];
    const moved = await Promise.all(Array.from({ length: 60 }, (_, i) => (movers[i % 2] as BucketMover).pull(ref, tags[i % 3] as string, 1 + (i % 4))));
    expect(moved.some((n) => n > 0)).toBe(true);
    expect((await stocks()).reduce((x, y) => x + y, 0)).toBe(120);
    for (const n of await stocks()) expect(n).toBeGreaterThanOrEqual(0);

    // a crash after the take: the units are on no primary's bucket until repair gives them
    const [t0, t1] = tags as [string, string];
    const before = await stocks();
    await runTakeUnits(a, t1, id, bucketPlace(ref, t1), 'stranded1', { to: t0, field: 's:p', day: '', units: 1, at: Date.now() });
    expect((await stocks()).reduce((x, y) => x + y, 0)).toBe(119);
    expect(await movers[0]?.inTransfer(id)).toEqual(new Map([['p', { stock: 1, budget: 0, daily: 0, paced: 0 }]]));
    expect(await movers[1]?.repair()).toMatchObject({ campaigns: 1, moves: 1, units: 1 });
    const after = await stocks();
    expect(after.reduce((x, y) => x + y, 0)).toBe(120);
    expect(after[0]).toBe((before[0] as number) + 1);
    expect(after[1]).toBe((before[1] as number) - 1);
  });
});
