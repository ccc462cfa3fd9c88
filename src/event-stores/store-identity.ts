// The event store's identity: a random id created once inside the SQLite file itself, so it travels with
// the file (copied, moved, or opened by several engines through SQLITE_PATH) and names the store, not
// the engine.
import { randomUUID } from 'node:crypto';
import type { Db } from '../events/event-schema.js';

export function eventStoreId(db: Db): string {
  db.exec('CREATE TABLE IF NOT EXISTS store_identity (id TEXT NOT NULL)');
  const readOrCreate = db.transaction((): string => {
    const row = db.prepare<[], { id: string }>('SELECT id FROM store_identity LIMIT 1').get();
    if (row) return row.id;
    const id = randomUUID();
    db.prepare('INSERT INTO store_identity (id) VALUES (?)').run(id);
    return id;
  });
  // immediate: two engines opening one new file at once must agree on one id
  return readOrCreate.immediate();
}
