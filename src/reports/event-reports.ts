// Reports read from the event stores (SQLite) of the whole deployment: scans by hour of the campaign's
// time zone, by province and city of their position, the change log of the campaigns, and the store
// as a place (check-ins, draw chances, tickets, sets). No aggregate in Redis keeps hours or
// positions; every registered store of the deployment is attached read-only for the query
// (src/event-stores/deployment-events.ts), and the answer names any store it could not read.
import type { Db } from '../events/event-schema.js';
import type { DeploymentEvents, StoreUnreached } from '../event-stores/deployment-events.js';
import { changeLog, type ChangeEntry } from './change-log.js';
import { storeActivity, type StoreActivity } from './store-activity.js';

/** which stores a report counted */
export interface ReportStores {
  readonly read: number;
  readonly unreached: readonly Pick<StoreUnreached, 'storeId' | 'host' | 'path' | 'reason'>[];
}

export interface HourRow {
  /** the hour's start in the campaign's zone, "YYYY-MM-DD HH:00" */
  hour: string;
  scans: number;
  firstScans: number;
  won: number;
}

const hourLabel = (fmt: Intl.DateTimeFormat, ms: number): string => {
  const p: Record<string, string> = {};
  for (const x of fmt.formatToParts(ms)) p[x.type] = x.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:00`;
};

export class EventReports {
  /** `open`: the deployment's events, attached for one report and closed after it */
  constructor(private readonly open: () => Promise<DeploymentEvents>) {}

  async #over<T>(query: (db: Db) => T): Promise<{ rows: T; stores: ReportStores }> {
    const d = await this.open();
    try {
      return { rows: query(d.db), stores: { read: d.read.length, unreached: d.unreached.map(({ storeId, host, path, reason }) => ({ storeId, host, path, reason })) } };
    } finally {
      d.close();
    }
  }

  /** scans by province and city (see scansByPlace) */
  byPlace(locate: Parameters<typeof scansByPlace>[1], campaignId: string, fromMs: number, toMs: number): Promise<{ rows: PlaceRow[]; stores: ReportStores }> {
    return this.#over((db) => scansByPlace(db, locate, campaignId, fromMs, toMs));
  }

  /** the change log (see changeLog) */
  changes(campaignId: string | null, limit: number): Promise<{ rows: ChangeEntry[]; stores: ReportStores }> {
    return this.#over((db) => changeLog(db, campaignId, limit));
  }

  /** check-ins, draw chances, tickets and sets of a campaign (see storeActivity) */
  store(campaignId: string, timeZone: string, fromMs: number, toMs: number): Promise<{ rows: StoreActivity; stores: ReportStores }> {
    return this.#over((db) => storeActivity(db, campaignId, timeZone, fromMs, toMs));
  }

  /** scans of a campaign in [fromMs, toMs) by hour of its zone: grouped by UTC hour in SQL, labelled in the zone */
  byHour(campaignId: string, timeZone: string, fromMs: number, toMs: number): Promise<{ rows: HourRow[]; stores: ReportStores }> {
    return this.#over((db) => hoursOf(db, campaignId, timeZone, fromMs, toMs));
  }
}

/** a campaign's scans in [from, to) by UTC hour (read through the campaign index, see event-schema.ts) */
export const HOURS_SQL = `SELECT substr(at, 1, 13) AS h, count(*) AS scans,
       sum(outcome IN ('won', 'lost', 'verified')) AS first, sum(outcome = 'won') AS won
  FROM events WHERE type = 'scan' AND campaign_id = ? AND at >= ? AND at < ? GROUP BY h ORDER BY h`;

/** a campaign's scans in [from, to) by position rounded to about a kilometre (through the campaign index) */
export const PLACES_SQL = `SELECT round(json_extract(body, '$.lat'), 2) AS lat, round(json_extract(body, '$.lng'), 2) AS lng, count(*) AS scans,
       sum(outcome IN ('won', 'lost', 'verified')) AS first, sum(outcome = 'won') AS won
  FROM events WHERE type = 'scan' AND campaign_id = ? AND at >= ? AND at < ? GROUP BY 1, 2`;

function hoursOf(db: Db, campaignId: string, timeZone: string, fromMs: number, toMs: number): HourRow[] {
  const rows = db
    .prepare<[string, string, string], { h: string; scans: number; first: number; won: number }>(HOURS_SQL)
    .all(campaignId, new Date(fromMs).toISOString(), new Date(toMs).toISOString());
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit' });
  const out = new Map<string, HourRow>();
  for (const r of rows) {
    const label = hourLabel(fmt, Date.parse(`${r.h}:00:00Z`));
    const row = out.get(label) ?? { hour: label, scans: 0, firstScans: 0, won: 0 };
    row.scans += r.scans;
    row.firstScans += r.first;
    row.won += r.won;
    out.set(label, row);
  }
  return [...out.values()];
}

export interface PlaceRow {
  province: string;
  provinceZh: string;
  city: string;
  scans: number;
  firstScans: number;
  won: number;
}

/** scans of a campaign in [fromMs, toMs) by province and city of their position (nearest known place) */
export function scansByPlace(db: Db, locate: (lat: number, lng: number) => { province: string; provinceZh: string; city: string } | null, campaignId: string, fromMs: number, toMs: number): PlaceRow[] {
  // positions rounded to about a kilometre in SQL: far fewer rows to locate than scans
  const rows = db
    .prepare<[string, string, string], { lat: number | null; lng: number | null; scans: number; first: number; won: number }>(PLACES_SQL)
    .all(campaignId, new Date(fromMs).toISOString(), new Date(toMs).toISOString());
  const out = new Map<string, PlaceRow>();
  for (const r of rows) {
    const where = r.lat === null || r.lng === null ? null : locate(r.lat, r.lng);
    const place = where ?? (r.lat === null ? { province: 'no position', provinceZh: '未定位', city: '' } : { province: 'elsewhere', provinceZh: '境外或未知', city: '' });
    const key = `${place.province}\u0000${place.city}`;
    const row = out.get(key) ?? { ...place, scans: 0, firstScans: 0, won: 0 };
    row.scans += r.scans;
    row.firstScans += r.first;
    row.won += r.won;
    out.set(key, row);
  }
  return [...out.values()].sort((a, b) => b.scans - a.scans || a.province.localeCompare(b.province) || a.city.localeCompare(b.city));
}
