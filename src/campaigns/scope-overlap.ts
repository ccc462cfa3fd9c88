// Two live campaigns never cover the same code: a new or published campaign, or a later end, is refused
// (409) when its scope and time overlap another live or scheduled campaign's.
import { conflict } from '../errors.js';
import type { Campaign } from './campaign.js';
import type { CampaignIndex } from './campaign-index.js';

/** the SKU of a batch, read from Redis (undefined: no such batch) */
export type BatchSkuOf = (batchId: number) => Promise<string | undefined>;

function scopesOverlap(a: Campaign, b: Campaign, batchSku: (id: number) => string | undefined): boolean {
  if (a.startsAtMs >= b.endsAtMs || b.startsAtMs >= a.endsAtMs) return false;
  const skusB = new Set(b.scope.skus);
  if (a.scope.skus.some((s) => skusB.has(s))) return true;
  const idsB = new Set(b.scope.batchIds);
  if (a.scope.batchIds.some((id) => idsB.has(id))) return true;
  const skusA = new Set(a.scope.skus);
  if (b.scope.batchIds.some((id) => skusA.has(batchSku(id) ?? ''))) return true;
  return a.scope.batchIds.some((id) => skusB.has(batchSku(id) ?? ''));
}

/** Throws 409 naming the first indexed campaign, not ended, not a draft, whose scope `def` overlaps. */
export async function checkNoOverlap(index: CampaignIndex, def: Campaign, batchSku: BatchSkuOf, now: number): Promise<void> {
  const skus = new Map<number, string | undefined>();
  for (const c of index.all()) {
    if (c.def.id === def.id || c.def.endsAtMs <= now || c.def.state === 'ended' || c.def.state === 'draft') continue;
    for (const id of [...c.def.scope.batchIds, ...def.scope.batchIds]) if (!skus.has(id)) skus.set(id, await batchSku(id));
    if (scopesOverlap(def, c.def, (id) => skus.get(id))) throw conflict(`scope overlaps live campaign ${c.def.id}`);
  }
}
