// The wins of the events a store held before it had a wins table (src/events/event-schema.ts), written
// into it once, in one transaction, by whoever opens the store first to write: the engine at its start,
// before it answers (so that no read finds them missing), and the persist step (a worker started on its
// own, as the benches do). PRAGMA user_version says it was done.
import { INSERT_WIN, winValues, WINS_FILLED_VERSION, type Db, type WinRow } from '../events/event-schema.js';
import type { StoredEvent } from '../aggregates/aggregate-op.js';
import type { ShardTag } from '../redis/keys.js';

/**
 * The wins an event holds (src/fulfilment/win-rows.ts, handed in by the composition layer). `shard`: the
 * stream it was read from; null for an event stored before the wins table existed.
 */
export type WinRowsOf = (event: StoredEvent, shard: ShardTag | null) => readonly WinRow[];

/** events read per round */
const FILL_PAGE = 1000;

/** The number of wins written (0 when the store had them already). */
export function fillWins(db: Db, winRowsOf: WinRowsOf): number {
  if ((db.pragma('user_version', { simple: true }) as number) >= WINS_FILLED_VERSION) return 0;
  const page = db.prepare<[number], { seq: number; body: string }>(
    `SELECT seq, body FROM events WHERE seq > ? AND (type IN ('chance', 'reveal', 'set') OR (type = 'scan' AND (outcome = 'won' OR instr(body, '"clerkPrize":{') > 0))) ORDER BY seq LIMIT ${FILL_PAGE}`,
  );
  const insert = db.prepare(INSERT_WIN);
  return db.transaction(() => {
    let written = 0;
    for (let after = 0, rows = page.all(0); rows.length > 0; rows = page.all(after)) {
      for (const { seq, body } of rows) {
        after = seq;
        for (const w of winRowsOf(JSON.parse(body) as StoredEvent, null)) written += insert.run(...winValues(w)).changes;
      }
    }
    db.pragma(`user_version = ${WINS_FILLED_VERSION}`);
    return written;
  }).immediate();
}
