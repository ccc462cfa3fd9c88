// A member's points and the leaderboards on a real three-primary Redis Cluster (one shard per primary):
// points won in every shard are forwarded across slots to the member's home shard, once, and spendable
// there; a shop's first scans on three primaries add up on the leaderboard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../testing/redis-cluster.js';
import { startEngine, type TestEngine } from '../testing/engine-process.js';
import { liveCampaign, uniqueSku } from '../testing/fixtures.js';
import { TestClient } from '../testing/test-client.js';
import { waitForBacklog } from '../testing/events.js';

let cluster: TestCluster;
let engine: TestEngine;

beforeAll(async () => {
  cluster = await startCluster();
  engine = await startEngine({ env: { REDIS_CLUSTER: cluster.seeds } });
}, 60_000);

afterAll(async () => {
  await engine?.stop();
  await cluster?.stop();
});

describe('members and leaderboards on a Redis Cluster', () => {
  it('points won on three primaries are all spendable; a shop\'s scans on three primaries add up', async () => {
    const sku = uniqueSku();
    const client = new TestClient(engine);
    const b = await client.createBatch({ sku, size: 30 });
    const cid = `clp-${sku}`;
    await client.createCampaign(liveCampaign(cid, sku, [{ id: 'p', name: '10 points', kind: 'points', probability: 1, amount: 10 }]));
    const user = `clp_${sku.slice(4)}`;
    await engine.api('PUT', `/v1/members/${user}`, { level: 2 });
    // nine consecutive serials: three in each shard, so on each primary
    for (let s = 0; s < 9; s++) {
      const r = await engine.scan({ code: engine.codec.encode(b.batchId, s), user, shop: s < 6 ? 'A' : 'B' });
      expect(r.body.outcome, JSON.stringify(r.body)).toBe('won');
    }
    await waitForBacklog(engine);
    expect((await engine.api('GET', `/v1/members/${user}`)).body).toEqual({ user, level: 2, blocked: false, points: 90, wins: 9, chances: {}, cards: {} });
    expect((await engine.api('POST', `/v1/members/${user}/points`, { delta: -90, reason: 'mug', idempotencyKey: `${user}-1` })).body).toEqual({ points: 0 });
    expect((await engine.api('POST', `/v1/members/${user}/points`, { delta: -10, reason: 'mug', idempotencyKey: `${user}-2` })).status).toBe(409);
    expect((await engine.api('GET', `/v1/campaigns/${cid}/leaderboard?by=shop`)).body).toEqual([
      { id: 'A', scans: 6, rank: 1 },
      { id: 'B', scans: 3, rank: 2 },
    ]);
  });
});
