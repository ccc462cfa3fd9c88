// GET /v1/campaigns/{id}/stats: scans by outcome and reason and diverted scans, summed over every
// shard's stats hash (derived from the stored events), with each prize's wins and what is left.
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { CompiledCampaign } from './compiled-campaign.js';
import { liveFigures, type PrizeLive } from './live-figures.js';

export async function campaignStats(redis: RedisClient, c: CompiledCampaign, now: number): Promise<Record<string, unknown>> {
  // Maps, turned into objects with Object.fromEntries (own properties even for "__proto__")
  const outcomes = new Map<string, number>();
  const reasons = new Map<string, number>();
  let scans = 0;
  let diverted = 0;
  for (const t of ALL_SHARDS) {
    const h = await redis.hgetall(keys.campaignStats(t, c.def.id));
    for (const [k, v] of Object.entries(h)) {
      const n = Number(v);
      if (k === 'diverted') diverted += n;
      else if (k.startsWith('o:')) {
        scans += n;
        const [outcome, reason] = k.slice(2).split(':') as [string, string | undefined];
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + n);
        if (reason !== undefined) reasons.set(reason, (reasons.get(reason) ?? 0) + n);
      }
    }
  }
  const live = await liveFigures(redis, c, now);
  const prizes = new Map<string, { won: number; stockLeft: number | null; budgetLeft: number | null }>();
  for (const p of c.def.prizes) {
    const l = live.get(p.id) as PrizeLive;
    prizes.set(p.id, { won: l.won, stockLeft: l.stockLeft, budgetLeft: l.budgetLeft });
  }
  return { campaignId: c.def.id, scans, outcomes: Object.fromEntries(outcomes), reasons: Object.fromEntries(reasons), prizes: Object.fromEntries(prizes), diverted };
}
