// The seed of a campaign's guaranteed release moments, read once per campaign and kept: it is the same in
// every shard and never changes (src/campaigns/campaign-buckets.ts writes it with the buckets). The scan
// path and the draws need it to count the units a paced prize has released when they pull units.
import { stateField } from '../redis/campaign-fields.js';
import { ALL_SHARDS, keys, type ShardTag } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';

export class ReleaseSeeds {
  readonly #seeds = new Map<string, string>();

  constructor(private readonly redis: RedisClient) {}

  async of(campaignId: string): Promise<string> {
    let seed = this.#seeds.get(campaignId);
    if (seed === undefined) {
      seed = (await this.redis.hget(keys.campaignState(ALL_SHARDS[0] as ShardTag, campaignId), stateField.seed)) ?? '';
      this.#seeds.set(campaignId, seed);
    }
    return seed;
  }

  /** the seed if it was read before, without a Redis call */
  known(campaignId: string): string | undefined {
    return this.#seeds.get(campaignId);
  }
}
