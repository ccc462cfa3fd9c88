// The audit's rows for the store as a place, from the events of the deployment and the balances in
// Redis: draw chances granted = spent + left (per user and campaign), every ticket revealed at most once
// and no more revealed than issued, at most one check-in per user, shop and campaign day. And the units
// that draws and reveals took (their wins, set prizes included) and the set prizes scans' cards won, which
// the stock and budget rows count beside the scans' wins.
import type { Db } from '../events/event-schema.js';
import { homeShard, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';

type Row = (check: string, subject: string, expected: string | number, actual: string | number) => void;

export interface DrawnUnits {
  n: number;
  amount: number;
}

/** units of each prize won by the campaign's draws and reveals (a completed set's prize included), and set prizes won by scans' cards */
export function drawnUnits(db: Db, campaignId: string): Map<string, DrawnUnits> {
  const out = new Map<string, DrawnUnits>();
  const add = (prize: string | null, amount: number | null): void => {
    if (prize === null) return;
    const u = out.get(prize) ?? { n: 0, amount: 0 };
    u.n++;
    u.amount += amount ?? 0;
    out.set(prize, u);
  };
  const rows = db.prepare<[string], { prize: string | null; amount: number | null; setPrize: string | null; setAmount: number | null }>(
    `SELECT json_extract(body, '$.draw.prize.id') AS prize, json_extract(body, '$.draw.prize.amount') AS amount,
            json_extract(body, '$.draw.set.prize.id') AS setPrize, json_extract(body, '$.draw.set.prize.amount') AS setAmount
     FROM events WHERE campaign_id = ? AND type IN ('chance', 'reveal') AND json_extract(body, '$.draw.outcome') = 'won'`,
  );
  for (const r of rows.iterate(campaignId)) {
    add(r.prize, r.amount);
    add(r.setPrize, r.setAmount);
  }
  // a set completed by a scan's card: an event of its own (type set)
  const bySets = db.prepare<[string], { prize: string | null; amount: number | null }>(
    `SELECT json_extract(body, '$.set.prize.id') AS prize, json_extract(body, '$.set.prize.amount') AS amount
     FROM events WHERE campaign_id = ? AND type = 'set'`,
  );
  for (const r of bySets.iterate(campaignId)) add(r.prize, r.amount);
  return out;
}

export async function storeRows(redis: RedisClient, db: Db, campaignId: string, row: Row): Promise<void> {
  // chances: what the events granted and spent, per user, against the balance each user's home shard holds
  const flows = db.prepare<[string], { user: string; granted: number; spent: number }>(
    `SELECT user, sum(CASE WHEN type = 'checkin' THEN json_extract(body, '$.granted.chances')
                           WHEN json_extract(body, '$.delta') > 0 THEN json_extract(body, '$.delta') ELSE 0 END) AS granted,
            sum(CASE WHEN type = 'chance' AND json_extract(body, '$.delta') < 0 THEN -json_extract(body, '$.delta') ELSE 0 END) AS spent
     FROM events WHERE campaign_id = ? AND type IN ('chance', 'checkin') GROUP BY user`,
  );
  let mismatched = 0;
  let users = 0;
  for (const f of flows.iterate(campaignId)) {
    users++;
    const left = Number((await redis.hget(keys.chances(homeShard(f.user), f.user), campaignId)) ?? 0);
    if (left < 0 || f.granted !== f.spent + left) mismatched++;
  }
  row('chances', `${campaignId}: users whose chances granted != spent + left (of ${users})`, 0, mismatched);

  const tickets = db.prepare<[string], { issued: number }>(`SELECT count(*) AS issued FROM events WHERE campaign_id = ? AND type = 'chance' AND json_extract(body, '$.draw.outcome') = 'ticket'`).get(campaignId)?.issued ?? 0;
  const reveals = db.prepare<[string], { n: number; tickets: number }>(`SELECT count(*) AS n, count(DISTINCT json_extract(body, '$.ticket')) AS tickets FROM events WHERE campaign_id = ? AND type = 'reveal'`).get(campaignId) ?? { n: 0, tickets: 0 };
  row('tickets', `${campaignId}: tickets revealed <= issued (${tickets})`, 'yes', reveals.n <= tickets ? 'yes' : `no (${reveals.n})`);
  row('tickets', `${campaignId}: reveals = tickets revealed (each at most once)`, reveals.tickets, reveals.n);

  const checkins = db.prepare<[string], { most: number | null }>(
    `SELECT max(n) AS most FROM (SELECT count(*) AS n FROM events WHERE campaign_id = ? AND type = 'checkin'
       GROUP BY user, json_extract(body, '$.shop'), json_extract(body, '$.day'))`,
  ).get(campaignId)?.most ?? 0;
  row('checkins', `${campaignId}: most check-ins of one user at one shop on one day <= 1`, 'yes', (checkins ?? 0) <= 1 ? 'yes' : `no (${checkins})`);
}
