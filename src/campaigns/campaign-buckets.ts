// A campaign's stock and budget split into per-shard buckets of its state hash: the parts sum to the
// totals. A draft's buckets are filled too (nothing can be won from them) so that the audit finds every
// campaign's units, and filled again from scratch when a draft's prizes change.
import { randomBytes } from 'node:crypto';
import { stateField } from '../redis/campaign-fields.js';
import { ALL_SHARDS, keys, shareOf } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { Campaign } from './campaign.js';

/**
 * the seed of the guaranteed release moments: unknown outside Redis, so nobody can time a scan to them;
 * one for every shard, whose parts of the released units must add up
 */
export const newReleaseSeed = (): string => randomBytes(16).toString('hex');

export async function fillBuckets(redis: RedisClient, def: Campaign, seed: string): Promise<void> {
  for (const [i, t] of ALL_SHARDS.entries()) {
    const init: string[] = [];
    for (const p of def.prizes) {
      if (p.stock !== null) init.push(stateField.stock(p.id), String(shareOf(p.stock, i, ALL_SHARDS.length)));
      if (p.budget !== null) init.push(stateField.budget(p.id), String(shareOf(p.budget, i, ALL_SHARDS.length)));
    }
    init.push(stateField.seed, seed);
    await redis.hset(keys.campaignState(t, def.id), ...init);
  }
}

/** A draft's buckets again from its changed prizes, keeping its seed. */
export async function refillDraftBuckets(redis: RedisClient, def: Campaign): Promise<void> {
  const seed = (await redis.hget(keys.campaignState(ALL_SHARDS[0] as string, def.id), stateField.seed)) ?? newReleaseSeed();
  for (const t of ALL_SHARDS) await redis.del(keys.campaignState(t, def.id));
  await fillBuckets(redis, def, seed);
}
