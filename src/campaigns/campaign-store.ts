// Campaigns, as the rest of the engine uses them: one object over the parts in this folder. The
// definition lives under {meta} (campaign-definitions.ts) and in the engine's memory
// (campaign-index.ts: the hot path reads only memory); the live counters (stock, budget, wins, stats)
// live in every shard, where the scan script reads them (live-figures.ts, campaign-stats.ts). Creating
// and changing a campaign (campaign-creation.ts, campaign-patching.ts) record a campaign event each.
import { notFound } from '../errors.js';
import type { RedisClient } from '../redis/scripts.js';
import type { Batch } from '../batches/batch.js';
import type { Campaign, CampaignPhase } from './campaign.js';
import type { CampaignPatch } from './campaign-patch.js';
import type { ChangeContext, EventIdSource, Who } from './campaign-change.js';
import { createCampaign } from './campaign-creation.js';
import { CampaignDefinitions } from './campaign-definitions.js';
import type { CampaignListItem } from './campaign-index.js';
import { patchCampaign } from './campaign-patching.js';
import { campaignStats } from './campaign-stats.js';
import type { CompiledCampaign } from './compiled-campaign.js';
import { liveFigures, type PrizeLive } from './live-figures.js';
import { leaderboard, type BoardRow } from './leaderboard.js';
import type { BatchSkuOf } from './scope-overlap.js';

// the types callers of the store name with it (the scan path and the reports import them from here)
export type { CampaignListItem, CompiledCampaign, PrizeLive, Who };
export { compileCampaign } from './compiled-campaign.js';
export type { Prize } from './campaign.js';

export class CampaignStore {
  readonly #definitions: CampaignDefinitions;
  readonly #change: ChangeContext;

  /** `eventIds`: the ids of campaign events, the same generator as the scan path's (handed in by the engine) */
  constructor(
    private readonly redis: RedisClient,
    private readonly now: () => number,
    eventIds: EventIdSource,
  ) {
    this.#definitions = new CampaignDefinitions(redis);
    this.#change = { redis, now, definitions: this.#definitions, eventIds };
  }

  /** the Redis the campaigns live in: reports that read the win records use it too */
  get redisClient(): RedisClient {
    return this.redis;
  }

  onTopUp(listener: (id: string) => void): void {
    this.#definitions.onTopUp(listener);
  }

  loadAll(): Promise<void> {
    return this.#definitions.loadAll();
  }

  /** Re-reads the definitions only when a campaign was created or changed since the last read (one GET otherwise). */
  loadIfChanged(): Promise<void> {
    return this.#definitions.loadIfChanged();
  }

  /** Called when an engine announces a created or changed campaign (or topped one up). */
  refresh(id: string): Promise<void> {
    return this.#definitions.refresh(id);
  }

  /** Campaigns for the console and GET /v1/campaigns, newest first, optionally of one state. */
  list(state: CampaignPhase | 'all'): CampaignListItem[] {
    return this.#definitions.index.list(state, this.now());
  }

  all(): IterableIterator<CompiledCampaign> {
    return this.#definitions.index.all();
  }

  get(id: string): CompiledCampaign | undefined {
    return this.#definitions.index.get(id);
  }

  /** The live campaign that covers a batch at `now`, if any (a paused one still covers its codes). */
  coverFor(batch: Batch, now: number): CompiledCampaign | null {
    return this.#definitions.index.coverFor(batch, now);
  }

  /** The campaign whose brand a page about this batch shows (see CampaignIndex.brandFor). */
  brandFor(batch: Batch, now: number): CompiledCampaign | null {
    return this.#definitions.index.brandFor(batch, now);
  }

  /** A campaign covering the batch whose start or end lies within `ms` of `now` (not live at `now`). */
  nearEdge(batch: Batch, now: number, ms: number): CompiledCampaign | null {
    return this.#definitions.index.nearEdge(batch, now, ms);
  }

  create(def: Campaign, batchSku: BatchSkuOf, who: Who): Promise<CompiledCampaign> {
    return createCampaign(this.#change, def, batchSku, who);
  }

  patch(id: string, patch: CampaignPatch, who: Who, batchSku: BatchSkuOf): Promise<CompiledCampaign> {
    return patchCampaign(this.#change, id, patch, who, batchSku);
  }

  async require(id: string): Promise<CompiledCampaign> {
    await this.refresh(id);
    const c = this.get(id);
    if (!c) throw notFound(`campaign ${id}`);
    return c;
  }

  /** Stock, budget, wins, top-ups and paced releases per prize (see live-figures.ts). */
  live(c: CompiledCampaign): Promise<Map<string, PrizeLive>> {
    return liveFigures(this.redis, c, this.now());
  }

  stats(c: CompiledCampaign): Promise<Record<string, unknown>> {
    return campaignStats(this.redis, c, this.now());
  }

  /** Shops or clerks by first scans, ties to who got there first (merged over shards: see leaderboard.ts). */
  leaderboard(c: CompiledCampaign, by: 'shop' | 'clerk', limit: number): Promise<BoardRow[]> {
    return leaderboard(this.redis, c.def.id, by, limit);
  }
}
