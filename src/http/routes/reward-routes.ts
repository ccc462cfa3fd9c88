// Leaderboards and redemptions (CONTRACT §4.3).
import { badRequest, forbidden, notFound } from '../../errors.js';
import type { CampaignStore } from '../../campaigns/campaign-store.js';
import type { Redemptions } from '../../members/redemptions.js';
import { ID_RE, ID_WHAT, parseJsonObject, reqString } from '../../validation/json-fields.js';
import { json } from '../http-call.js';
import type { Route } from '../router.js';

export function rewardRoutes(campaigns: CampaignStore, redemptions: Redemptions): Route[] {
  return [
    {
      method: 'get',
      pattern: '/v1/campaigns/:id/leaderboard',
      roles: ['operator'],
      async handle(call) {
        const id = decodeURIComponent(call.params[0] ?? '');
        if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id)) throw notFound(`campaign ${id}`);
        const by = call.queryParam('by') ?? 'shop';
        if (by !== 'shop' && by !== 'clerk') throw badRequest('by', 'must be shop or clerk');
        const limitRaw = call.queryParam('limit');
        if (limitRaw !== null && (!/^\d{1,4}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 1000)) {
          throw badRequest('limit', 'must be an integer from 1 to 1000');
        }
        const c = await campaigns.require(id);
        return json('200 OK', JSON.stringify(await campaigns.leaderboard(c, by, limitRaw === null ? 10 : Number(limitRaw))));
      },
    },
    {
      method: 'post',
      pattern: '/v1/redemptions',
      roles: ['operator', 'shop'],
      body: true,
      async handle(call, body) {
        const o = parseJsonObject(body as Buffer);
        const eventId = reqString(o, 'eventId', /^[A-Za-z0-9_-]{1,64}$/, 'an event id');
        // a shop key redeems for its own shop only
        const own = call.credential?.role === 'shop' ? call.credential.shop : null;
        const shop = own !== null && (o.shop === undefined || o.shop === null) ? own : reqString(o, 'shop', ID_RE, ID_WHAT);
        if (own !== null && shop !== own) throw forbidden(`a shop key redeems for its own shop (${own}) only`);
        return json('201 Created', JSON.stringify(await redemptions.redeem(eventId, shop)));
      },
    },
  ];
}
