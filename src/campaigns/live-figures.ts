// A campaign's live figures per prize: stock and budget left as the scan script keeps them in every
// shard's state hash, top-ups, paced releases by now and today; wins as the persist steps count them
// from the stored events (they lag the answers by one persist step, see src/aggregates/campaign-figures.ts).
import { statsField } from '../redis/campaign-fields.js';
import { stateField } from '../redis/campaign-fields.js';
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { CompiledCampaign } from './compiled-campaign.js';
import { releasedBy } from './pacing.js';

export interface PrizeLive {
  stockLeft: number | null;
  budgetLeft: number | null;
  wonToday: number;
  won: number;
  /** stock and budget added by PATCH top-ups, in total */
  toppedUp: { stock: number; budget: number };
  /** a paced prize's units released by now (null: not paced) */
  released?: number | null;
  /** of those, the units released today (the campaign zone's day) */
  releasedToday?: number;
}

/** A Map per prize id, so that no prize id can name a property of Object.prototype. */
export async function liveFigures(redis: RedisClient, c: CompiledCampaign, now: number): Promise<Map<string, PrizeLive>> {
  const d = c.day.dayOf(now);
  const day = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`;
  const out = new Map<string, PrizeLive>();
  for (const p of c.def.prizes) out.set(p.id, { stockLeft: p.stock === null ? null : 0, budgetLeft: p.budget === null ? null : 0, wonToday: 0, won: 0, toppedUp: { stock: 0, budget: 0 } });
  let seed = '';
  for (const t of ALL_SHARDS) {
    const [state, stats] = await Promise.all([redis.hgetall(keys.campaignState(t, c.def.id)), redis.hgetall(keys.campaignStats(t, c.def.id))]);
    seed ||= state[stateField.seed] ?? '';
    for (const p of c.def.prizes) {
      const l = out.get(p.id) as PrizeLive;
      if (l.stockLeft !== null) l.stockLeft += Number(state[stateField.stock(p.id)] ?? 0);
      if (l.budgetLeft !== null) l.budgetLeft += Number(state[stateField.budget(p.id)] ?? 0);
      l.won += Number(stats[statsField.won(p.id)] ?? 0);
      l.wonToday += Number(stats[statsField.wonOn(p.id, day)] ?? 0);
      l.toppedUp.stock += Number(state[stateField.toppedUpStock(p.id)] ?? 0);
      l.toppedUp.budget += Number(state[stateField.toppedUpBudget(p.id)] ?? 0);
    }
  }
  const paced = { startsAtMs: c.def.startsAtMs, day: c.day, firstDayStart: c.firstDayStart };
  // released before today (the campaign zone's day) began: the rest is today's release
  const beforeToday = c.day.bounds(now).start - 1;
  for (const p of c.def.prizes) {
    if (!p.release) continue;
    const l = out.get(p.id) as PrizeLive;
    l.released = releasedBy(now, p, paced, seed);
    l.releasedToday = (l.released ?? 0) - (beforeToday < c.def.startsAtMs ? 0 : (releasedBy(beforeToday, p, paced, seed) ?? 0));
  }
  return out;
}
