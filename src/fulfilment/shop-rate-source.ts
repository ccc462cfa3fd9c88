// Aggregate source of the shop scan rate (店铺扫码率): a shop's first scan of a box counts the box (per
// box batch: how many items a box holds is read from the batch when the board is read), and a
// consumer's first scan of an item attributed to a shop (the shop of the box it came in, or named by
// the scan) counts one scanned item. Per campaign of the scan event.
import type { AggregateSource } from '../aggregates/aggregate-op.js';
import { keys } from '../redis/keys.js';

const FIRST_SCAN = new Set(['won', 'lost', 'verified']);

export const shopRateSource: AggregateSource = (event, tag) => {
  if (event.type !== 'scan' || !FIRST_SCAN.has(String(event.outcome))) return [];
  const { campaignId, shop, kind, batchId } = event;
  if (typeof campaignId !== 'string' || typeof shop !== 'string' || shop === '') return [];
  const key = keys.shopRate(tag, campaignId);
  if (kind === 'box' && typeof batchId === 'number') return [{ kind: 'hincrby', key, field: `b:${batchId}:${shop}`, by: 1 }];
  if (kind === 'item') return [{ kind: 'hincrby', key, field: `s:${shop}`, by: 1 }];
  return [];
};
