// Where a user's day limits and an IP's minute limit are counted when a campaign spreads over S shards.
// A limit of at least SPLIT_MIN_PER_SHARD × S (a safety net: 1,000,000 scans a day) is split into
// per-shard parts that sum to it, each counted in the code's shard: no extra call, never exceeded; a
// user could be refused at 1/S of it only by scanning every code in one shard (serials interleave over
// the shards). A smaller limit (3 wins a day) is counted whole on the user's (the IP's) home shard, by a
// reservation before the scan (src/scan/home-limits.ts).
import { shareOf } from '../redis/keys.js';

export const SPLIT_MIN_PER_SHARD = 1_000;

export interface PlacedLimit {
  /** what shard `shard` checks: its part when split, else the whole limit (checked only when the user is decided there) */
  readonly here: number;
  /** what the home shard reserves against (0: nothing kept at home) */
  readonly home: number;
  /** split over the shards (or a single shard): counted in the code's shard */
  readonly split: boolean;
}

export function placeLimit(value: number | null, shard: number, shards: number): PlacedLimit {
  if (value === null || value === 0) return { here: 0, home: 0, split: true };
  if (shards === 1) return { here: value, home: 0, split: true };
  if (value >= SPLIT_MIN_PER_SHARD * shards) return { here: shareOf(value, shard, shards), home: 0, split: true };
  return { here: value, home: value, split: false };
}
