// Leaderboards with three shards: a shop's first scans summed over the shards, ties to the shop whose
// latest counted scan came first, exact even when a leader sits low on every single shard.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { CONSUMER_GROUP, keys, useShards } from '../redis/keys.js';
import persistBatch from '../startup/persist-worker-entry.js';
import { leaderboard } from './leaderboard.js';

const SHARDS = ['{s0}', '{s1}', '{s2}'];
let redis: TestRedis;
let dir: string;
beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'scanlot-board-'));
  useShards(SHARDS);
  for (const t of SHARDS) await redis.client.xgroup('CREATE', keys.events(t), CONSUMER_GROUP, '0', 'MKSTREAM');
});
afterAll(async () => {
  useShards(['{s0}']);
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.parse('2027-03-01T00:00:00Z');
let n = 0;

/** first scans of `shop` on shard `shard`, at T0 + each of `seconds`, stored by the persist step */
async function firstScans(cid: string, shard: number, shop: string, seconds: number[]): Promise<void> {
  const t = SHARDS[shard] as string;
  for (const s of seconds) {
    const event = { id: `b${++n}`, type: 'scan', at: new Date(T0 + s * 1000).toISOString(), user: 'u', outcome: 'lost', campaignId: cid, shop, prize: null };
    await redis.client.xadd(keys.events(t), '*', 'j', JSON.stringify(event));
  }
  const task = { target: { url: redis.url, cluster: null }, dbPath: join(dir, 'e.db'), stream: keys.events(t), tag: t, shards: SHARDS, group: CONSUMER_GROUP, consumer: 'c', count: 500, mode: 'new' as const, blockMs: 1, claimIdleMs: 60_000 };
  while ((await persistBatch(task)).moved > 0);
}

describe('leaderboard over three shards', () => {
  it('sums each shop over the shards; ties go to the shop whose latest scan came first', async () => {
    await firstScans('c3', 0, 'A', [1, 5]);
    await firstScans('c3', 1, 'A', [2]);
    await firstScans('c3', 2, 'B', [1, 2, 4]);
    await firstScans('c3', 0, 'C', [1]);
    await firstScans('c3', 1, 'C', [2]);
    await firstScans('c3', 2, 'C', [3]);
    await firstScans('c3', 1, 'E', [9, 10]);
    expect(await leaderboard(redis.client, 'c3', 'shop', 10)).toEqual([
      { id: 'C', scans: 3, rank: 1 },
      { id: 'B', scans: 3, rank: 2 },
      { id: 'A', scans: 3, rank: 3 },
      { id: 'E', scans: 2, rank: 4 },
    ]);
    expect(await leaderboard(redis.client, 'c3', 'shop', 2)).toEqual([
      { id: 'C', scans: 3, rank: 1 },
      { id: 'B', scans: 3, rank: 2 },
    ]);
    expect(await leaderboard(redis.client, 'c3', 'clerk', 10)).toEqual([]);
  });

  it('finds a leader that ranks below a page of others on every shard', async () => {
    for (const [i] of SHARDS.entries()) {
      for (let k = 0; k < 150; k++) await redis.client.xadd(keys.events(SHARDS[i] as string), '*', 'j', JSON.stringify({ id: `f${++n}`, type: 'scan', at: new Date(T0 + 60_000).toISOString(), user: 'u', outcome: 'lost', campaignId: 'deep', shop: `filler-${i}-${k}`, prize: null }));
      // scanned after 150 others on this shard (lower there among the shops with one scan), yet three in all
      await firstScans('deep', i, 'F', [10 + i]);
    }
    await firstScans('deep', 0, 'G', [1, 2]);
    expect(await leaderboard(redis.client, 'deep', 'shop', 2)).toEqual([
      { id: 'F', scans: 3, rank: 1 },
      { id: 'G', scans: 2, rank: 2 },
    ]);
  });
});
