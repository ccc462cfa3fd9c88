// Campaign definitions under {meta}, as every engine sees them: read once at start, read again only
// when the version counter moved (or a pub/sub message names a campaign), and published by the engine
// that created or changed one. What is read feeds the in-memory index the hot path reads.
import { keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { Campaign } from './campaign.js';
import { CampaignIndex } from './campaign-index.js';
import type { CompiledCampaign } from './compiled-campaign.js';

export class CampaignDefinitions {
  readonly index = new CampaignIndex();
  #seenVersion: string | null = null;
  /** told when a campaign's stock or budget may have grown (a top-up here, or announced by another engine) */
  readonly #toppedUp: ((id: string) => void)[] = [];

  constructor(private readonly redis: RedisClient) {}

  onTopUp(listener: (id: string) => void): void {
    this.#toppedUp.push(listener);
  }

  toppedUp(id: string): void {
    for (const l of this.#toppedUp) l(id);
  }

  async loadAll(): Promise<void> {
    // the version is read first: a campaign created or changed in between makes the next check read again
    this.#seenVersion = await this.redis.get(keys.campaignVersion);
    const all = await this.redis.hgetall(keys.campaignDefs);
    for (const [id, raw] of Object.entries(all)) this.index.rememberRaw(id, raw);
  }

  /** Re-reads the definitions only when a campaign was created or changed since the last read (one GET otherwise). */
  async loadIfChanged(): Promise<void> {
    if ((await this.redis.get(keys.campaignVersion)) !== this.#seenVersion) await this.loadAll();
  }

  /** Called when an engine announces a created or changed campaign (or topped one up). */
  async refresh(id: string): Promise<void> {
    this.toppedUp(id);
    const raw = await this.redis.hget(keys.campaignDefs, id);
    if (raw !== null) this.index.rememberRaw(id, raw);
  }

  /** Stores a new or changed definition and tells every engine (they re-read it within a second). */
  async publish(def: Campaign): Promise<CompiledCampaign> {
    const raw = JSON.stringify(def);
    await this.redis.hset(keys.campaignDefs, def.id, raw);
    await this.redis.incr(keys.campaignVersion);
    this.index.rememberRaw(def.id, raw);
    await this.redis.publish(keys.definitionsChannel, `campaign:${def.id}`);
    return this.index.get(def.id) as CompiledCampaign;
  }

  /** tells every engine to read a campaign again without a new definition (units were topped up) */
  announce(id: string): Promise<number> {
    return this.redis.publish(keys.definitionsChannel, `campaign:${id}`);
  }
}
