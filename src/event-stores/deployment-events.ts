// The events of the whole deployment, as one table: every SQLite event store registered on this Redis
// (engines on one Redis each keep the share of the stream they consumed in their own file) is attached
// to one in-memory connection and a temporary view `events` reads them all, so that the audit's queries
// count the deployment and not only the asking engine's store.
//
// A store is read from its file: one on another host, or whose file is missing or holds another store
// (replaced or restored from elsewhere), is unreachable, and the audit says which and why.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Db } from '../events/event-schema.js';
import type { RegisteredStore } from './registered-stores.js';

/** SQLite's own bound on attached databases (SQLITE_MAX_ATTACHED) */
const MAX_STORES = 10;

export interface StoreRead {
  readonly storeId: string;
  readonly consumers: string[];
  readonly host: string;
  readonly path: string;
  readonly alive: boolean;
  /** events read from this store */
  readonly events: number;
}

export interface StoreUnreached {
  readonly storeId: string;
  readonly consumers: string[];
  readonly host: string;
  readonly path: string;
  readonly alive: boolean;
  readonly reason: string;
}

export interface DeploymentEvents {
  /** a read-only connection whose `events` view holds the events of every store read */
  readonly db: Db;
  /** the `wins` table of every store read, by its schema-qualified name ("s0.wins", …): read one by one, then merged */
  readonly winTables: string[];
  readonly read: StoreRead[];
  readonly unreached: StoreUnreached[];
  close(): void;
}

/** One entry per store (several consumer names may share one store through SQLITE_PATH). */
function byStore(stores: readonly RegisteredStore[], own: { storeId: string; path: string }): Map<string, { record: RegisteredStore | null; consumers: string[] }> {
  const m = new Map<string, { record: RegisteredStore | null; consumers: string[] }>();
  // the asking engine's store first, even when its registration expired (it is still the one it writes)
  m.set(own.storeId, { record: null, consumers: [] });
  for (const s of stores) {
    const e = m.get(s.storeId) ?? { record: null, consumers: [] };
    e.consumers.push(s.consumer);
    // a live record says where the store is now; the latest seen otherwise
    if (e.record === null || (s.alive && !e.record.alive) || (s.alive === e.record.alive && s.seenAt > e.record.seenAt)) e.record = s;
    m.set(s.storeId, e);
  }
  return m;
}

export function openDeploymentEvents(stores: readonly RegisteredStore[], own: { storeId: string; path: string }): DeploymentEvents {
  const db = new Database(':memory:');
  const read: StoreRead[] = [];
  const unreached: StoreUnreached[] = [];
  const here = hostname();
  const parts: string[] = [];
  const winTables: string[] = [];
  for (const [storeId, { record, consumers }] of byStore(stores, own)) {
    const isOwn = storeId === own.storeId;
    const host = isOwn ? here : (record?.host ?? '?');
    const path = isOwn ? own.path : (record?.path ?? '?');
    const alive = record?.alive ?? isOwn;
    const where = { storeId, consumers, host, path, alive };
    if (host !== here) {
      unreached.push({ ...where, reason: `on another host (${host}): run the audit there too, or give this engine the file` });
      continue;
    }
    if (!existsSync(path)) {
      unreached.push({ ...where, reason: `no file at ${path}` });
      continue;
    }
    if (parts.length === MAX_STORES) {
      unreached.push({ ...where, reason: `more than ${MAX_STORES} stores: SQLite attaches at most ${MAX_STORES} at once` });
      continue;
    }
    const schema = `s${parts.length}`;
    try {
      db.prepare(`ATTACH DATABASE ? AS ${schema}`).run(path);
      const id = db.prepare<[], { id: string }>(`SELECT id FROM ${schema}.store_identity LIMIT 1`).get()?.id;
      if (id !== storeId) {
        db.exec(`DETACH DATABASE ${schema}`);
        unreached.push({ ...where, reason: `the file at ${path} is another store now (${id ?? 'none'})` });
        continue;
      }
      const events = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${schema}.events`).get()?.n ?? 0;
      read.push({ ...where, events });
      parts.push(`SELECT * FROM ${schema}.events`);
      // a store an engine from before the wins table still writes has none (it fills it when it is upgraded)
      if (db.prepare(`SELECT 1 FROM ${schema}.sqlite_master WHERE type = 'table' AND name = 'wins'`).get() !== undefined) winTables.push(`${schema}.wins`);
    } catch (err) {
      try {
        db.exec(`DETACH DATABASE ${schema}`);
      } catch {
        /* it was not attached */
      }
      unreached.push({ ...where, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  // the audit must never write into a store it only reads; the view lives in the in-memory temp schema
  if (parts.length === 0) parts.push('SELECT NULL AS seq, NULL AS id, NULL AS type, NULL AS at, NULL AS batch_id, NULL AS serial, NULL AS user, NULL AS campaign_id, NULL AS outcome, NULL AS prize_id, NULL AS body WHERE 0');
  db.exec(`CREATE TEMP VIEW events AS ${parts.join(' UNION ALL ')}`);
  db.pragma('query_only = 1');
  db.pragma('busy_timeout = 5000');
  return { db, winTables, read, unreached, close: () => db.close() };
}
