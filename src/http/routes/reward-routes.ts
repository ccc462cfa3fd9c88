// Leaderboards: by shop, by clerk, or by shop scan rate (by=shopRate). Redemptions moved to fulfilment-routes.ts.
import { badRequest, notFound } from '../../errors.js';
import type { CampaignStore } from '../../campaigns/campaign-store.js';
import type { ShopRateRow } from '../../fulfilment/shop-rate.js';
import { json } from '../http-call.js';
import type { Route } from '../router.js';
import { CAMPAIGN_ID_RE } from '../../campaigns/campaign.js';

export type ShopRateBoard = (campaignId: string, limit: number) => Promise<ShopRateRow[]>;

export function rewardRoutes(campaigns: CampaignStore, shopRate: ShopRateBoard): Route[] {
  return [
    {
      method: 'get',
      pattern: '/v1/campaigns/:id/leaderboard',
      roles: ['operator'],
      async handle(call) {
        const id = decodeURIComponent(call.params[0] ?? '');
        if (!CAMPAIGN_ID_RE.test(id)) throw notFound(`campaign ${id}`);
        const by = call.queryParam('by') ?? 'shop';
        if (by !== 'shop' && by !== 'clerk' && by !== 'shopRate') throw badRequest('by', 'must be shop, clerk or shopRate');
        const limitRaw = call.queryParam('limit');
        if (limitRaw !== null && (!/^\d{1,4}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 1000)) {
          throw badRequest('limit', 'must be an integer from 1 to 1000');
        }
        const limit = limitRaw === null ? 10 : Number(limitRaw);
        const c = await campaigns.require(id);
        if (by === 'shopRate') return json('200 OK', JSON.stringify(await shopRate(c.def.id, limit)));
        return json('200 OK', JSON.stringify(await campaigns.leaderboard(c, by, limit)));
      },
    },
  ];
}
