// The DCRM outbox is the `events` table itself: rows are appended in the order the scans happened
// (seq), so the only state delivery needs is how far it got — one row in `dcrm_cursor`. Nothing is
// copied and nothing is held in memory: a DCRM that is down makes the distance between the cursor and
// the newest event grow, on disk.
import type { Db } from '../events/event-schema.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS dcrm_cursor (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  seq        INTEGER NOT NULL,           -- every event with events.seq <= this was delivered or dead-lettered
  updated_at TEXT    NOT NULL
);
INSERT OR IGNORE INTO dcrm_cursor (id, seq, updated_at) VALUES (1, 0, '');
CREATE TABLE IF NOT EXISTS dcrm_dead_letters (
  seq          INTEGER PRIMARY KEY,      -- events.seq of the rejected event (its body stays in events)
  id           TEXT    NOT NULL UNIQUE,  -- events.id
  state        TEXT    NOT NULL,         -- dead | queued (replay requested) | delivered (by a replay)
  status       INTEGER,                  -- last HTTP status the receiver answered
  error        TEXT    NOT NULL,         -- start of the receiver's last answer
  attempts     INTEGER NOT NULL,         -- rejected attempts, over all replays
  dead_at      TEXT    NOT NULL,
  replayed_at  TEXT,
  delivered_at TEXT
);
CREATE INDEX IF NOT EXISTS dcrm_dead_letters_state ON dcrm_dead_letters (state, seq);
`;

/** Creates the outbox tables next to `events` (idempotent). */
export function ensureOutboxSchema(db: Db): void {
  db.exec(SCHEMA);
}

/** One event on its way out: its position, id, and the stored JSON body sent as is. */
export interface OutboxEvent {
  seq: number;
  id: string;
  body: string;
}

export class OutboxStore {
  readonly #position;
  readonly #advance;
  readonly #after;
  readonly #newest;
  readonly #firstAfter;

  constructor(db: Db) {
    ensureOutboxSchema(db);
    this.#position = db.prepare<[], { seq: number }>('SELECT seq FROM dcrm_cursor WHERE id = 1');
    // max(): never moves back, even if two deliverers ever shared one file
    this.#advance = db.prepare<[number, string]>('UPDATE dcrm_cursor SET seq = max(seq, ?), updated_at = ? WHERE id = 1');
    this.#after = db.prepare<[number, number], OutboxEvent>('SELECT seq, id, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.#newest = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM events');
    this.#firstAfter = db.prepare<[number], { at: string }>('SELECT at FROM events WHERE seq > ? ORDER BY seq LIMIT 1');
  }

  /** The delivery position: the seq of the last event delivered (or dead-lettered) in order. */
  position(): number {
    return this.#position.get()?.seq ?? 0;
  }

  advance(seq: number, now = new Date()): void {
    this.#advance.run(seq, now.toISOString());
  }

  /** The next events to deliver, in the order they happened. */
  next(after: number, limit: number): OutboxEvent[] {
    return this.#after.all(after, limit);
  }

  /**
   * Events not yet delivered. seq comes from AUTOINCREMENT, events are never deleted and there is one
   * writer at a time, so seq has no gaps and this is a subtraction (O(1) however large the backlog).
   */
  backlog(): number {
    return Math.max(0, (this.#newest.get()?.seq ?? 0) - this.position());
  }

  /** Scan time of the oldest undelivered event, or null when there is none. */
  oldestUndeliveredAt(): string | null {
    return this.#firstAfter.get(this.position())?.at ?? null;
  }
}
