// Reads persisted events in order, for audit and replay (GET /v1/events).
import { notFound } from '../errors.js';
import type { Db } from './event-schema.js';

export class EventQuery {
  readonly #seqOf;
  readonly #after;
  readonly #count;
  readonly #ping;
  readonly #byId;

  constructor(db: Db) {
    this.#seqOf = db.prepare<[string], { seq: number }>('SELECT seq FROM events WHERE id = ?');
    this.#after = db.prepare<[number, number], { id: string; body: string }>('SELECT id, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.#count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events');
    this.#ping = db.prepare<[], { one: number }>('SELECT 1 AS one');
    this.#byId = db.prepare<[string], { body: string }>('SELECT body FROM events WHERE id = ?');
  }

  /** `{"events":[…],"next":<last id or null>}` as JSON, events after `afterId` (from the start when null). */
  page(afterId: string | null, limit: number): string {
    let seq = 0;
    if (afterId !== null) {
      const row = this.#seqOf.get(afterId);
      if (!row) throw notFound(`event ${afterId}`);
      seq = row.seq;
    }
    const rows = this.#after.all(seq, limit);
    const last = rows[rows.length - 1];
    return `{"events":[${rows.map((r) => r.body).join(',')}],"next":${last ? JSON.stringify(last.id) : 'null'}}`;
  }

  /** The event JSON, or null when it is not (yet) in SQLite. */
  body(id: string): string | null {
    return this.#byId.get(id)?.body ?? null;
  }

  ping(): boolean {
    return this.#ping.get()?.one === 1;
  }

  count(): number {
    return this.#count.get()?.n ?? 0;
  }
}
