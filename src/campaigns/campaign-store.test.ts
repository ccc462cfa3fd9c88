// Engines that missed a pub/sub message still learn of new campaigns, and re-read definitions only then.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { CampaignStore } from './campaign-store.js';
import { parseCampaignInput } from './campaign.js';
import { liveCampaign } from '../testing/fixtures.js';

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
    const a = new CampaignStore(redis.client, Date.now);
    const b = new CampaignStore(redis.client, Date.now);
    await a.loadAll();
    await b.loadAll();
    const def = parseCampaignInput(liveCampaign('c-version', 'sku-version', [{ id: 'p', name: 'P', kind: 'gift', probability: 1 }]), Date.now());
    await a.create(def, async () => undefined);
    expect(b.get('c-version')).toBeUndefined();

    await b.loadIfChanged();
    expect(b.get('c-version')?.def.id).toBe('c-version');

    const before = await hgetallCalls();
    await b.loadIfChanged();
    await b.loadIfChanged();
    expect(await hgetallCalls()).toBe(before);
  });
});
