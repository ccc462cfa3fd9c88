// Engines that missed a pub/sub message still learn of new campaigns, and re-read definitions only then.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { CampaignStore } from './campaign-store.js';
import { EventIds } from '../scan/event-ids.js';
import { parseCampaignInput } from './campaign.js';
import { liveCampaign } from '../testing/fixtures.js';
import { keys, useShards } from '../redis/keys.js';

const ADMIN = { id: 'admin', name: 'admin' };
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const hgetallCalls = async (): Promise<number> => Number(/cmdstat_hgetall:calls=(\d+)/.exec(await redis.client.info('commandstats'))?.[1] ?? 0);

describe('CampaignStore.loadIfChanged', () => {
  it('reads the definitions again only after a campaign was created', async () => {
    const a = new CampaignStore(redis.client, Date.now, new EventIds());
    const b = new CampaignStore(redis.client, Date.now, new EventIds());
    await a.loadAll();
    await b.loadAll();
    const def = parseCampaignInput(liveCampaign('c-version', 'sku-version', [{ id: 'p', name: 'P', kind: 'gift', probability: 1 }]), Date.now());
    await a.create(def, async () => undefined, ADMIN);
    expect(b.get('c-version')).toBeUndefined();

    await b.loadIfChanged();
    expect(b.get('c-version')?.def.id).toBe('c-version');

    const before = await hgetallCalls();
    await b.loadIfChanged();
    await b.loadIfChanged();
    expect(await hgetallCalls()).toBe(before);
  });
});

describe('CampaignStore: changed definitions', () => {
  it('an engine that missed the message picks up a paused, extended, then ended campaign; the ended one covers no batch', async () => {
    const a = new CampaignStore(redis.client, Date.now, new EventIds());
    const b = new CampaignStore(redis.client, Date.now, new EventIds());
    const def = parseCampaignInput(liveCampaign('c-change', 'sku-change', [{ id: 'p', name: 'P', kind: 'gift', probability: 1, stock: 1 }]), Date.now());
    await a.create(def, async () => undefined, ADMIN);
    await b.loadAll();
    const batch = { batchId: 1, sku: 'sku-change', size: 10, kind: 'item' as const, status: 'active' as const, region: null, contains: null, createdAt: '' };
    expect(b.coverFor(batch, Date.now())?.def.id).toBe('c-change');

    await a.patch('c-change', { state: 'paused', endsAt: null, prizes: [], definition: null, fields: [] }, ADMIN, async () => undefined);
    await b.loadIfChanged();
    expect(b.list('paused').map((c) => c.id)).toEqual(['c-change']);
    // a paused campaign still covers its codes: the scan script answers campaign_paused
    expect(b.coverFor(batch, Date.now())?.def.state).toBe('paused');

    const later = def.endsAtMs + 86_400_000;
    await a.patch('c-change', { state: null, endsAt: { text: new Date(later).toISOString(), ms: later }, prizes: [{ id: 'p', addStock: 2, addBudget: 0 }], definition: null, fields: [] }, ADMIN, async () => undefined);
    await b.refresh('c-change');
    expect(b.get('c-change')?.def.endsAtMs).toBe(later);
    const live = await b.live(b.get('c-change')!);
    expect(live.get('p')).toMatchObject({ stockLeft: 3, toppedUp: { stock: 2, budget: 0 } });

    await a.patch('c-change', { state: 'ended', endsAt: null, prizes: [], definition: null, fields: [] }, ADMIN, async () => undefined);
    await b.refresh('c-change');
    expect(b.coverFor(batch, Date.now())).toBeNull();
    await expect(a.patch('c-change', { state: 'live', endsAt: null, prizes: [], definition: null, fields: [] }, ADMIN, async () => undefined)).rejects.toMatchObject({ code: 'conflict' });
    // each change, the creation included, is one event in the stream, with who made it
    const entries = (await redis.client.xrange('{s0}:events', '-', '+')).map(([, f]) => JSON.parse(f[1] as string) as { type: string; campaignId: string; who: string; change: unknown }).filter((e) => e.campaignId === 'c-change');
    expect(entries.map((e) => e.change)).toEqual([{ created: true, state: 'live', published: true }, { state: 'paused' }, { endsAt: new Date(later).toISOString(), prizes: [{ id: 'p', addStock: 2, addBudget: 0 }] }, { state: 'ended' }]);
    expect(entries.every((e) => e.type === 'campaign' && e.who === 'admin')).toBe(true);
  });
});

describe('CampaignStore.create with three shards', () => {
  it('splits stock and budget into shares that sum to the totals, with one seed for every shard', async () => {
    const shards = ['{s0}', '{s1}', '{s2}'];
    useShards(shards);
    try {
      const store = new CampaignStore(redis.client, Date.now, new EventIds());
      const def = parseCampaignInput(
        liveCampaign('c-shares', 'sku-shares', [
          { id: 'grand', name: 'G', kind: 'gift', probability: 0.1, stock: 7 },
          { id: 'cash', name: 'C', kind: 'cash', amount: 5, probability: 0.1, budget: 100 },
        ]),
        Date.now(),
      );
      const c = await store.create(def, async () => undefined, ADMIN);
      const states = await Promise.all(shards.map((t) => redis.client.hgetall(keys.campaignState(t, 'c-shares'))));
      expect(states.map((h) => Number(h['s:grand']))).toEqual([2, 2, 3]);
      expect(states.map((h) => Number(h['b:cash']))).toEqual([33, 33, 34]);
      expect(new Set(states.map((h) => h.seed)).size).toBe(1);
      expect(states[0]?.seed).toMatch(/^[0-9a-f]{32}$/);
      const live = await store.live(c);
      expect(live.get('grand')).toMatchObject({ stockLeft: 7 });
      expect(live.get('cash')).toMatchObject({ budgetLeft: 100 });
    } finally {
      useShards(['{s0}']);
    }
  });
});
