// The bucket mover on a real redis-server with three shards: take refuses beyond what a bucket has, give
// counts once per transfer, pulls even buckets out and never create units (two movers, 200 pulls at
// once), and a crash between take and give strands units that repair returns.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { ALL_SHARDS, keys, useShards } from '../redis/keys.js';
import { BucketMover } from './bucket-mover.js';
import { bucketPlace, type BucketRef } from './bucket.js';
import { runTakeUnits } from './take-units-script.js';
import { runGiveUnits } from './give-units-script.js';
import { runCloseMove } from './close-move-script.js';

const TAGS = ['{s0}', '{s1}', '{s2}'] as const;
const [S0, S1, S2] = TAGS;
let redis: TestRedis;
let second: Redis;
let campaign = 0;
let id = '';

beforeAll(async () => {
  redis = await startRedis();
  second = new Redis(redis.port, '127.0.0.1');
});
afterAll(async () => {
  second?.disconnect();
  await redis?.stop();
});
beforeEach(async () => {
  useShards(TAGS);
  await redis.client.flushall();
  id = `c${++campaign}`;
  // repair finds campaigns by their definitions: only the id matters to the mover
  await redis.client.hset(keys.campaignDefs, id, '{}');
});
afterEach(() => {
  useShards(['{s0}']);
});

const stock = (prize = 'p'): BucketRef => ({ campaignId: id, prize, kind: 'stock' });
const setStock = async (values: number[], prize = 'p'): Promise<void> => {
  for (const [i, t] of TAGS.entries()) await redis.client.hset(keys.campaignState(t, id), `s:${prize}`, values[i] as number);
};
const stocks = async (prize = 'p'): Promise<number[]> => Promise.all(TAGS.map(async (t) => Number(await redis.client.hget(keys.campaignState(t, id), `s:${prize}`))));
const openCount = async (): Promise<number> => (await Promise.all(TAGS.map((t) => redis.client.hlen(keys.campaignMoves(t, id))))).reduce((a, b) => a + b, 0);
const move = (to: string, field: 's:p' | 'b:p' | 'c:p', units: number, day = '') => ({ to, field, day, units, at: Date.now() });

describe('takeUnits', () => {
  it('refuses more than the bucket holds and writes nothing; takes exactly what it has', async () => {
    await setStock([0, 3, 0]);
    const place = bucketPlace(stock(), S1);
    expect(await runTakeUnits(redis.client, S1, id, place, 't1', move(S0, 's:p', 4))).toEqual({ taken: false, available: 3 });
    expect(await stocks()).toEqual([0, 3, 0]);
    expect(await openCount()).toBe(0);
    expect(await runTakeUnits(redis.client, S1, id, place, 't2', move(S0, 's:p', 3))).toEqual({ taken: true, availableBefore: 3 });
    expect(await stocks()).toEqual([0, 0, 0]);
    expect(await runTakeUnits(redis.client, S1, id, place, 't3', move(S0, 's:p', 1))).toEqual({ taken: false, available: 0 });
    expect(JSON.parse((await redis.client.hget(keys.campaignMoves(S1, id), 't2')) as string)).toMatchObject({ to: S0, field: 's:p', units: 3 });
    // the same transfer id twice is refused, even with units to spare
    await setStock([0, 5, 0]);
    expect(await runTakeUnits(redis.client, S1, id, place, 't2', move(S0, 's:p', 1))).toEqual({ taken: false, duplicate: true });
    expect(await stocks()).toEqual([0, 5, 0]);
  });

  it('a day cap share counts the share, the units moved in or out and the wins of that day', async () => {
    // dailyCap 10 over 3 shards: shares 3, 3, 4; shard 2 has won 1 and given 1 away already
    const ref: BucketRef = { campaignId: id, prize: 'p', kind: 'daily', day: '20261130', dailyCap: 10 };
    const dayKey = keys.campaignDay(S2, id, '20261130');
    await redis.client.hset(dayKey, 'w:p', 1, 'c:p', -1);
    const place = bucketPlace(ref, S2);
    expect(place.base).toBe(4);
    expect(await runTakeUnits(redis.client, S2, id, place, 'd1', move(S0, 'c:p', 3, '20261130'))).toEqual({ taken: false, available: 2 });
    expect(await runTakeUnits(redis.client, S2, id, place, 'd2', move(S0, 'c:p', 2, '20261130'))).toEqual({ taken: true, availableBefore: 2 });
    expect(await redis.client.hget(dayKey, 'c:p')).toBe('-3');
  });
});

