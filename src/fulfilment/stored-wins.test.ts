// Wins read across the deployment's event stores (real SQLite files registered in a real Redis): a user's
// wins and a voucher are found in whichever store holds them, an event stored twice counts once, a
// store registered after the reader opened is read within a second of a miss, and a store on another
// host is not read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { INSERT_WIN, openEventDb, winValues, type WinRow } from '../events/event-schema.js';
import { eventStoreId } from '../event-stores/store-identity.js';
import { claimStore } from '../event-stores/claim-store.js';
import { DeploymentReader } from '../event-stores/deployment-reader.js';
import { StoredWins } from './stored-wins.js';

let redis: TestRedis;
let dir: string;

beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'scanlot-stored-wins-'));
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const win = (id: string, user: string, at: string, extra: Partial<WinRow> = {}): WinRow => ({
  id, user, at, shard: '{s0}', campaignId: 'c', prizeId: 'g', kind: 'gift', voucher: null, record: null, ...extra,
});

/** a store file with these wins, registered under `consumer` on `host` */
async function store(consumer: string, wins: readonly WinRow[], host = hostname()): Promise<{ storeId: string; path: string }> {
  const path = join(dir, `${consumer}.db`);
  const db = openEventDb(path);
  const storeId = eventStoreId(db);
  const insert = db.prepare(INSERT_WIN);
  for (const w of wins) insert.run(...winValues(w));
  db.close();
  await claimStore(redis.client, { storeId, consumer, host, path, pid: process.pid, seenAt: new Date().toISOString() }, 60_000);
  return { storeId, path };
}

describe('wins across the event stores of a deployment', () => {
  it('finds them in whichever store holds them, once each; reads a store registered later within a second of a miss; not one on another host', async () => {
    const own = await store('a', [win('w1', 'u1', '2027-03-01T08:00:00.000Z', { voucher: 'VA' }), win('dup', 'u1', '2027-03-01T09:00:00.000Z', { kind: 'cash' })]);
    await store('b', [win('w2', 'u1', '2027-03-01T10:00:00.000Z', { voucher: 'VB', kind: 'cash' }), win('dup', 'u1', '2027-03-01T09:00:00.000Z', { kind: 'cash' })]);
    let now = 1_000_000;
    const reader = new DeploymentReader(redis.client, own, () => now);
    const wins = new StoredWins(reader.read);
    try {
      expect((await wins.ofUser('u1', 10)).map((w) => w.id)).toEqual(['w2', 'dup', 'w1']);
      expect((await wins.ofUser('u1', 2)).map((w) => w.id)).toEqual(['w2', 'dup']);
      expect(await wins.countOf('u1')).toBe(3);
      expect((await wins.byVoucher('VB'))?.id).toBe('w2');
      expect((await wins.cashAfter(null, 10)).map((w) => w.id)).toEqual(['dup', 'w2']);
      expect((await wins.cashAfter('dup', 10)).map((w) => w.id)).toEqual(['w2']);

      // an engine that starts now: its store is looked for on a miss, once a second has passed
      await store('c', [win('w3', 'u2', '2027-03-01T11:00:00.000Z', { voucher: 'VC' })]);
      now += 200;
      expect(await wins.byVoucher('VC')).toBeNull();
      now += 1_000;
      expect((await wins.byVoucher('VC'))?.user).toBe('u2');

      // a store on another host cannot be read from here
      await store('d', [win('w4', 'u3', '2027-03-01T12:00:00.000Z')], 'another-host');
      now += 10_000;
      expect(await wins.byId('w4')).toBeNull();
      expect((await wins.byId('w3'))?.id).toBe('w3');
    } finally {
      reader.close();
    }
  });
});
