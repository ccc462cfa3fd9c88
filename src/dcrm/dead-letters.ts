// Events the DCRM rejected for their content (see docs/dcrm.md, "Poison events"). They leave the
// ordered outbox so that one bad event does not hold back every later one, but they are never dropped:
// the row points at the stored event, an operator lists them and queues them again (replay), and the
// deliverer sends queued ones before new events.
import type { Db } from '../events/event-schema.js';
import { ensureOutboxSchema, type OutboxEvent } from './outbox-store.js';

export type DeadLetterState = 'dead' | 'queued' | 'delivered';
export const DEAD_LETTER_STATES: readonly DeadLetterState[] = ['dead', 'queued', 'delivered'];

export interface DeadLetter {
  seq: number;
  id: string;
  state: DeadLetterState;
  status: number | null;
  error: string;
  attempts: number;
  deadAt: string;
  replayedAt: string | null;
  deliveredAt: string | null;
  /** the event JSON as stored and sent */
  body: string;
}

interface Row {
  seq: number;
  id: string;
  state: DeadLetterState;
  status: number | null;
  error: string;
  attempts: number;
  dead_at: string;
  replayed_at: string | null;
  delivered_at: string | null;
  body: string;
}

export interface Rejection {
  status: number | null;
  error: string;
  attempts: number;
}

const MAX_ERROR = 500;

export class DeadLetters {
  readonly #add;
  readonly #queued;
  readonly #delivered;
  readonly #requeueAll;
  readonly #requeueOne;
  readonly #list;
  readonly #listState;
  readonly #counts;
  readonly #oldestQueued;
  readonly #requeue;

  constructor(private readonly db: Db) {
    ensureOutboxSchema(db);
    // a replayed event rejected again goes back to `dead`, its attempts adding up
    this.#add = db.prepare<[number, string, number | null, string, number, string]>(
      `INSERT INTO dcrm_dead_letters (seq, id, state, status, error, attempts, dead_at) VALUES (?, ?, 'dead', ?, ?, ?, ?)
       ON CONFLICT (seq) DO UPDATE SET state = 'dead', status = excluded.status, error = excluded.error,
         attempts = attempts + excluded.attempts, dead_at = excluded.dead_at`,
    );
    this.#queued = db.prepare<[number], OutboxEvent>(
      `SELECT d.seq, d.id, e.body FROM dcrm_dead_letters d JOIN events e ON e.seq = d.seq WHERE d.state = 'queued' ORDER BY d.seq LIMIT ?`,
    );
    this.#delivered = db.prepare<[string, number]>(`UPDATE dcrm_dead_letters SET state = 'delivered', delivered_at = ? WHERE seq = ? AND state = 'queued'`);
    this.#requeueAll = db.prepare<[string]>(`UPDATE dcrm_dead_letters SET state = 'queued', replayed_at = ? WHERE state = 'dead'`);
    this.#requeueOne = db.prepare<[string, string]>(`UPDATE dcrm_dead_letters SET state = 'queued', replayed_at = ? WHERE state = 'dead' AND id = ?`);
    const cols = 'd.seq, d.id, d.state, d.status, d.error, d.attempts, d.dead_at, d.replayed_at, d.delivered_at, e.body';
    this.#list = db.prepare<[number, number], Row>(`SELECT ${cols} FROM dcrm_dead_letters d JOIN events e ON e.seq = d.seq WHERE d.seq > ? ORDER BY d.seq LIMIT ?`);
    this.#listState = db.prepare<[string, number, number], Row>(
      `SELECT ${cols} FROM dcrm_dead_letters d JOIN events e ON e.seq = d.seq WHERE d.state = ? AND d.seq > ? ORDER BY d.seq LIMIT ?`,
    );
    this.#counts = db.prepare<[], { state: DeadLetterState; n: number }>('SELECT state, count(*) AS n FROM dcrm_dead_letters GROUP BY state');
    this.#oldestQueued = db.prepare<[], { at: string }>(
      `SELECT e.at FROM dcrm_dead_letters d JOIN events e ON e.seq = d.seq WHERE d.state = 'queued' ORDER BY d.seq LIMIT 1`,
    );
    this.#requeue = db.transaction((ids: readonly string[] | null, now: string): number => {
      if (ids === null) return this.#requeueAll.run(now).changes;
      let n = 0;
      for (const id of ids) n += this.#requeueOne.run(now, id).changes;
      return n;
    });
  }

  /** Parks rejected events; `andThen` runs in the same transaction (the cursor moving past them). */
  add(events: readonly OutboxEvent[], why: Rejection, andThen: () => void = () => undefined, now = new Date()): void {
    const error = why.error.length > MAX_ERROR ? why.error.slice(0, MAX_ERROR) : why.error;
    this.db.transaction(() => {
      for (const e of events) this.#add.run(e.seq, e.id, why.status, error, why.attempts, now.toISOString());
      andThen();
    })();
  }

  /** Events an operator queued for another delivery, oldest first. */
  queued(limit: number): OutboxEvent[] {
    return this.#queued.all(limit);
  }

  markDelivered(events: readonly OutboxEvent[], now = new Date()): void {
    const at = now.toISOString();
    this.db.transaction(() => {
      for (const e of events) this.#delivered.run(at, e.seq);
    })();
  }

  /** Queues dead letters for delivery again: all of them, or those with the given event ids. Returns how many. */
  requeue(ids: readonly string[] | null, now = new Date()): number {
    return this.#requeue(ids, now.toISOString());
  }

  /** A page of dead letters after `afterSeq`, in event order; `state` null lists every state. */
  list(state: DeadLetterState | null, afterSeq: number, limit: number): DeadLetter[] {
    const rows = state === null ? this.#list.all(afterSeq, limit) : this.#listState.all(state, afterSeq, limit);
    return rows.map((r) => ({
      seq: r.seq,
      id: r.id,
      state: r.state,
      status: r.status,
      error: r.error,
      attempts: r.attempts,
      deadAt: r.dead_at,
      replayedAt: r.replayed_at,
      deliveredAt: r.delivered_at,
      body: r.body,
    }));
  }

  counts(): Record<DeadLetterState, number> {
    const c: Record<DeadLetterState, number> = { dead: 0, queued: 0, delivered: 0 };
    for (const r of this.#counts.all()) c[r.state] = r.n;
    return c;
  }

  /** Scan time of the oldest event queued for replay, or null. */
  oldestQueuedAt(): string | null {
    return this.#oldestQueued.get()?.at ?? null;
  }
}
