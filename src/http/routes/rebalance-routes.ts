// Operators' actions on the per-shard buckets (src/buckets): return units stranded by a crash during a
// transfer between shards, and even out one campaign's stock and budget buckets. Admin only.
import { notFound } from '../../errors.js';
import type { BucketMover } from '../../buckets/bucket-mover.js';
import type { CampaignStore } from '../../campaigns/campaign-store.js';
import { CAMPAIGN_ID_RE } from '../../campaigns/campaign.js';
import { json } from '../http-call.js';
import type { Route } from '../router.js';

export function rebalanceRoutes(mover: BucketMover, campaigns: CampaignStore): Route[] {
  return [
    {
      method: 'post',
      pattern: '/v1/rebalance/repair',
      roles: [], // admin only: moving units between shards is not an operator's routine
      async handle() {
        return json('200 OK', JSON.stringify(await mover.repair()));
      },
    },
    {
      method: 'post',
      pattern: '/v1/campaigns/:id/rebalance',
      roles: [], // admin only: moving units between shards is not an operator's routine
      async handle(call) {
        const id = decodeURIComponent(call.params[0] ?? '');
        if (!CAMPAIGN_ID_RE.test(id)) throw notFound(`campaign ${id}`);
        const c = await campaigns.require(id);
        const prizes = c.def.prizes.map((p) => ({ id: p.id, stock: p.stock !== null, budget: p.budget !== null }));
        return json('200 OK', JSON.stringify({ campaignId: id, buckets: await mover.evenOut(id, prizes) }));
      },
    },
  ];
}