describe('giveUnits and closeMove', () => {
  it('a transfer given twice counts once; close removes the open transfer once', async () => {
    await setStock([0, 2, 0]);
    const place = bucketPlace(stock(), S1);
    await runTakeUnits(redis.client, S1, id, place, 'g1', move(S0, 's:p', 2));
    const target = { key: keys.campaignState(S0, id), field: 's:p' as const, ttlS: 0 };
    expect(await runGiveUnits(redis.client, S0, id, target, 2, 'g1')).toBe('given');
    expect(await runGiveUnits(redis.client, S0, id, target, 2, 'g1')).toBe('given before');
    expect(await stocks()).toEqual([2, 0, 0]);
    expect(await runCloseMove(redis.client, S1, id, 'g1')).toBe('closed');
    expect(await runCloseMove(redis.client, S1, id, 'g1')).toBe('not open');
    expect(await openCount()).toBe(0);
  });

  it('a give that creates a day hash gives it the three-day expiry', async () => {
    const dayKey = keys.campaignDay(S0, id, '20261201');
    expect(await runGiveUnits(redis.client, S0, id, { key: dayKey, field: 'c:p', ttlS: 259_200 }, 2, 'g2')).toBe('given');
    const ttl = await redis.client.ttl(dayKey);
    expect(ttl).toBeGreaterThan(259_000);
    expect(ttl).toBeLessThanOrEqual(259_200);
  });
});

describe('BucketMover.pull', () => {
  it('takes from the richest shard max(need, half of what it has) so the buckets even out', async () => {
    await setStock([0, 10, 2]);
    const mover = new BucketMover(redis.client, Date.now);
    expect(await mover.pull(stock(), S0, 1)).toBe(5);
    expect(await stocks()).toEqual([5, 5, 2]);
    expect(await openCount()).toBe(0);
  });

  it('makes up the rest from the next shards when the richest has not enough, and answers 0 when none has any', async () => {
    await setStock([0, 2, 1]);
    const mover = new BucketMover(redis.client, Date.now);
    expect(await mover.pull(stock(), S0, 3)).toBe(3);
    expect(await stocks()).toEqual([3, 0, 0]);
    expect(await mover.pull(stock(), S1, 4)).toBe(3);
    expect(await stocks()).toEqual([0, 3, 0]);
    expect(await mover.pull(stock(), S0, 1)).toBe(2);
    expect(await stocks()).toEqual([2, 1, 0]);
    // the target holds what is needed already (a pull before this one brought it): nothing moves, the scan goes again
    await setStock([0, 1, 0]);
    expect(await mover.pull(stock(), S1, 1)).toBe(1);
    expect(await stocks()).toEqual([0, 1, 0]);
    expect(await openCount()).toBe(0);
  });

  it('moves budget amounts and a day cap share the same way', async () => {
    for (const [i, t] of TAGS.entries()) await redis.client.hset(keys.campaignState(t, id), 'b:p', [0, 100, 40][i] as number);
    const mover = new BucketMover(redis.client, Date.now);
    expect(await mover.pull({ campaignId: id, prize: 'p', kind: 'budget' }, S0, 30)).toBe(50);
    const budgets = await Promise.all(TAGS.map(async (t) => Number(await redis.client.hget(keys.campaignState(t, id), 'b:p'))));
    expect(budgets).toEqual([50, 50, 40]);

    // dailyCap 6: shares 2, 2, 2; shard 0 has won its 2 today
    const ref: BucketRef = { campaignId: id, prize: 'p', kind: 'daily', day: '20261130', dailyCap: 6 };
    await redis.client.hset(keys.campaignDay(S0, id, '20261130'), 'w:p', 2);
    expect(await mover.pull(ref, S0, 1)).toBe(1);
    const moved = await Promise.all(TAGS.map(async (t) => Number((await redis.client.hget(keys.campaignDay(t, id, '20261130'), 'c:p')) ?? 0)));
    expect(moved.reduce((a, b) => a + b, 0)).toBe(0);
    expect(moved[0]).toBe(1);
    expect(await redis.client.ttl(keys.campaignDay(S1, id, '20261130')) + (await redis.client.ttl(keys.campaignDay(S2, id, '20261130')))).toBeGreaterThan(259_000);
  });

  it('concurrent pulls of the same bucket into the same shard share one promise', async () => {
    await setStock([0, 10, 10]);
    const mover = new BucketMover(redis.client, Date.now);
    const a = mover.pull(stock(), S0, 1);
    const b = mover.pull(stock(), S0, 3);
    expect(b).toBe(a);
    expect(mover.pull(stock(), S1, 1)).not.toBe(a);
    await Promise.all([a, b]);
  });

  it('200 concurrent pulls from two movers never create or lose a unit and leave no open transfer', async () => {
    await setStock([100, 37, 163]);
    const movers = [new BucketMover(redis.client, Date.now), new BucketMover(second, Date.now)];
    const pulls: Promise<number>[] = [];
    for (let i = 0; i < 200; i++) {
      const mover = movers[i % 2] as BucketMover;
      const target = TAGS[(i * 7) % 3] as string;
      const prize = i % 5 === 0 ? 'q' : 'p';
      if (prize === 'q' && i < 5) await setStock([0, 0, 9], 'q');
      pulls.push(mover.pull(stock(prize), target, 1 + (i % 6)));
    }
    const moved = await Promise.all(pulls);
    expect(moved.some((n) => n > 0)).toBe(true);
    const after = await stocks();
    expect(after.reduce((a, b) => a + b, 0)).toBe(300);
    for (const n of after) expect(n).toBeGreaterThanOrEqual(0);
    const q = await stocks('q');
    expect(q.reduce((a, b) => a + b, 0)).toBe(9);
    for (const n of q) expect(n).toBeGreaterThanOrEqual(0);
    expect(await openCount()).toBe(0);
  });
});

