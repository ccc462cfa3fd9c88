// The store as a place, in figures, from the events of the deployment's event stores: per day of the
// campaign's zone the check-ins, draw chances granted (by check-ins, by 满N次 scans, by other systems and
// operators) and spent, sealed tickets issued and revealed, draws won and sets completed (by draws,
// reveals and scans' cards); per shop and
// day the check-ins and the tickets revealed there; per set its completions and the set prizes won.
// No aggregate in Redis keeps these: they are counted from the check-in, chance and reveal events.
import type { Db } from '../events/event-schema.js';

/** the figures of one day (or of the whole range: the totals) */
export interface StoreFigures {
  checkins: number;
  /** points credited to members by check-ins */
  checkinPoints: number;
  /** chances granted in all: byCheckins + byScans + byGrants */
  chancesGranted: number;
  byCheckins: number;
  byScans: number;
  /** by other systems and operators (POST /v1/campaigns/{id}/chances) */
  byGrants: number;
  chancesSpent: number;
  ticketsIssued: number;
  ticketsRevealed: number;
  /** draws decided at once or at a reveal that won a prize (a card included) */
  drawsWon: number;
  drawsLost: number;
  setsCompleted: number;
  setPrizesWon: number;
}

export interface StoreDayRow extends StoreFigures {
  /** YYYY-MM-DD in the campaign's zone */
  day: string;
}

export interface StoreShopRow {
  shop: string;
  day: string;
  checkins: number;
  /** tickets revealed at this shop (by its key or its scene code) */
  ticketsRevealed: number;
  drawsWon: number;
}

export interface StoreSetRow {
  set: string;
  completed: number;
  prizesWon: number;
}

export interface StoreActivity {
  days: StoreDayRow[];
  shops: StoreShopRow[];
  sets: StoreSetRow[];
  totals: StoreFigures;
}

const zero = (): StoreFigures => ({
  checkins: 0, checkinPoints: 0, chancesGranted: 0, byCheckins: 0, byScans: 0, byGrants: 0, chancesSpent: 0,
  ticketsIssued: 0, ticketsRevealed: 0, drawsWon: 0, drawsLost: 0, setsCompleted: 0, setPrizesWon: 0,
});

// Grouped by UTC minute in SQL and labelled with the zone's day here: every zone's midnight falls on a
// minute (a UTC hour would not do for +05:30 or +05:45). Through the campaign index (campaign_id, at).
const EVENTS = `FROM events WHERE campaign_id = ? AND type IN ('checkin', 'chance', 'reveal', 'set') AND at >= ? AND at < ?`;
const OUTCOME = `json_extract(body, '$.draw.outcome')`;
// a set completed by a draw or a reveal is in its event's draw; one completed by a scan's card is an event of its own (type set)
const SET_ID = `coalesce(json_extract(body, '$.draw.set.id'), json_extract(body, '$.set.id'))`;
const SET_PRIZE_ID = `coalesce(json_extract(body, '$.draw.set.prize.id'), json_extract(body, '$.set.prize.id'))`;

export const STORE_DAYS_SQL = `SELECT substr(at, 1, 16) AS m,
    sum(type = 'checkin') AS checkins,
    sum(CASE WHEN type = 'checkin' THEN coalesce(json_extract(body, '$.granted.points'), 0) ELSE 0 END) AS checkinPoints,
    sum(CASE WHEN type = 'checkin' THEN coalesce(json_extract(body, '$.granted.chances'), 0) ELSE 0 END) AS byCheckins,
    sum(CASE WHEN type = 'chance' AND json_extract(body, '$.delta') > 0 AND json_extract(body, '$.source') = 'scan' THEN json_extract(body, '$.delta') ELSE 0 END) AS byScans,
    sum(CASE WHEN type = 'chance' AND json_extract(body, '$.delta') > 0 AND coalesce(json_extract(body, '$.source'), '') <> 'scan' THEN json_extract(body, '$.delta') ELSE 0 END) AS byGrants,
    sum(CASE WHEN type = 'chance' AND json_extract(body, '$.delta') < 0 THEN -json_extract(body, '$.delta') ELSE 0 END) AS chancesSpent,
    sum(type = 'chance' AND ${OUTCOME} = 'ticket') AS ticketsIssued,
    sum(type = 'reveal') AS ticketsRevealed,
    sum(type IN ('chance', 'reveal') AND ${OUTCOME} = 'won') AS drawsWon,
    sum(type IN ('chance', 'reveal') AND ${OUTCOME} = 'lost') AS drawsLost,
    sum(${SET_ID} IS NOT NULL) AS setsCompleted,
    sum(${SET_PRIZE_ID} IS NOT NULL) AS setPrizesWon
  ${EVENTS} GROUP BY m`;

export const STORE_SHOPS_SQL = `SELECT json_extract(body, '$.shop') AS shop, substr(at, 1, 16) AS m,
    sum(type = 'checkin') AS checkins, sum(type = 'reveal') AS ticketsRevealed, sum(type = 'reveal' AND ${OUTCOME} = 'won') AS drawsWon
  ${EVENTS} AND type IN ('checkin', 'reveal') GROUP BY shop, m`;

export const STORE_SETS_SQL = `SELECT ${SET_ID} AS setId, count(*) AS completed, sum(${SET_PRIZE_ID} IS NOT NULL) AS prizesWon
  ${EVENTS} AND ${SET_ID} IS NOT NULL GROUP BY setId ORDER BY setId`;

const FIGURES = Object.keys(zero()) as (keyof StoreFigures)[];

/** a campaign's store activity in [fromMs, toMs), days of `timeZone` */
export function storeActivity(db: Db, campaignId: string, timeZone: string, fromMs: number, toMs: number): StoreActivity {
  const args: [string, string, string] = [campaignId, new Date(fromMs).toISOString(), new Date(toMs).toISOString()];
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const dayOf = (minute: string): string => fmt.format(Date.parse(`${minute}:00Z`));

  const days = new Map<string, StoreDayRow>();
  const totals = zero();
  for (const r of db.prepare<typeof args, { m: string } & StoreFigures>(STORE_DAYS_SQL).iterate(...args)) {
    const day = dayOf(r.m);
    const row = days.get(day) ?? { day, ...zero() };
    for (const f of FIGURES) {
      const n = Number(r[f] ?? 0);
      row[f] += n;
      totals[f] += n;
    }
    days.set(day, row);
  }
  for (const row of [...days.values(), totals]) row.chancesGranted = row.byCheckins + row.byScans + row.byGrants;

  const shops = new Map<string, StoreShopRow>();
  for (const r of db.prepare<typeof args, { shop: string | null; m: string; checkins: number; ticketsRevealed: number; drawsWon: number }>(STORE_SHOPS_SQL).iterate(...args)) {
    if (r.shop === null) continue;
    const day = dayOf(r.m);
    const key = `${r.shop}\u0000${day}`;
    const row = shops.get(key) ?? { shop: r.shop, day, checkins: 0, ticketsRevealed: 0, drawsWon: 0 };
    row.checkins += r.checkins;
    row.ticketsRevealed += r.ticketsRevealed;
    row.drawsWon += r.drawsWon;
    shops.set(key, row);
  }

  const sets = db
    .prepare<typeof args, { setId: string; completed: number; prizesWon: number }>(STORE_SETS_SQL)
    .all(...args)
    .map((r) => ({ set: r.setId, completed: r.completed, prizesWon: r.prizesWon }));

  return {
    days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
    shops: [...shops.values()].sort((a, b) => a.day.localeCompare(b.day) || b.checkins - a.checkins || a.shop.localeCompare(b.shop)),
    sets,
    totals,
  };
}
