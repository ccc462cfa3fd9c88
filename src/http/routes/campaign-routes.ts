// Campaigns: create, list, read with live counters, change (pause, resume, end,
// extend, top up), stats.
import { badRequest, notFound } from '../../errors.js';
import { CAMPAIGN_ID_RE, parseCampaignInput, phaseOf, publicCampaign, type CampaignPhase } from '../../campaigns/campaign.js';
import { parseCampaignPatch } from '../../campaigns/campaign-patch.js';
import { actorOf } from '../actor.js';
import { parseSkuLook, type SkuPages } from '../../campaigns/sku-pages.js';
import type { CampaignStore, CompiledCampaign } from '../../campaigns/campaign-store.js';
import type { BatchStore } from '../../batches/batch-store.js';
import { parseJsonObject } from '../../validation/json-fields.js';
import { json } from '../http-call.js';
import type { HttpCall } from '../http-call.js';
import type { Route } from '../router.js';

const PHASES: readonly (CampaignPhase | 'all')[] = ['draft', 'scheduled', 'live', 'paused', 'ended', 'all'];

function campaignIdParam(call: HttpCall): string {
  const raw = decodeURIComponent(call.params[0] ?? '');
  if (!CAMPAIGN_ID_RE.test(raw)) throw notFound(`campaign ${raw}`);
  return raw;
}

const SKU_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

function skuParam(call: HttpCall): string {
  const raw = decodeURIComponent(call.params[0] ?? '');
  if (!SKU_RE.test(raw)) throw notFound(`sku ${raw}`);
  return raw;
}

export function campaignRoutes(campaigns: CampaignStore, batches: BatchStore, now: () => number, skuPages: SkuPages): Route[] {
  /** the definition, its state now, and each prize's live counters and top-ups */
  const detail = async (c: CompiledCampaign): Promise<string> => {
    const live = await campaigns.live(c);
    const prizes = c.def.prizes.map(({ ppm: _ppm, ...p }) => ({ ...p, ...live.get(p.id) }));
    return JSON.stringify({ ...publicCampaign(c.def), state: phaseOf(c.def, now()), prizes });
  };
  return [
    {
      // a product's scan-page look, whatever campaign covers it (a campaign's own settings go over it)
      method: 'put',
      pattern: '/v1/skus/:sku/page',
      roles: ['operator'],
      body: true,
      async handle(call, body) {
        const sku = skuParam(call);
        const look = parseSkuLook(parseJsonObject(body as Buffer));
        await skuPages.set(sku, look);
        return json('200 OK', JSON.stringify({ sku, ...look }));
      },
    },
    {
      method: 'get',
      pattern: '/v1/skus/:sku/page',
      roles: ['operator'],
      async handle(call) {
        const sku = skuParam(call);
        const look = await skuPages.get(sku);
        if (look === null) throw notFound(`page settings of sku ${sku}`);
        return json('200 OK', JSON.stringify({ sku, ...look }));
      },
    },
    {
      method: 'get',
      pattern: '/v1/campaigns',
      roles: ['operator'],
      async handle(call) {
        const state = call.queryParam('state') ?? 'all';
        if (!PHASES.includes(state as CampaignPhase | 'all')) throw badRequest('state', `must be one of ${PHASES.join(', ')}`);
        await campaigns.loadIfChanged();
        return json('200 OK', JSON.stringify({ campaigns: campaigns.list(state as CampaignPhase | 'all') }));
      },
    },
    {
      method: 'patch',
      pattern: '/v1/campaigns/:id',
      roles: ['operator'],
      body: true,
      async handle(call, body) {
        const id = campaignIdParam(call);
        // the key's id (stable) and the name staff gave it (what the change log shows)
        const who = { id: actorOf(call), name: call.credential?.name ?? actorOf(call) };
        const c = await campaigns.require(id);
        const patch = parseCampaignPatch(parseJsonObject(body as Buffer), c.def, now());
        const changed = await campaigns.patch(id, patch, who, async (bid) => (await batches.get(bid))?.sku);
        return json('200 OK', await detail(changed));
      },
    },
    {
      method: 'post',
      pattern: '/v1/campaigns',
      roles: ['operator'],
      body: true,
      async handle(call, body) {
        const def = parseCampaignInput(parseJsonObject(body as Buffer), now());
        const c = await campaigns.create(def, async (id) => (await batches.get(id))?.sku, { id: actorOf(call), name: call.credential?.name ?? actorOf(call) });
        const live = await campaigns.live(c);
        return json('201 Created', JSON.stringify({ ...publicCampaign(c.def), live: Object.fromEntries(live) }));
      },
    },
    {
      method: 'get',
      pattern: '/v1/campaigns/:id',
      roles: ['operator'],
      async handle(call) {
        return json('200 OK', await detail(await campaigns.require(campaignIdParam(call))));
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
