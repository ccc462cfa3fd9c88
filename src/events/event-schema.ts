// The SQLite event store: one row per event (scan, campaign, redemption, payout, points), keyed by the
// event id, in the order the persist steps stored them (seq).
//
// Indexes are written on every insert, so there are few: the id (unique); the campaign with the time,
// which the reports by hour and by place, the change log of a campaign and the audit's per-campaign
// checks read by (without it each of them read the whole table), partial: scans that no campaign covers
// (campaign_id NULL) are never read by campaign and add no entry; and the campaign events by time (the
// change log of all campaigns), partial too: scans add no entry to it.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

const TABLE = `
CREATE TABLE IF NOT EXISTS events (
  seq         INTEGER PRIMARY KEY,
  id          TEXT    NOT NULL UNIQUE,
  type        TEXT    NOT NULL,
  at          TEXT    NOT NULL,
  batch_id    INTEGER,
  serial      INTEGER,
  user        TEXT,
  campaign_id TEXT,
  outcome     TEXT,
  prize_id    TEXT,
  body        TEXT    NOT NULL
);
`;

/** Created on every open: a store made before the index existed gets it once, on its first open. */
const INDEXES = `
CREATE INDEX IF NOT EXISTS events_by_campaign ON events (campaign_id, at) WHERE campaign_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS campaign_events ON events (campaign_id, at) WHERE type = 'campaign';
`;

const COLUMNS = 'seq, id, type, at, batch_id, serial, user, campaign_id, outcome, prize_id, body';

/**
 * Stores made before events had a type (scan events only, with AUTOINCREMENT and two more indexes)
 * are rebuilt once, in one transaction, keeping seq: the DCRM outbox's position stays valid.
 */
function migrate(db: Db): void {
  const cols = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('events')").all().map((c) => c.name);
  if (cols.length === 0 || cols.includes('type')) return;
  db.transaction(() => {
    db.exec('ALTER TABLE events RENAME TO events_v1');
    db.exec(TABLE);
    db.exec(`INSERT INTO events (${COLUMNS}) SELECT seq, id, 'scan', at, batch_id, serial, user, campaign_id, outcome, prize_id, body FROM events_v1 ORDER BY seq`);
    db.exec('DROP TABLE events_v1');
  })();
}

/** Opens (and creates) the event store: WAL, synchronous=NORMAL — durable at each checkpoint, fast per batch. */
export function openEventDb(path: string, opts: { readonly?: boolean } = {}): Db {
  if (!opts.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db);
    db.exec(TABLE);
    db.exec(INDEXES);
  }
  return db;
}

/** Columns bound per event by the inserts below, in their order. */
export const INSERT_COLUMNS = 10;

/**
 * The insert of `rows` events in one statement (one call from JavaScript into SQLite for many rows: the
 * persist step's cost per event, see bench:persist); an event whose id is stored already changes nothing.
 */
export function insertEventsSql(rows: number): string {
  const one = `(${Array(INSERT_COLUMNS).fill('?').join(', ')})`;
  return `INSERT INTO events (id, type, at, batch_id, serial, user, campaign_id, outcome, prize_id, body)
  VALUES ${Array(rows).fill(one).join(', ')} ON CONFLICT (id) DO NOTHING`;
}

/** The insert of one event. */
export const INSERT_EVENT = insertEventsSql(1);
