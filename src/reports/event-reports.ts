// Reports read from this engine's event store (SQLite): scans by hour of the campaign's time zone, and
// by province and city of their position. A deployment of several engines with their own stores sees
// each store's share here (the answer says so): no aggregate in Redis keeps hours or positions.
import type { Db } from '../events/event-schema.js';

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
  constructor(private readonly db: Db) {}

  /** scans by province and city (see scansByPlace) */
  byPlace(locate: Parameters<typeof scansByPlace>[1], campaignId: string, fromMs: number, toMs: number): PlaceRow[] {
    return scansByPlace(this.db, locate, campaignId, fromMs, toMs);
  }

  /** scans of a campaign in [fromMs, toMs) by hour of its zone: grouped by UTC hour in SQL, labelled in the zone */
  byHour(campaignId: string, timeZone: string, fromMs: number, toMs: number): HourRow[] {
    const rows = this.db
      .prepare<[string, string, string], { h: string; scans: number; first: number; won: number }>(
        `SELECT substr(at, 1, 13) AS h, count(*) AS scans,
                sum(outcome IN ('won', 'lost', 'verified')) AS first, sum(outcome = 'won') AS won
           FROM events WHERE type = 'scan' AND campaign_id = ? AND at >= ? AND at < ? GROUP BY h ORDER BY h`,
      )
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
    .prepare<[string, string, string], { lat: number | null; lng: number | null; scans: number; first: number; won: number }>(
      `SELECT round(json_extract(body, '$.lat'), 2) AS lat, round(json_extract(body, '$.lng'), 2) AS lng, count(*) AS scans,
              sum(outcome IN ('won', 'lost', 'verified')) AS first, sum(outcome = 'won') AS won
         FROM events WHERE type = 'scan' AND campaign_id = ? AND at >= ? AND at < ? GROUP BY 1, 2`,
    )
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
