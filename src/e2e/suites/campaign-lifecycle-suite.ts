// The campaign lifecycle an operator drives: lists, pause/resume/end, a later end
// without overlap, top-ups with their events, on two engines sharing one Redis.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../testing/engine-fixture.js';
import type { TestEngine } from '../../testing/engine-process.js';
import { liveCampaign, uniqueSku } from '../../testing/fixtures.js';
import { runAuditCli } from '../../testing/audit.js';
import { eventually } from '../../testing/eventually.js';

/** the suite, against engines whose campaigns spread over `shards` shards of one redis-server (default one) */
export function campaignLifecycleSuite(shards?: number): void {
  const fx = useEngine({ shards });
  let other: TestEngine;
  beforeAll(async () => {
    // both engines store into one SQLite file (engines sharing a machine may), so the audit sees every event
    other = await fx.anotherEngine({ env: { SQLITE_PATH: join(fx.engine.dataDir, 'scanlot.db') } });
  });
  afterAll(async () => {
    await other?.stop();
  });

  const DAY = 86_400_000;
  const iso = (ms: number): string => new Date(ms).toISOString();

  describe('lists', () => {
    it('lists campaigns by state and batches page by page', async () => {
      const sku = uniqueSku();
      const now = Date.now();
      await fx.client.createCampaign(liveCampaign(`l-live-${sku}`, sku, []));
      await fx.client.createCampaign({ ...liveCampaign(`l-later-${sku}`, `${sku}-b`, []), startsAt: iso(now + DAY), endsAt: iso(now + 2 * DAY) });
      const live = await fx.engine.api('GET', '/v1/campaigns?state=live');
      expect(live.body.campaigns).toContainEqual({ id: `l-live-${sku}`, name: `Test l-live-${sku}`, state: 'live', startsAt: expect.any(String), endsAt: expect.any(String), timezone: 'Asia/Shanghai', scope: { skus: [sku], batchIds: [] } });
      expect(live.body.campaigns.map((c: { id: string }) => c.id)).not.toContain(`l-later-${sku}`);
      const scheduled = await other.api('GET', '/v1/campaigns?state=scheduled');
      expect(scheduled.body.campaigns.map((c: { id: string }) => c.id)).toEqual([`l-later-${sku}`]);
      const all = await fx.engine.api('GET', '/v1/campaigns');
      expect(all.body.campaigns.length).toBeGreaterThanOrEqual(2);
      expect((await fx.engine.api('GET', '/v1/campaigns?state=soon')).status).toBe(400);

      const ids: number[] = [];
      for (let i = 0; i < 3; i++) ids.push((await fx.client.createBatch({ sku, size: 10 })).batchId);
      await fx.engine.api('POST', `/v1/batches/${ids[1]}/void`);
      const page = await fx.engine.api('GET', `/v1/batches?after=${ids[0]! - 1}&limit=2`);
      expect(page.body.batches.map((b: { batchId: number; status: string }) => [b.batchId, b.status])).toEqual([[ids[0], 'active'], [ids[1], 'void']]);
      expect(page.body.next).toBe(ids[1]);
      const rest = await fx.engine.api('GET', `/v1/batches?after=${page.body.next}&limit=2`);
      expect(rest.body).toMatchObject({ batches: [{ batchId: ids[2], sku, size: 10 }], next: null });
      expect((await fx.engine.api('GET', '/v1/batches?limit=0')).status).toBe(400);
    });
  });

  describe('PATCH /v1/campaigns/{id}', () => {
    it('pauses without consuming codes, resumes, tops up stock atomically, ends for every engine', async () => {
      const sku = uniqueSku();
      const cid = `life-${sku}`;
      const batchId = (await fx.client.createBatch({ sku, size: 100 })).batchId;
      await fx.client.createCampaign(liveCampaign(cid, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 1, stock: 1 }, { id: 'r', name: 'R', kind: 'cash', probability: 0, amount: 5, budget: 100 }]));
      const code = (s: number): string => fx.engine.codec.encode(batchId, s);

      const paused = await fx.engine.api('PATCH', `/v1/campaigns/${cid}`, { state: 'paused' });
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ id: cid, state: 'paused' });
      // the other engine's scan is refused too, and the code stays unconsumed
      expect((await other.scan({ code: code(0), user: 'u1' })).body).toMatchObject({ outcome: 'blocked', reason: 'campaign_paused', scan: null });
      expect((await fx.engine.api('GET', `/v1/batches/${batchId}`)).body.scanned).toBe(0);
      expect((await other.api('GET', '/v1/campaigns?state=paused')).body.campaigns.map((c: { id: string }) => c.id)).toContain(cid);

      expect((await fx.engine.api('PATCH', `/v1/campaigns/${cid}`, { state: 'live' })).body.state).toBe('live');
      expect((await other.scan({ code: code(0), user: 'u1' })).body).toMatchObject({ outcome: 'won', prize: { id: 'g' } });
      expect((await fx.engine.scan({ code: code(1), user: 'u2' })).body).toMatchObject({ outcome: 'lost', reason: 'out_of_stock' });

      expect((await fx.engine.api('PATCH', `/v1/campaigns/${cid}`, { prizes: [{ id: 'g', addStock: 0 }] })).status).toBe(400);
      expect((await fx.engine.api('PATCH', `/v1/campaigns/${cid}`, { prizes: [{ id: 'g', addBudget: 5 }] })).body.error.message).toMatch(/^prizes\[0\]\.addBudget/);
      expect((await fx.engine.api('PATCH', `/v1/campaigns/${cid}`, { prizes: [{ id: 'nope', addStock: 1 }] })).status).toBe(400);
      // concurrent top-ups all count
      await Promise.all([1, 2].map(() => fx.engine.api('PATCH', `/v1/campaigns/${cid}`, { prizes: [{ id: 'g', addStock: 1 }, { id: 'r', addBudget: 50 }] })));
      // wins are counted from the stored events: they lag the answer by one persist step
      const topped = await eventually(() => other.api('GET', `/v1/campaigns/${cid}`), (r) => r.body.prizes[0].won === 1);
      expect(topped.body.prizes).toMatchObject([
        { id: 'g', stock: 1, stockLeft: 2, won: 1, toppedUp: { stock: 2, budget: 0 } },
        { id: 'r', budget: 100, budgetLeft: 200, toppedUp: { stock: 0, budget: 100 } },
      ]);
      expect((await fx.engine.scan({ code: code(2), user: 'u3' })).body).toMatchObject({ outcome: 'won', prize: { id: 'g' } });

      const ended = await fx.engine.api('PATCH', `/v1/campaigns/${cid}`, { state: 'ended' });
      expect(ended.body.state).toBe('ended');
      // the other engine's cache follows (pub/sub): no campaign covers the code any more
      const after = await eventually(() => other.scan({ code: code(3 + Math.floor(Math.random() * 90)), user: 'u4' }), (r) => r.body.outcome === 'verified');
      expect(after.body).toMatchObject({ outcome: 'verified', campaignId: null });
      expect((await fx.engine.api('PATCH', `/v1/campaigns/${cid}`, { state: 'live' })).status).toBe(409);

      // every change is an event with who made it, stored like scans
      const events = await eventually(
        async () => ((await fx.engine.api('GET', '/v1/events?limit=1000')).body.events as { type: string; campaignId: string }[]).filter((e) => e.type === 'campaign' && e.campaignId === cid),
        (e) => e.length === 6,
      );
      expect(events).toHaveLength(6);
      expect(events).toContainEqual(expect.objectContaining({ type: 'campaign', campaignId: cid, who: 'admin-token', change: { created: true, state: 'live', published: true } }));
      expect(events).toContainEqual(expect.objectContaining({ type: 'campaign', campaignId: cid, who: 'admin-token', change: { state: 'paused' } }));
      expect(events).toContainEqual(expect.objectContaining({ change: { prizes: [{ id: 'g', addStock: 1, addBudget: 0 }, { id: 'r', addStock: 0, addBudget: 50 }] } }));

      const audit = runAuditCli(fx.engine, cid);
      expect(audit.status, audit.out).toBe(0);
      expect(audit.out).toMatch(/stock\s+life-.*\/g: initial \+ top-ups = left \+ in transfer \+ won events\s+3\s+3/);
    });

    it('moves endsAt later only, and not into another live campaign of the same scope (409)', async () => {
      const sku = uniqueSku();
      const now = Date.now();
      await fx.client.createCampaign({ ...liveCampaign(`ext-a-${sku}`, sku, []), endsAt: iso(now + DAY) });
      await fx.client.createCampaign({ ...liveCampaign(`ext-b-${sku}`, sku, []), startsAt: iso(now + 2 * DAY), endsAt: iso(now + 3 * DAY) });
      const earlier = await fx.engine.api('PATCH', `/v1/campaigns/ext-a-${sku}`, { endsAt: iso(now + DAY / 2) });
      expect(earlier.status).toBe(400);
      expect(earlier.body.error.message).toMatch(/^endsAt/);
      expect((await fx.engine.api('PATCH', `/v1/campaigns/ext-a-${sku}`, { endsAt: iso(now + 2.5 * DAY) })).status).toBe(409);
      const ok = await fx.engine.api('PATCH', `/v1/campaigns/ext-a-${sku}`, { endsAt: iso(now + 1.5 * DAY) });
      expect(ok.status).toBe(200);
      expect(Date.parse(ok.body.endsAt)).toBe(now + 1.5 * DAY);
      expect((await fx.engine.api('PATCH', '/v1/campaigns/nope', { state: 'paused' })).status).toBe(404);
      expect((await fx.engine.api('PATCH', `/v1/campaigns/ext-a-${sku}`, { name: 'x' })).status).toBe(400);
    });
  });
}