describe('the given hashes of transfers', () => {
  it('lose the ids of closed transfers once closed for a while; an id whose transfer is still open stays', async () => {
    let now = 1_000_000;
    const mover = new BucketMover(redis.client, () => now, { givenKeptMs: 60_000 });
    await setStock([0, 4, 0]);
    expect(await mover.pull(stock(), S0, 1)).toBe(2);
    // a transfer given but not closed: its engine died before the close
    await runTakeUnits(redis.client, S1, id, bucketPlace(stock(), S1), 'open1', { to: S2, field: 's:p', day: '', units: 1, at: now });
    expect(await runGiveUnits(redis.client, S2, id, { key: keys.campaignState(S2, id), field: 's:p', ttlS: 0 }, 1, 'open1')).toBe('given');
    const givenIds = async (): Promise<string[]> => (await Promise.all(TAGS.map((t) => redis.client.hkeys(keys.campaignGiven(t, id))))).flat().sort();
    expect(await givenIds()).toHaveLength(2);
    // a repair leaving young transfers alone: the closed one is marked, nothing is deleted yet
    expect((await mover.repair(3_600_000)).givenPruned).toBe(0);
    expect(await givenIds()).toHaveLength(2);
    now += 61_000;
    expect((await mover.repair(3_600_000)).givenPruned).toBe(1);
    expect(await givenIds()).toEqual(['open1']);
    // the open one's give is still idempotent: a repair gives it once more as 'given before' and closes it
    const repaired = await mover.repair(0);
    expect(repaired.transfers).toEqual([expect.objectContaining({ to: S2, units: 1, result: 'given before' })]);
    expect(await stocks()).toEqual([2, 1, 1]);
    now += 61_000;
    await mover.repair(0);
    now += 61_000;
    expect((await mover.repair(0)).givenPruned).toBe(1);
    expect(await givenIds()).toEqual([]);
    expect(await stocks()).toEqual([2, 1, 1]);
  });
});

describe('BucketMover.evenOut', () => {
  it("gives every shard its share of what all of them hold, stock and budget alike", async () => {
    await setStock([0, 1, 13]);
    for (const [i, t] of TAGS.entries()) await redis.client.hset(keys.campaignState(t, id), 'b:p', [90, 0, 10][i] as number);
    const mover = new BucketMover(redis.client, Date.now);
    expect(await mover.evenOut(id, [{ id: 'p', stock: true, budget: true }])).toEqual([
      { prize: 'p', kind: 'stock', before: [0, 1, 13], moved: 8 },
      { prize: 'p', kind: 'budget', before: [90, 0, 10], moved: 57 },
    ]);
    expect(await stocks()).toEqual([4, 5, 5]);
    const budgets = await Promise.all(TAGS.map(async (t) => Number(await redis.client.hget(keys.campaignState(t, id), 'b:p'))));
    expect(budgets).toEqual([33, 33, 34]);
    expect(await openCount()).toBe(0);
  });
});

