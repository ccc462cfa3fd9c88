// An operator's change of a campaign (PATCH): a live one's state, later end, top-ups and page look, the
// live state and top-ups with their event in one script call, then the definition the engines' caches
// follow; a draft's edit or publication. A later end and a publication are checked for overlap under
// the creation lock.
import { conflict, notFound } from '../errors.js';
import type { Campaign } from './campaign.js';
import { refillDraftBuckets } from './campaign-buckets.js';
import { recordChange, type ChangeContext, type Who } from './campaign-change.js';
import type { CampaignPatch } from './campaign-patch.js';
import type { CompiledCampaign } from './compiled-campaign.js';
import { withCreationLock } from './creation-lock.js';
import { checkNoOverlap, type BatchSkuOf } from './scope-overlap.js';

export async function patchCampaign(ctx: ChangeContext, id: string, patch: CampaignPatch, who: Who, batchSku: BatchSkuOf): Promise<CompiledCampaign> {
  const { definitions } = ctx;
  if (definitions.index.get(id)?.def.state === 'draft') return patchDraft(ctx, id, patch, who, batchSku);
  const apply = async (): Promise<CompiledCampaign> => {
    // a later end is checked against every campaign, as creation is: read them all first
    if (patch.endsAt !== null) await definitions.loadAll();
    else await definitions.refresh(id);
    const c = definitions.index.get(id);
    if (!c) throw notFound(`campaign ${id}`);
    if (c.def.state === 'ended') throw conflict(`campaign ${id} has ended`);
    if (c.def.state === 'draft') throw conflict(`campaign ${id} is a draft: try again`);
    // the page's look (page, theme, animation) comes as a whole new definition; the draw is unchanged
    const next: Campaign = { ...(patch.definition ?? c.def) };
    if (patch.state !== null) next.state = patch.state;
    if (patch.endsAt !== null) {
      next.endsAt = patch.endsAt.text;
      next.endsAtMs = patch.endsAt.ms;
      await checkNoOverlap(definitions.index, next, batchSku, ctx.now());
    }
    const change: Record<string, unknown> = {};
    if (patch.state !== null) change.state = patch.state;
    if (patch.endsAt !== null) change.endsAt = patch.endsAt.text;
    if (patch.prizes.length > 0) change.prizes = patch.prizes;
    if (patch.fields.length > 0) change.fields = patch.fields;
    await recordChange(ctx, id, patch, who, change);
    const redefined = patch.state !== null || patch.endsAt !== null || patch.definition !== null;
    if (patch.prizes.length > 0) {
      // units that a scan elsewhere may have been told are out: every engine hears of them now
      definitions.toppedUp(id);
      if (!redefined) await definitions.announce(id);
    }
    if (!redefined) return c;
    return definitions.publish(next);
  };
  return patch.endsAt !== null ? withCreationLock(ctx.redis, ctx.now, apply) : apply();
}

/** A draft's edit (any field) or its publication (the scope overlap is checked then), with its event. */
async function patchDraft(ctx: ChangeContext, id: string, patch: CampaignPatch, who: Who, batchSku: BatchSkuOf): Promise<CompiledCampaign> {
  const { definitions } = ctx;
  return withCreationLock(ctx.redis, ctx.now, async () => {
    await definitions.loadAll();
    const c = definitions.index.get(id);
    if (!c) throw notFound(`campaign ${id}`);
    if (c.def.state !== 'draft') throw conflict(`campaign ${id} is no longer a draft`);
    const next: Campaign = { ...(patch.definition ?? c.def) };
    if (patch.state === 'live') {
      delete next.state;
      await checkNoOverlap(definitions.index, next, batchSku, ctx.now());
    }
    if (JSON.stringify(next.prizes) !== JSON.stringify(c.def.prizes)) await refillDraftBuckets(ctx.redis, next);
    const change: Record<string, unknown> = {};
    // `published`: the moment the campaign began to cover codes (the audit's window starts there)
    if (patch.state === 'live') Object.assign(change, { state: 'live', published: true });
    if (patch.fields.length > 0) change.fields = patch.fields;
    await recordChange(ctx, id, { state: patch.state, endsAt: null, prizes: [], definition: null, fields: [] }, who, change);
    return definitions.publish(next);
  });
}
