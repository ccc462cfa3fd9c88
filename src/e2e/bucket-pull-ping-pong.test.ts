// Two engines pulling units of one bucket into different shards at once pass them back and forth: each
// engine's pulls of a bucket run one after the other, but nothing orders them across engines. A scan
// whose shard was short pulled the unit in, and before it went again the other engine's pull took the
// unit on into its own shard; after a fixed number of pulls the scan answered out_of_stock with the unit
// left in another shard.
//
// The interleaving is staged so that it happens every time: the engine's Redis commands go through a
// proxy that delays them (the moment between its pull and its scan going again is wide), and the other
// engine's pulls are made by the test with the engines' own BucketMover on a direct connection, twice,
// each the moment the unit lands in the scan's shard. Then the mover stops, as an engine whose scan won
// or gave up would: the scan must win the unit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { startEngine, type TestEngine } from '../testing/engine-process.js';
import { startLatencyProxy, type LatencyProxy } from '../testing/latency-proxy.js';
import { TestClient } from '../testing/test-client.js';
import { BucketMover } from '../buckets/bucket-mover.js';
import { useShards, type ShardTag } from '../redis/keys.js';

const TAGS: ShardTag[] = ['{s0}', '{s1}', '{s2}'];
let redis: TestRedis;
let proxy: LatencyProxy;
let engine: TestEngine;
let client: TestClient;
beforeAll(async () => {
  redis = await startRedis();
  proxy = await startLatencyProxy(redis.port, 30);
  engine = await startEngine({ redisUrl: proxy.url, env: { SCANLOT_SHARDS: '3' } });
  client = new TestClient(engine);
  useShards(TAGS);
});
afterAll(async () => {
  await engine?.stop();
  await proxy?.stop();
  await redis?.stop();
});

describe('a scan whose pulled unit another engine pulls away', () => {
  it('stock 1 in {s2}; a code of {s0} pulls it in, the other mover takes it on to {s1} twice: the scan still wins it', async () => {
    const { batchId, campaignId: cid } = await client.batchWithLiveCampaign([{ id: 'g', name: 'G', probability: 1, kind: 'gift', stock: 1 }], { size: 300 });
    const state = async (): Promise<number[]> => Promise.all(TAGS.map(async (t) => Number(await redis.client.hget(`${t}:cp:${cid}:state`, 's:g'))));
    expect(await state()).toEqual([0, 0, 1]);
    const serial = Array.from({ length: 300 }, (_, s) => s).find((s) => (s + batchId) % 3 === 0) as number;

    const other = new BucketMover(redis.client, () => Date.now());
    const taken: number[] = [];
    let scanning = true;
    const mover = (async () => {
      while (scanning && taken.length < 2) {
        if (Number(await redis.client.hget(`{s0}:cp:${cid}:state`, 's:g')) >= 1) taken.push(await other.pull({ campaignId: cid, prize: 'g', kind: 'stock' }, '{s1}', 1));
      }
    })();
    const answer = await client.scan({ code: client.code(batchId, serial), user: `u${batchId}` });
    scanning = false;
    await mover;

    // the other mover did take the unit away twice: the scan went again after each
    expect(taken).toEqual([1, 1]);
    expect({ outcome: answer.outcome, reason: answer.reason, left: await state() }).toEqual({ outcome: 'won', reason: null, left: [0, 0, 0] });
    // the audit: nothing created, nothing lost, no transfer left open
    proxy.setDelay(0);
    const audit = await engine.api('GET', `/v1/audit?campaign=${cid}`);
    expect({ status: audit.status, ok: audit.body?.ok }, JSON.stringify(audit.body)).toEqual({ status: 200, ok: true });
  });
});
