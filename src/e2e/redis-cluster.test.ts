// The engine on a real three-node Redis Cluster (REDIS_CLUSTER): shared script calls routed by the
// shard's hash tag, prize limits under concurrency, repeats, and events persisted from the stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type TestCluster } from '../testing/redis-cluster.js';
import { startEngine, type TestEngine } from '../testing/engine-process.js';
import { liveCampaign, uniqueSku } from '../testing/fixtures.js';

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

describe('Redis Cluster', () => {
  it('320 concurrent scans: stock 7 holds, every answer is its own, repeats are repeats, every event reaches SQLite', async () => {
    // the engine runs on the cluster, not on an embedded Redis of its own
    expect(existsSync(join(engine.dataDir, 'redis'))).toBe(false);
    const keysBefore = cluster.keyCount();
    const sku = uniqueSku();
    const b = await engine.api('POST', '/v1/batches', { sku, size: 400 });
    expect(b.status).toBe(201);
    const campaignId = `cl-${sku}`;
    expect((await engine.api('POST', '/v1/campaigns', liveCampaign(campaignId, sku, [{ id: 'p', name: 'Prize', kind: 'gift', probability: 1, stock: 7 }]))).status).toBe(201);

    const rs = await Promise.all(Array.from({ length: 320 }, (_, i) => engine.scan({ code: engine.codec.encode(b.body.batchId, i), user: `cu${i}` })));
    const outcomes: Record<string, number> = {};
    for (const [i, r] of rs.entries()) {
      expect(r.status).toBe(200);
      expect(r.body.code.serial).toBe(i);
      const k = r.body.reason ? `${r.body.outcome}/${r.body.reason}` : r.body.outcome;
      outcomes[k] = (outcomes[k] ?? 0) + 1;
    }
    expect(outcomes).toEqual({ won: 7, 'lost/out_of_stock': 313 });

    const again = await engine.scan({ code: engine.codec.encode(b.body.batchId, 5), user: 'cu5' });
    expect(again.body).toMatchObject({ outcome: 'repeat', scan: { count: 2, sameUser: true }, original: { eventId: rs[5]!.body.eventId } });
    const stats = await engine.api('GET', `/v1/campaigns/${campaignId}/stats`);
    expect(stats.body.prizes.p).toMatchObject({ won: 7, stockLeft: 0 });

    // the stream consumer moves all 321 events into SQLite
    const until = Date.now() + 20_000;
    let stored = 0;
    while (Date.now() < until) {
      const h = await engine.api('GET', '/healthz');
      const e = await engine.api('GET', `/v1/events?limit=1000`);
      stored = (e.body.events as { campaignId: string }[]).filter((ev) => ev.campaignId === campaignId).length;
      if (h.body.backlog === 0 && stored === 321) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(stored).toBe(321);
    expect(cluster.keyCount()).toBeGreaterThan(keysBefore);
  });
});