describe('a crash between take and give, and repair', () => {
  it('strands the taken units (in transfer, in no bucket); repair gives them once and closes the transfer', async () => {
    await setStock([1, 6, 3]);
    const mover = new BucketMover(redis.client, Date.now);
    // the crash: the take ran, the give never did
    await runTakeUnits(redis.client, S1, id, bucketPlace(stock(), S1), 'crashed', move(S0, 's:p', 4));
    expect(await stocks()).toEqual([1, 2, 3]);
    expect(await mover.inTransfer(id)).toEqual(new Map([['p', { stock: 4, budget: 0, daily: 0, paced: 0 }]]));

    const report = await mover.repair();
    expect(report).toMatchObject({ campaigns: 1, moves: 1, units: 4 });
    expect(report.transfers).toEqual([{ campaignId: id, field: 's:p', day: '', from: S1, to: S0, units: 4, result: 'given' }]);
    expect(await stocks()).toEqual([5, 2, 3]);
    expect(await mover.inTransfer(id)).toEqual(new Map());
    expect(await mover.repair()).toEqual({ campaigns: 0, moves: 0, units: 0, transfers: [], givenPruned: 0 });
    expect(await stocks()).toEqual([5, 2, 3]);
  });

  it("the engines' own repair (minimum age) leaves a young transfer to its mover and returns an old one", async () => {
    await setStock([0, 6, 0]);
    const mover = new BucketMover(redis.client, Date.now);
    await runTakeUnits(redis.client, S1, id, bucketPlace(stock(), S1), 'young', move(S0, 's:p', 2));
    await runTakeUnits(redis.client, S1, id, bucketPlace(stock(), S1), 'old', { ...move(S2, 's:p', 3), at: Date.now() - 120_000 });
    expect(await mover.repair(60_000)).toMatchObject({ moves: 1, units: 3, transfers: [expect.objectContaining({ to: S2, units: 3 })] });
    expect(await stocks()).toEqual([0, 1, 3]);
    expect(await mover.inTransfer(id)).toEqual(new Map([['p', { stock: 2, budget: 0, daily: 0, paced: 0 }]]));
  });

  it('a crash after the give leaves nothing in transfer; repair only closes it', async () => {
    await setStock([0, 6, 0]);
    const mover = new BucketMover(redis.client, Date.now);
    await runTakeUnits(redis.client, S1, id, bucketPlace(stock(), S1), 'half', move(S2, 's:p', 2));
    await runGiveUnits(redis.client, S2, id, { key: keys.campaignState(S2, id), field: 's:p', ttlS: 0 }, 2, 'half');
    expect(await mover.inTransfer(id)).toEqual(new Map());
    expect(await mover.repair()).toMatchObject({ campaigns: 1, moves: 1, units: 0 });
    expect(await stocks()).toEqual([0, 4, 2]);
    expect(await openCount()).toBe(0);
  });

  it('a repair that runs while a mover is between take and give moves the units once', async () => {
    await setStock([0, 8, 0]);
    const slow = new BucketMover(redis.client, Date.now, { pauseBetweenTakeAndGiveMs: 400 });
    const pull = slow.pull(stock(), S0, 1);
    while ((await openCount()) === 0) await new Promise((r) => setTimeout(r, 5));
    expect(await stocks()).toEqual([0, 4, 0]);
    expect(await new BucketMover(second, Date.now).repair()).toMatchObject({ moves: 1, units: 4 });
    expect(await pull).toBe(4);
    expect(await stocks()).toEqual([4, 4, 0]);
    expect(await openCount()).toBe(0);
  });
});

describe('shards', () => {
  it('a pull into a tag that is no shard of the deployment, or of no units, is refused', async () => {
    expect(ALL_SHARDS).toHaveLength(3);
    const mover = new BucketMover(redis.client, Date.now);
    await expect(mover.pull(stock(), '{s9}', 1)).rejects.toThrow(/not a shard/);
    await expect(mover.pull(stock(), S0, 0)).rejects.toThrow(/positive integer/);
  });
});
