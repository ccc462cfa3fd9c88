// One bucket of a campaign's prize in one shard, as the scan script keeps it (shards-spec "Bucket
// layout"): which hash and field hold it, and what else counts towards the units it has available.
import { dayField, stateField } from '../redis/campaign-fields.js';
import { ALL_SHARDS, keys, shareOf, type ShardTag } from '../redis/keys.js';

export type BucketKind = 'stock' | 'budget' | 'daily' | 'paced';

/** what a pull asks for: stock units, budget amount, or daily-cap units of one day */
export interface BucketRef {
  campaignId: string;
  prize: string;
  kind: BucketKind;
  /** YYYYMMDD in the campaign's time zone; required for `daily` */
  day?: string;
  /** the prize's dailyCap; required for `daily` */
  dailyCap?: number;
  /** `paced`: the units of the prize released by `at` (src/campaigns/pacing.ts), and that time (shared clock ms) */
  released?: number;
  at?: number;
}

/** the day hash lives three days from its first write, as the scan script sets it */
export const DAY_TTL_S = 259_200;

export type BucketField =
  | ReturnType<typeof stateField.stock>
  | ReturnType<typeof stateField.budget>
  | ReturnType<typeof dayField.capMoved>
  | ReturnType<typeof stateField.pacedMoved>;

/** the prize id of a bucket field */
export const prizeOfField = (field: string): string => field.slice(field.indexOf(':') + 1);

/** which bucket a field holds (an open transfer records only the field) */
export function kindOfField(field: string): BucketKind {
  const prize = prizeOfField(field);
  if (field === stateField.stock(prize)) return 'stock';
  if (field === stateField.budget(prize)) return 'budget';
  if (field === stateField.pacedMoved(prize)) return 'paced';
  return 'daily';
}

/** where one bucket lives in one shard, in the terms of lua/takeUnits-2.lua's arguments */
export interface BucketPlace {
  key: string;
  field: BucketField;
  /** units counted besides the field: the shard's share of the dailyCap, else 0 */
  base: number;
  /** field of wins subtracted from the available units ('' none) */
  winsField: string;
  /** seconds the hash lives when a take or give creates it (0: no expiry) */
  ttlS: number;
  /** paced: the shared clock ms `base` was counted at; a take is refused while the shard's clock is before it */
  countedAt?: number;
}

function fieldOf(ref: BucketRef): BucketField {
  if (ref.kind === 'stock') return stateField.stock(ref.prize);
  if (ref.kind === 'budget') return stateField.budget(ref.prize);
  if (ref.kind === 'paced') return stateField.pacedMoved(ref.prize);
  return dayField.capMoved(ref.prize);
}

export function dayOf(ref: BucketRef): string {
  if (ref.kind !== 'daily') return '';
  if (ref.day === undefined || !/^\d{8}$/.test(ref.day)) throw new Error(`a daily bucket needs a day YYYYMMDD, got ${String(ref.day)}`);
  return ref.day;
}

export function bucketPlace(ref: BucketRef, shard: ShardTag): BucketPlace {
  const field = fieldOf(ref);
  const index = ALL_SHARDS.indexOf(shard);
  if (ref.kind === 'paced') {
    if (ref.released === undefined || ref.at === undefined) throw new Error('a paced bucket needs the units released and when');
    if (index < 0) throw new Error(`${shard} is not a shard of this deployment`);
    // the shard's part of the units released so far, plus units moved in, minus its paced wins
    return { key: keys.campaignState(shard, ref.campaignId), field, base: shareOf(ref.released, index, ALL_SHARDS.length), winsField: stateField.pacedWins(ref.prize), ttlS: 0, countedAt: ref.at };
  }
  if (ref.kind !== 'daily') return { key: keys.campaignState(shard, ref.campaignId), field, base: 0, winsField: '', ttlS: 0 };
  if (index < 0) throw new Error(`${shard} is not a shard of this deployment`);
  if (ref.dailyCap === undefined) throw new Error('a daily bucket needs the prize dailyCap');
  return {
    key: keys.campaignDay(shard, ref.campaignId, dayOf(ref)),
    field,
    base: shareOf(ref.dailyCap, index, ALL_SHARDS.length),
    winsField: dayField.wins(ref.prize),
    ttlS: DAY_TTL_S,
  };
}

/** the target's bucket of an open transfer, from what the take recorded (field and day) */
export function targetPlace(campaignId: string, to: ShardTag, field: BucketField, day: string): { key: string; ttlS: number } {
  return kindOfField(field) === 'daily' ? { key: keys.campaignDay(to, campaignId, day), ttlS: DAY_TTL_S } : { key: keys.campaignState(to, campaignId), ttlS: 0 };
}
