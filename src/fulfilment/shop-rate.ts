// The shop scan rate board (GET /v1/campaigns/{id}/leaderboard?by=shopRate): per shop, the items in the
// boxes it opened (boxes counted by the shop-rate source, times the box batch's perBox), how many of
// them consumers scanned, and the ratio; ranked by rate, then by items scanned, then by shop id.
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { Batch } from '../batches/batch.js';

export interface ShopRateRow {
  id: string;
  opened: number;
  scanned: number;
  rate: number;
  rank: number;
}

export async function shopRateBoard(
  redis: RedisClient,
  campaignId: string,
  batchOf: (batchId: number) => Promise<Batch | null>,
  limit: number,
): Promise<ShopRateRow[]> {
  const opened = new Map<string, number>();
  const scanned = new Map<string, number>();
  const perBox = new Map<number, number>();
  for (const tag of ALL_SHARDS) {
    const h = await redis.hgetall(keys.shopRate(tag, campaignId));
    for (const [field, value] of Object.entries(h)) {
      const n = Number(value);
      if (field.startsWith('s:')) {
        const shop = field.slice(2);
        scanned.set(shop, (scanned.get(shop) ?? 0) + n);
        continue;
      }
      const m = /^b:(\d+):(.+)$/.exec(field);
      if (!m) continue;
      const boxBatch = Number(m[1]);
      if (!perBox.has(boxBatch)) perBox.set(boxBatch, (await batchOf(boxBatch))?.contains?.perBox ?? 0);
      const shop = m[2] as string;
      opened.set(shop, (opened.get(shop) ?? 0) + n * (perBox.get(boxBatch) ?? 0));
    }
  }
  const rows = [...opened.keys()].map((id) => {
    const o = opened.get(id) ?? 0;
    const s = scanned.get(id) ?? 0;
    return { id, opened: o, scanned: s, rate: o === 0 ? 0 : Math.round((s / o) * 10_000) / 10_000, rank: 0 };
  });
  rows.sort((a, b) => b.rate - a.rate || b.scanned - a.scanned || (a.id < b.id ? -1 : 1));
  return rows.slice(0, limit).map((r, i) => ({ ...r, rank: i + 1 }));
}
