// The first-start demo: one SKU, one batch of 1,000 codes, one campaign live from now for 30 days.
import type { BatchStore } from './batches/batch-store.js';
import type { CampaignStore } from './campaigns/campaign-store.js';
import { parseCampaignInput } from './campaigns/campaign.js';
import type { CodeCodec } from './codes/code-codec.js';

export const DEMO_SKU = '06901234567892';

export async function createDemo(batches: BatchStore, campaigns: CampaignStore, codec: CodeCodec, now: number): Promise<{ batchId: number; codes: string[] }> {
  const batch = await batches.create({ sku: DEMO_SKU, size: 1000, kind: 'item', status: 'active', region: null, contains: null });
  const def = parseCampaignInput(
    {
      id: `demo-${batch.batchId}`,
      name: 'Demo draw',
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 30 * 86_400_000).toISOString(),
      timezone: 'Asia/Shanghai',
      scope: { batchIds: [batch.batchId] },
      prizes: [
        { id: 'grand', name: 'Phone', kind: 'gift', probability: 0.01, stock: 3, perUserCap: 1 },
        { id: 'red', name: 'Red packet', kind: 'cash', probability: 0.3, amount: { min: 30, max: 200 }, budget: 20_000 },
        { id: 'pts', name: '50 points', kind: 'points', probability: 0.5, amount: 50 },
      ],
    },
    now,
  );
  await campaigns.create(def, async () => undefined, { id: 'demo', name: 'demo' });
  return { batchId: batch.batchId, codes: [0, 1, 2].map((s) => codec.encode(batch.batchId, s)) };
}
