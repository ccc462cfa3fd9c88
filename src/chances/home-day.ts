// What a script on a user's home shard (lua/drawChance-9.lua, lua/countCard-7.lua) is told of the campaign's
// day there: which day the engine believes it is (the script answers `stale` when its clock disagrees),
// that day's bounds and number for paced releases, the user's day limit, and how the campaign's buckets
// are split over the shards.
import { ALL_SHARDS, homeIndex } from '../redis/keys.js';
import type { CompiledCampaign } from '../campaigns/compiled-campaign.js';

export interface HomeDay {
  readonly startsAtMs: number;
  readonly day: string;
  readonly dayStart: number;
  readonly dayEnd: number;
  /** the day's number since the campaign's first day */
  readonly dayIndex: number;
  readonly userWinsPerDay: number;
  /** the user's home shard's index, and the number of shards */
  readonly shard: number;
  readonly shards: number;
}

/** the campaign's day of `bounds` (CampaignDay.bounds of the time the engine believes) on `user`'s home shard */
export function homeDayOf(c: CompiledCampaign, bounds: { readonly day: string; readonly start: number; readonly end: number }, user: string): HomeDay {
  return {
    startsAtMs: c.def.startsAtMs,
    day: bounds.day,
    dayStart: bounds.start,
    dayEnd: bounds.end,
    dayIndex: Math.round((bounds.start - c.firstDayStart) / 86_400_000),
    userWinsPerDay: c.def.limits.userWinsPerDay ?? 0,
    shard: homeIndex(user),
    shards: ALL_SHARDS.length,
  };
}
