// Campaigns (CONTRACT §4.3): create, read with live counters, stats.
import { notFound } from '../../errors.js';
import { parseCampaignInput, publicCampaign } from '../../campaigns/campaign.js';
import type { CampaignStore } from '../../campaigns/campaign-store.js';
import type { BatchStore } from '../../batches/batch-store.js';
import { parseJsonObject } from '../../validation/json-fields.js';
import { json } from '../http-call.js';
import type { HttpCall } from '../http-call.js';
import type { Route } from '../router.js';

function campaignIdParam(call: HttpCall): string {
  const raw = decodeURIComponent(call.params[0] ?? '');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(raw)) throw notFound(`campaign ${raw}`);
  return raw;
}

export function campaignRoutes(campaigns: CampaignStore, batches: BatchStore, now: () => number): Route[] {
  return [
    {
      method: 'post',
      pattern: '/v1/campaigns',
      roles: ['operator'],
      body: true,
      async handle(_call, body) {
        const def = parseCampaignInput(parseJsonObject(body as Buffer), now());
        const c = await campaigns.create(def, async (id) => (await batches.get(id))?.sku);
        const live = await campaigns.live(c);
        return json('201 Created', JSON.stringify({ ...publicCampaign(c.def), live: Object.fromEntries(live) }));
      },
    },
    {
      method: 'get',
      pattern: '/v1/campaigns/:id',
      roles: ['operator'],
      async handle(call) {
        const c = await campaigns.require(campaignIdParam(call));
        const live = await campaigns.live(c);
        const prizes = c.def.prizes.map(({ ppm: _ppm, ...p }) => ({ ...p, ...live.get(p.id) }));
        return json('200 OK', JSON.stringify({ ...publicCampaign(c.def), prizes }));
      },
    },
    {
      method: 'get',
      pattern: '/v1/campaigns/:id/stats',
      roles: ['operator'],
      async handle(call) {
        const c = await campaigns.require(campaignIdParam(call));
        return json('200 OK', JSON.stringify(await campaigns.stats(c)));
      },
    },
  ];
}
