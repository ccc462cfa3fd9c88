// The SQLite event store: one row per event (scan, campaign, redemption, payout, points), keyed by the
// event id, in the order the persist steps stored them (seq).
//
// Indexes are written on every insert, so there are few: the id (unique); the campaign with the time,
// which the reports by hour and by place, the change log of a campaign and the audit's per-campaign
// checks read by (without it each of them read the whole table), partial: scans that no campaign covers
// (campaign_id NULL) are never read by campaign and add no entry; and the campaign events by time (the
// change log of all campaigns), partial too: scans add no entry to it.
//
// Beside the events, the wins they hold (table `wins`, a row per win, written in the same transaction as
// its event): what fulfilment finds a win by (its user, its voucher, the cash wins that are payouts) is
// read here, across the deployment's stores (src/event-stores/deployment-events.ts), so that Redis holds
// nothing per win beyond the code's record.
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

/**
 * A row per win (docs/fulfilment.md, "Where a win is found"): `shard` is the hash tag of the shard that keeps
 * its fulfilment state (redemption, payout record); `record` is the win's JSON for a win that no code's
 * record holds (a clerk's prize, a draw's, a set's), NULL for a consumer's win of a scan.
 */
const WINS = `
CREATE TABLE IF NOT EXISTS wins (
  id          TEXT PRIMARY KEY,
  user        TEXT NOT NULL,
  at          TEXT NOT NULL,
  shard       TEXT NOT NULL,
  campaign_id TEXT,
  prize_id    TEXT NOT NULL,
  kind        TEXT NOT NULL,
  voucher     TEXT,
  record      TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS wins_of_user ON wins (user, at);
CREATE INDEX IF NOT EXISTS wins_by_voucher ON wins (voucher) WHERE voucher IS NOT NULL;
CREATE INDEX IF NOT EXISTS cash_wins ON wins (id) WHERE kind = 'cash';
`;

/** One win, as the persist step derives it from its event (src/fulfilment/win-rows.ts) and stores it. */
export interface WinRow {
  readonly id: string;
  readonly user: string;
  readonly at: string;
  readonly shard: string;
  readonly campaignId: string | null;
  readonly prizeId: string;
  readonly kind: string;
  readonly voucher: string | null;
  /** the win's JSON when no code's record holds it */
  readonly record: string | null;
}

/** The insert of one win; a win stored already (its event read twice) changes nothing. */
export const INSERT_WIN = `INSERT INTO wins (id, user, at, shard, campaign_id, prize_id, kind, voucher, record)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`;

export function winValues(w: WinRow): [string, string, string, string, string | null, string, string, string | null, string | null] {
  return [w.id, w.user, w.at, w.shard, w.campaignId, w.prizeId, w.kind, w.voucher, w.record];
}

/**
 * The store's schema version (PRAGMA user_version): 1 once the wins of the events stored before the
 * table existed were written into it (by the persist step, which knows how an event makes wins).
 */
export const WINS_FILLED_VERSION = 1;

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
    db.exec(WINS);
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
