// Which of a set of stream entries another consumer's store already holds. A persist step that claims
// entries idle under another consumer (XAUTOCLAIM) asks this first: an owner that stored them and died
// (or restarted) before its acknowledgement must not have them stored a second time in the claimer's file.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RegisteredStore } from './registered-stores.js';

/** the event ids to look for, by the consumer that owned their entries before the claim */
export type EventIdsByOwner = ReadonlyMap<string, readonly string[]>;

/** event ids looked up per statement: far below SQLite's bound on bound values */
const IDS_PER_QUERY = 500;

/**
 * The event ids already in their owner's registered store. An owner whose store cannot be read here (no
 * registration, on another host, no file, another store at the path, a read error) contributes none:
 * its entries are then stored by the claimer as before, which may store an event twice, but never loses
 * one.
 */
export function eventsHeldByOwners(stores: readonly RegisteredStore[], wanted: EventIdsByOwner): Set<string> {
  const held = new Set<string>();
  const here = hostname();
  for (const [owner, ids] of wanted) {
    const store = stores.find((s) => s.consumer === owner);
    if (!store || store.host !== here || !existsSync(store.path) || ids.length === 0) continue;
    let db: Database.Database | null = null;
    try {
      db = new Database(store.path, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 2000');
      const identity = db.prepare<[], { id: string }>('SELECT id FROM store_identity LIMIT 1').get()?.id;
      if (identity !== store.storeId) continue;
      for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
        const slice = ids.slice(i, i + IDS_PER_QUERY);
        const rows = db.prepare<string[], { id: string }>(`SELECT id FROM events WHERE id IN (${slice.map(() => '?').join(',')})`).all(...slice);
        for (const r of rows) held.add(r.id);
      }
    } catch {
      // unreadable now (locked past the timeout, corrupt, another schema): store as before
    } finally {
      db?.close();
    }
  }
  return held;
}
