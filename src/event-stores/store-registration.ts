// Registers this engine's SQLite event store under its consumer name before it reads the stream, and
// keeps the claim alive. An engine whose consumer name is held by another live store refuses to start:
// it would acknowledge entries into its own file that the other store's engine reads as its own pending
// ones (each SQLite file then silently holds part of the other's share). A store that stopped, or died
// and let its claim expire, gives the name up; whoever takes it next persists that name's pending entries.
import { hostname } from 'node:os';
import type { Logger } from '../log.js';
import { keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { StartupRefused } from '../startup-refused.js';
import { claimStore } from './claim-store.js';
import { releaseStore } from './release-store.js';
import { parseStoreRecord, type StoreRecord } from './store-record.js';

/** A claim not renewed for this long is free: long enough to survive a busy event loop, short enough to restart into. */
export const STORE_CLAIM_TTL_MS = 10_000;
const RENEW_EVERY_MS = 3_000;

export interface StoreRegistration {
  readonly storeId: string;
  stop(): Promise<void>;
}

export interface RegistrationOptions {
  storeId: string;
  consumer: string;
  sqlitePath: string;
  now: () => number;
}

export async function registerEventStore(redis: RedisClient, opts: RegistrationOptions, log: Logger): Promise<StoreRegistration> {
  const record = (): StoreRecord => ({
    storeId: opts.storeId,
    consumer: opts.consumer,
    host: hostname(),
    path: opts.sqlitePath,
    pid: process.pid,
    seenAt: new Date(opts.now()).toISOString(),
  });
  const first = await claimStore(redis, record(), STORE_CLAIM_TTL_MS);
  if (!first.claimed) {
    const holder = parseStoreRecord((await redis.hget(keys.eventStores, opts.consumer)) ?? '');
    const where = holder && holder.storeId === first.holderStoreId ? ` at ${holder.host}:${holder.path}` : '';
    throw new StartupRefused(
      `SCANLOT_CONSUMER ${opts.consumer} is in use by another live event store (${first.holderStoreId}${where}): give this engine its own SCANLOT_CONSUMER, or the same SQLITE_PATH as that store`,
    );
  }
  if (first.previous && first.previous.storeId !== opts.storeId) {
    log.warn(
      { consumer: opts.consumer, previousStore: first.previous.storeId, previousHost: first.previous.host, previousPath: first.previous.path },
      'this consumer name belonged to another event store that is gone: its unacknowledged events will be stored here',
    );
  }

  let failing = false;
  const renew = async (): Promise<void> => {
    try {
      const r = await claimStore(redis, record(), STORE_CLAIM_TTL_MS);
      if (!r.claimed) log.error({ consumer: opts.consumer, holder: r.holderStoreId }, 'another event store took this consumer name while our claim had expired: two stores now share it');
      else if (failing) log.info({ consumer: opts.consumer }, 'event store claim renewed again');
      failing = false;
    } catch (err) {
      if (!failing) log.warn({ consumer: opts.consumer, err: err instanceof Error ? err.message : String(err) }, 'renewing the event store claim failed');
      failing = true;
    }
  };
  const timer = setInterval(() => void renew(), RENEW_EVERY_MS);
  timer.unref();
  return {
    storeId: opts.storeId,
    async stop() {
      clearInterval(timer);
      await releaseStore(redis, opts.consumer, opts.storeId).catch(() => false);
    },
  };
}
