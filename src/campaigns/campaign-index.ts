// The engine's in-memory index of compiled campaigns, by id, by SKU and by batch: what the hot path
// reads to find the campaign covering a code. Only the definitions' JSON feeds it; a definition seen
// before is not compiled again.
import type { Batch } from '../batches/batch.js';
import { phaseOf, type Campaign, type CampaignPhase } from './campaign.js';
import { compileCampaign, type CompiledCampaign } from './compiled-campaign.js';

export interface CampaignListItem {
  id: string;
  name: string;
  state: CampaignPhase;
  startsAt: string;
  endsAt: string;
  timezone: string;
  scope: Campaign['scope'];
}

/** live at `now`: between start and end, neither ended nor a draft (a draft covers nothing until it is published) */
const coversAt = (c: CompiledCampaign, now: number): boolean =>
  now >= c.def.startsAtMs && now < c.def.endsAtMs && c.def.state !== 'ended' && c.def.state !== 'draft';

export class CampaignIndex {
  readonly #byId = new Map<string, CompiledCampaign>();
  readonly #bySku = new Map<string, CompiledCampaign[]>();
  readonly #byBatch = new Map<number, CompiledCampaign[]>();
  /** the definition JSON each compiled campaign was built from: a changed one is compiled again */
  readonly #raw = new Map<string, string>();

  /** Compiles and indexes a definition unless this very JSON is indexed already. */
  rememberRaw(id: string, raw: string): void {
    if (this.#raw.get(id) === raw) return;
    this.#raw.set(id, raw);
    this.#remember(compileCampaign(JSON.parse(raw) as Campaign));
  }

  /** Adds or replaces a campaign in the indexes the hot path reads. */
  #remember(c: CompiledCampaign): void {
    const old = this.#byId.get(c.def.id);
    const swap = (list: CompiledCampaign[] | undefined): CompiledCampaign[] => [...(list ?? []).filter((x) => x !== old), c];
    this.#byId.set(c.def.id, c);
    if (old) {
      for (const sku of old.def.scope.skus) this.#bySku.set(sku, (this.#bySku.get(sku) ?? []).filter((x) => x !== old));
      for (const id of old.def.scope.batchIds) this.#byBatch.set(id, (this.#byBatch.get(id) ?? []).filter((x) => x !== old));
    }
    for (const sku of c.def.scope.skus) this.#bySku.set(sku, swap(this.#bySku.get(sku)));
    for (const id of c.def.scope.batchIds) this.#byBatch.set(id, swap(this.#byBatch.get(id)));
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  get(id: string): CompiledCampaign | undefined {
    return this.#byId.get(id);
  }

  all(): IterableIterator<CompiledCampaign> {
    return this.#byId.values();
  }

  /** Campaigns for the console and GET /v1/campaigns, newest first, optionally of one state. */
  list(state: CampaignPhase | 'all', now: number): CampaignListItem[] {
    const out: CampaignListItem[] = [];
    for (const { def } of this.#byId.values()) {
      const phase = phaseOf(def, now);
      if (state !== 'all' && phase !== state) continue;
      out.push({ id: def.id, name: def.name, state: phase, startsAt: def.startsAt, endsAt: def.endsAt, timezone: def.timezone, scope: def.scope });
    }
    return out.sort((a, b) => (a.startsAt < b.startsAt ? 1 : a.startsAt > b.startsAt ? -1 : a.id.localeCompare(b.id)));
  }

  /** The live campaign that covers a batch at `now`, if any. Live scopes never overlap. */
  /** A paused campaign still covers its codes: the scan script answers campaign_paused; an ended one does not. */
  coverFor(batch: Batch, now: number): CompiledCampaign | null {
    const byBatch = this.#byBatch.get(batch.batchId);
    if (byBatch) for (const c of byBatch) if (coversAt(c, now)) return c;
    const bySku = this.#bySku.get(batch.sku);
    if (bySku) for (const c of bySku) if (coversAt(c, now)) return c;
    return null;
  }

  /**
   * The campaign whose brand a page about this batch shows: the one covering it now, else the latest
   * published one that names it (ended or scheduled), else none. Not on the scan path.
   */
  brandFor(batch: Batch, now: number): CompiledCampaign | null {
    const cover = this.coverFor(batch, now);
    if (cover) return cover;
    const named = [...(this.#byBatch.get(batch.batchId) ?? []), ...(this.#bySku.get(batch.sku) ?? [])].filter((c) => c.def.state !== 'draft');
    return named.sort((a, b) => b.def.startsAtMs - a.def.startsAtMs)[0] ?? null;
  }

  /** A campaign covering the batch whose start or end lies within `ms` of `now` (not live at `now`). */
  nearEdge(batch: Batch, now: number, ms: number): CompiledCampaign | null {
    const near = (c: CompiledCampaign): boolean => c.def.state !== 'draft' && (Math.abs(now - c.def.startsAtMs) <= ms || Math.abs(now - c.def.endsAtMs) <= ms);
    for (const c of this.#byBatch.get(batch.batchId) ?? []) if (near(c)) return c;
    for (const c of this.#bySku.get(batch.sku) ?? []) if (near(c)) return c;
    return null;
  }
}
