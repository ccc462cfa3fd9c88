// The record of a transfer taken from a source shard and not yet closed, as takeUnits stores it in the
// source's `moves` hash (transfer id -> this JSON).
import type { ShardTag } from '../redis/keys.js';
import type { BucketField } from './bucket.js';

export interface OpenMove {
  /** the target shard's tag */
  to: ShardTag;
  field: BucketField;
  /** YYYYMMDD for a daily-cap transfer, '' otherwise */
  day: string;
  units: number;
  /** ms when taken */
  at: number;
}

export function parseOpenMove(json: string): OpenMove {
  const o = JSON.parse(json) as Partial<OpenMove>;
  if (typeof o.to !== 'string' || typeof o.field !== 'string' || !/^(s|b|c|pa):/.test(o.field) || typeof o.day !== 'string' || !Number.isSafeInteger(o.units) || typeof o.at !== 'number') {
    throw new Error(`not an open transfer record: ${json}`);
  }
  return { to: o.to, field: o.field as BucketField, day: o.day, units: o.units as number, at: o.at };
}
