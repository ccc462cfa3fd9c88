// Creating a campaign: under the creation lock, with every definition read first, refused when the id
// exists or (unless it is a draft) its scope overlaps a live one; its buckets filled, its definition
// published, and its creation recorded as a campaign event.
import { conflict } from '../errors.js';
import type { Campaign } from './campaign.js';
import { fillBuckets, newReleaseSeed } from './campaign-buckets.js';
import { NO_CHANGE, recordChange, type ChangeContext, type Who } from './campaign-change.js';
import type { CompiledCampaign } from './compiled-campaign.js';
import { withCreationLock } from './creation-lock.js';
import { checkNoOverlap, type BatchSkuOf } from './scope-overlap.js';

export async function createCampaign(ctx: ChangeContext, def: Campaign, batchSku: BatchSkuOf, who: Who): Promise<CompiledCampaign> {
  const { definitions } = ctx;
  return withCreationLock(ctx.redis, ctx.now, async () => {
    await definitions.loadAll();
    if (definitions.index.has(def.id)) throw conflict(`campaign ${def.id} exists`);
    // a draft covers no code: its scope is checked when it is published
    if (def.state !== 'draft') await checkNoOverlap(definitions.index, def, batchSku, ctx.now());
    await fillBuckets(ctx.redis, def, newReleaseSeed());
    const created = await definitions.publish(def);
    // the creation is an event like every change (the change log reads them); a live campaign is
    // published now: it covers codes from this moment (or its start, if later)
    const live = def.state !== 'draft';
    await recordChange(ctx, def.id, NO_CHANGE, who, live ? { created: true, state: 'live', published: true } : { created: true, state: 'draft' });
    return created;
  });
}
