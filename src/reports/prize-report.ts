// A campaign's prizes side by side: wins in total and today (the campaign zone's day), stock and budget
// left, money spent, and for paced prizes the units released so far and today (today's paced release).
import type { CampaignStore, CompiledCampaign, PrizeLive } from '../campaigns/campaign-store.js';
import { dayInZone } from './zone-day.js';

export interface PrizeRow {
  id: string;
  name: string;
  kind: string;
  probability: number;
  won: number;
  wonToday: number;
  stock: number | null;
  stockLeft: number | null;
  /** fen */
  budget: number | null;
  budgetLeft: number | null;
  spent: number | null;
  dailyCap: number | null;
  release: { perDay: number } | { perHour: number } | null;
  released: number | null;
  /** units released today, the campaign zone's day (paced prizes) */
  releasedToday: number | null;
}

export async function prizeReport(campaigns: CampaignStore, c: CompiledCampaign, now: number): Promise<{ campaign: string; timezone: string; today: string; prizes: PrizeRow[] }> {
  const live = await campaigns.live(c);
  const prizes = c.def.prizes.map((p): PrizeRow => {
    const l = live.get(p.id) as PrizeLive;
    const budget = p.budget === null ? null : p.budget + l.toppedUp.budget;
    return {
      id: p.id,
      name: p.name,
      kind: p.kind,
      probability: p.probability,
      won: l.won,
      wonToday: l.wonToday,
      stock: p.stock === null ? null : p.stock + l.toppedUp.stock,
      stockLeft: l.stockLeft,
      budget,
      budgetLeft: l.budgetLeft,
      spent: budget === null || l.budgetLeft === null ? null : budget - l.budgetLeft,
      dailyCap: p.dailyCap,
      release: p.release ?? null,
      released: l.released ?? null,
      releasedToday: l.releasedToday ?? null,
    };
  });
  return { campaign: c.def.id, timezone: c.def.timezone, today: dayInZone(now, c.def.timezone), prizes };
}
