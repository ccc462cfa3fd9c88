// A 503 means nothing happened: a scan call that Redis ran but whose reply the engine never got (the
// connection cut just after Redis decided) is answered as it was decided, not 503. The reply is lost
// by a real TCP proxy between the engine and a real Redis.
import { afterAll, describe, expect, it } from 'vitest';
import { startRedis } from '../testing/redis-server.js';
import { startEngine } from '../testing/engine-process.js';
import { startReplyCuttingProxy } from '../testing/reply-cutting-proxy.js';
import { TestClient } from '../testing/test-client.js';
import { uniqueSku } from '../testing/fixtures.js';
import { allEvents, waitForBacklog } from '../testing/events.js';
import { codeRecordOf } from '../redis/keys.js';
import { parseCodeRecord } from '../scan/code-record.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

describe('a scan whose reply was lost', () => {
  it('is answered as Redis decided it (won, its event stored), not 503', async () => {
    const redis = await startRedis();
    cleanup.push(() => redis.stop());
    const proxy = await startReplyCuttingProxy(redis.port);
    cleanup.push(() => proxy.stop());
    const engine = await startEngine({ redisUrl: proxy.url });
    cleanup.push(() => engine.stop());
    const sku = uniqueSku();
    const client = new TestClient(engine);
    const { batchId } = await client.createBatch({ sku, size: 1000 });
    await client.createLiveCampaign(`lost-${sku}`, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 1 }]);
    // Redis caches the scan script with this first call: the lost one below runs by its SHA
    expect((await engine.scan({ code: engine.codec.encode(batchId, 0), user: 'warm' })).status).toBe(200);

    const cut = proxy.cutNextScanReply();
    const answer = await engine.scan({ code: engine.codec.encode(batchId, 1), user: 'lost' });
    await cut;
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.outcome).toBe('won');
    expect(answer.body.prize.id).toBe('g');
    expect(answer.body.scan.count).toBe(1);

    // the answer names the event Redis wrote for the code: the one the record holds, stored once
    const { key, field } = codeRecordOf(batchId, 1);
    const record = parseCodeRecord((await redis.client.hget(key, field)) as string);
    expect(record.eventId).toBe(answer.body.eventId);
    await waitForBacklog(engine);
    const events = (await allEvents(engine)).filter((e) => e.id === answer.body.eventId);
    expect(events).toHaveLength(1);
    expect(events[0].outcome).toBe('won');

    // the same user scanning again hears of that first scan
    const again = await engine.scan({ code: engine.codec.encode(batchId, 1), user: 'lost' });
    expect(again.body.outcome).toBe('repeat');
    expect(again.body.original.eventId).toBe(answer.body.eventId);
  }, 60_000);

  // 集卡: the set a card completed is not in the code's record; the answer rebuilt from it carries the set
  // all the same (one shard: what the scan script recorded in the user's cards; several: the count on
  // the user's home shard, idempotent, answers what it did)
  for (const shards of [1, 3]) {
    it(`carries the set its card completed (${shards} shard${shards === 1 ? '' : 's'})`, async () => {
      const redis = await startRedis();
      cleanup.push(() => redis.stop());
      const proxy = await startReplyCuttingProxy(redis.port);
      cleanup.push(() => proxy.stop());
      const engine = await startEngine({ redisUrl: proxy.url, env: { SCANLOT_SHARDS: String(shards) } });
      cleanup.push(() => engine.stop());
      const sku = uniqueSku();
      const client = new TestClient(engine);
      const { batchId } = await client.createBatch({ sku, size: 1000 });
      const cid = `lost-set-${sku}`;
      await client.createLiveCampaign(cid, sku, [{ id: 'solo', name: 'Solo', kind: 'card', set: 'one', probability: 1 }], {
        sets: [{ id: 'one', prize: { id: 'one-box', name: 'Box', kind: 'gift', stock: 5 } }],
      });
      // Redis caches the scan script with this first call: the lost one below runs by its SHA
      expect((await engine.scan({ code: engine.codec.encode(batchId, 0), user: 'warm' })).status).toBe(200);

      const cut = proxy.cutNextScanReply();
      const answer = await engine.scan({ code: engine.codec.encode(batchId, 1), user: 'lost_set' });
      await cut;
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body).toMatchObject({ outcome: 'won', prize: { id: 'solo' }, set: { id: 'one', completed: 1, prize: { id: 'one-box', kind: 'gift' }, reason: null } });
      await waitForBacklog(engine);
      const set = (await allEvents(engine)).filter((e) => e.type === 'set' && e.campaignId === cid && e.user === 'lost_set');
      expect(set).toHaveLength(1);
      expect(set[0]).toMatchObject({ id: `${answer.body.eventId}-set`, scanEventId: answer.body.eventId, set: answer.body.set });
      // counted once
      expect((await engine.api('GET', '/v1/members/lost_set')).body.cards[cid]).toEqual({ one: { solo: 1, done: 1 } });
    }, 60_000);
  }
});
