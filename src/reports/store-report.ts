// GET /v1/reports/store: a campaign's store activity (src/reports/store-activity.ts) with each set's
// prize beside its completions: the stock it started with (top-ups included) and what is left, so that
// set prizes won <= stock can be read off the report.
import type { CampaignStore, CompiledCampaign, PrizeLive } from '../campaigns/campaign-store.js';
import type { EventReports, ReportStores } from './event-reports.js';
import type { StoreDayRow, StoreFigures, StoreShopRow } from './store-activity.js';
import type { CsvColumn } from './report-csv.js';

export interface StoreSetReport {
  id: string;
  cards: string[];
  prize: { id: string; name: string; kind: string };
  completed: number;
  prizesWon: number;
  /** the set prize's stock with its top-ups, and left now (null: unlimited) */
  stock: number | null;
  stockLeft: number | null;
}

export interface StoreReport {
  campaign: string;
  timezone: string;
  from: string;
  to: string;
  store: 'deployment';
  stores: ReportStores;
  /** `in_shop`: draws answer sealed tickets revealed in a shop; `instant` otherwise */
  reveal: 'instant' | 'in_shop';
  totals: StoreFigures;
  days: StoreDayRow[];
  shops: StoreShopRow[];
  sets: StoreSetReport[];
}

export async function storeReport(
  campaigns: CampaignStore,
  events: EventReports,
  c: CompiledCampaign,
  range: { from: string; to: string; fromMs: number; toMs: number },
): Promise<StoreReport> {
  const { rows, stores } = await events.store(c.def.id, c.def.timezone, range.fromMs, range.toMs);
  const setPrizes = c.def.prizes.filter((p) => p.completes !== undefined);
  const live = setPrizes.length > 0 ? await campaigns.live(c) : new Map<string, PrizeLive>();
  const sets = setPrizes.map((p): StoreSetReport => {
    const id = p.completes as string;
    const l = live.get(p.id);
    const done = rows.sets.find((s) => s.set === id);
    return {
      id,
      cards: c.def.prizes.filter((x) => x.set === id).map((x) => x.id),
      prize: { id: p.id, name: p.name, kind: p.kind },
      completed: done?.completed ?? 0,
      prizesWon: done?.prizesWon ?? 0,
      stock: p.stock === null ? null : p.stock + (l?.toppedUp.stock ?? 0),
      stockLeft: l?.stockLeft ?? null,
    };
  });
  return {
    campaign: c.def.id,
    timezone: c.def.timezone,
    from: range.from,
    to: range.to,
    store: 'deployment',
    stores,
    reveal: c.def.reveal === 'in_shop' ? 'in_shop' : 'instant',
    totals: rows.totals,
    days: rows.days,
    shops: rows.shops,
    sets,
  };
}

/** the CSV export (门店打卡明细): one row per shop and day; the day is named in the campaign's zone */
export const storeShopColumns = (timeZone: string): CsvColumn<StoreShopRow>[] => [
  { header: `day(${timeZone})`, cell: (r) => r.day },
  { header: 'shop', cell: (r) => r.shop },
  { header: 'checkins', cell: (r) => r.checkins },
  { header: 'tickets_revealed', cell: (r) => r.ticketsRevealed },
  { header: 'draws_won', cell: (r) => r.drawsWon },
];
