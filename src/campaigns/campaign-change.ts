// Every change of a campaign, its creation included, is a campaign event written in the same script call
// as the change's live state (lua/patchCampaign-2.lua) on the first shard; the state and end go to the
// others after it. The change log and the DCRM read these events.
import { conflict } from '../errors.js';
import { stateField } from '../redis/campaign-fields.js';
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { CampaignDefinitions } from './campaign-definitions.js';
import type { CampaignPatch } from './campaign-patch.js';
import { runPatchCampaign } from './patch-campaign-script.js';

/** who made a change: the credential's id and the name its owner gave it */
export interface Who {
  id: string;
  name: string;
}

/** the ids of stored events, handed in by the composition root (the scan path makes them the same way) */
export interface EventIdSource {
  next(now: number): string;
}

/** what creating and changing a campaign works with */
export interface ChangeContext {
  readonly redis: RedisClient;
  readonly now: () => number;
  readonly definitions: CampaignDefinitions;
  readonly eventIds: EventIdSource;
}

/** a creation's event changes no live state */
export const NO_CHANGE: CampaignPatch = { state: null, endsAt: null, prizes: [], definition: null, fields: [] };

export async function recordChange(ctx: ChangeContext, id: string, patch: CampaignPatch, who: Who, change: Record<string, unknown>): Promise<void> {
  const { redis, eventIds } = ctx;
  const now = ctx.now();
  const event = JSON.stringify({ id: eventIds.next(now), type: 'campaign', at: new Date(now).toISOString(), campaignId: id, who: who.id, whoName: who.name, change });
  const [first, ...others] = ALL_SHARDS as [string, ...string[]];
  // the event and the top-ups go to one shard (stock lives whole in one shard today); state and end to every shard
  if ((await runPatchCampaign(redis, first, id, patch, event)) === 'ended') throw conflict(`campaign ${id} has ended`);
  for (const t of others) {
    if (patch.state !== null) await redis.hset(keys.campaignState(t, id), stateField.state, patch.state);
    if (patch.endsAt !== null) await redis.hset(keys.campaignState(t, id), stateField.end, String(patch.endsAt.ms));
  }
}
