// The SQLite event store: one row per scan event, keyed by the event id, in arrival order (seq).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT    NOT NULL UNIQUE,
  at          TEXT    NOT NULL,
  batch_id    INTEGER NOT NULL,
  serial      INTEGER NOT NULL,
  user        TEXT    NOT NULL,
  campaign_id TEXT,
  outcome     TEXT    NOT NULL,
  prize_id    TEXT,
  body        TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS events_code ON events (batch_id, serial);
CREATE INDEX IF NOT EXISTS events_campaign ON events (campaign_id, outcome);
`;

/** Opens (and creates) the event store: WAL, synchronous=NORMAL — durable at each checkpoint, fast per batch. */
export function openEventDb(path: string, opts: { readonly?: boolean } = {}): Db {
  if (!opts.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
  }
  return db;
}
