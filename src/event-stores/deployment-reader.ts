// The deployment's event stores kept attached for reads that come often (a user's wins, a voucher shown
// in a shop, a page of payouts): opening and attaching every store per read would cost more than the
// read. The stores registered in Redis are looked at again after `maxAgeMs` (sooner when a read found
// nothing, so that an engine just started is read within a second), and the connection is opened again
// only when they changed.
import type Database from 'better-sqlite3';
import type { RedisClient } from '../redis/scripts.js';
import type { Db } from '../events/event-schema.js';
import { openDeploymentEvents, type DeploymentEvents } from './deployment-events.js';
import { registeredStores } from './registered-stores.js';

/** What a read is given: statements prepared once per connection, and the stores' `wins` tables. */
export interface DeploymentRead {
  prepare<P extends unknown[], R>(sql: string): Database.Statement<P, R>;
  readonly winTables: readonly string[];
}

/** A read of the deployment's stores: synchronous, so that the connection cannot change under it. */
export type ReadDeployment = <T>(read: (d: DeploymentRead) => T, opts?: { readonly fresh?: boolean }) => Promise<T>;

const FRESH_MS = 1_000;

interface OpenStores {
  readonly events: DeploymentEvents;
  /** where the registered stores were when they were attached */
  readonly stores: string;
  checkedAt: number;
  readonly statements: Map<string, Database.Statement>;
}

export class DeploymentReader {
  #open: OpenStores | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly own: { readonly storeId: string; readonly path: string },
    private readonly now: () => number = Date.now,
    private readonly maxAgeMs = 5_000,
  ) {}

  /** `fresh`: the caller found nothing in the stores as they were read last: look at the registrations again if a second has passed. */
  readonly read: ReadDeployment = async (read, opts) => {
    const open = await this.#current(opts?.fresh === true ? FRESH_MS : this.maxAgeMs);
    return read({
      winTables: open.events.winTables,
      prepare: <P extends unknown[], R>(sql: string) => {
        let st = open.statements.get(sql);
        if (st === undefined) {
          st = open.events.db.prepare(sql);
          open.statements.set(sql, st);
        }
        return st as unknown as Database.Statement<P, R>;
      },
    });
  };

  close(): void {
    this.#open?.events.close();
    this.#open = null;
  }

  async #current(maxAgeMs: number): Promise<OpenStores> {
    const open = this.#open;
    const now = this.now();
    if (open !== null && now - open.checkedAt < maxAgeMs) return open;
    const registered = await registeredStores(this.redis);
    // where each store is, not whether it is alive: a dead engine's store is read all the same
    const stores = JSON.stringify(registered.map((s) => [s.storeId, s.host, s.path]));
    const still = this.#open;
    // a store that could not be read (its file not there yet) is tried again
    if (still !== null && still.stores === stores && still.events.unreached.length === 0) {
      still.checkedAt = now;
      return still;
    }
    still?.events.close();
    const events = openDeploymentEvents(registered, this.own);
    this.#open = { events, stores, checkedAt: now, statements: new Map() };
    return this.#open;
  }
}

/** A read of a deployment connection already open (the audit's). */
export function readOpenDeployment(events: { readonly db: Db; readonly winTables: readonly string[] }): ReadDeployment {
  return async (read) => read({ winTables: events.winTables, prepare: <P extends unknown[], R>(sql: string) => events.db.prepare<P, R>(sql) });
}
