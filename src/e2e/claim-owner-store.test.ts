// A claimer does not store again what a dead engine's store already holds. Engine A commits a batch to
// its SQLite file and is killed before its acknowledgement reaches Redis, the entries left pending under
// its name. Engine B, on the same Redis with a reclaim delay of one second, claims them: it must find them
// in A's registered store, skip the insert and only acknowledge them (with their figures), so each event
// is in exactly one of the two stores and counted once.
//
// The moment between the commit and the acknowledgement is made long on purpose: the test holds A's
// SQLite write lock, so A's persist step reads the entries and waits in SQLite's busy wait; Redis is
// then paused for writes (CLIENT PAUSE WRITE) and the lock released, so the commit goes through while
// the acknowledgement, a write, waits in Redis; A is killed there.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { range } from '../testing/test-client.js';
import { waitForBacklog } from '../testing/events.js';
import { waitFor } from '../testing/dcrm-receiver.js';

const fx = useEngine();

const STREAM = '{s0}:events';
const GROUP = 'persist';

function idsIn(dataDir: string, wanted: readonly string[]): Set<string> {
  const db = new Database(`${dataDir}/scanlot.db`, { readonly: true, fileMustExist: true });
  try {
    const held = new Set<string>();
    for (const id of wanted) if (db.prepare('SELECT 1 FROM events WHERE id = ?').get(id) !== undefined) held.add(id);
    return held;
  } finally {
    db.close();
  }
}

/**
 * The number of entries the engine has just read again (its persist step then goes straight to SQLite),
 * or 0: the entries pending, when each was delivered less than 300 ms ago. Until its pending entries are
 * stored, the engine reads no later ones.
 */
async function justRead(): Promise<number> {
  const rows = (await fx.redis.client.xpending(STREAM, GROUP, '-', '+', 1000)) as [string, string, number, number][];
  return rows.length > 0 && rows.every((r) => r[2] < 300) ? rows.length : 0;
}

describe('a claimer and the store of the engine that owned the entries', () => {
  it('skips the insert of claimed entries already in their dead owner\'s store, and acknowledges them', async () => {
    const { batchId, campaignId } = await fx.client.batchWithLiveCampaign([{ id: 'g', kind: 'gift', probability: 0.5, stock: 100 }], { size: 100 });
    await waitForBacklog(fx.engine);
    const redis = fx.redis.client;

    const lock = new Database(`${fx.engine.dataDir}/scanlot.db`);
    lock.exec('BEGIN IMMEDIATE');
    const answered: string[] = [];
    for (const serial of range(30)) {
      const r = await fx.engine.scan({ code: fx.client.code(batchId, serial), user: `u${serial}` });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      answered.push(r.body.eventId as string);
    }
    // the step read the first of them and waits for the lock (SQLite's busy wait is 5 s; it reads them
    // again after each failure)
    let pending = 0;
    await waitFor('engine A reading its pending entries again', async () => (pending = await justRead()) > 0, 30_000);
    await redis.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    try {
      lock.exec('ROLLBACK');
      lock.close();
      await waitFor('the events in engine A\'s store', () => idsIn(fx.engine.dataDir, answered).size === pending, 10_000);
      expect(await fx.engine.kill('SIGKILL')).toBeNull();
    } finally {
      await redis.call('CLIENT', 'UNPAUSE');
    }
    // stored by A, never acknowledged
    const summary = (await redis.xpending(STREAM, GROUP)) as [number, ...unknown[]];
    expect(Number(summary[0])).toBe(pending);

    const b = await fx.anotherEngine();
    try {
      await waitForBacklog(b);
      const inA = idsIn(fx.engine.dataDir, answered);
      const inB = idsIn(b.dataDir, answered);
      expect(inA.size).toBe(pending);
      for (const id of answered) expect(Number(inA.has(id)) + Number(inB.has(id)), id).toBe(1);
      // acknowledged by B with their figures: the campaign's counts hold every scan once
      const stats = await b.api('GET', `/v1/campaigns/${campaignId}/stats`);
      expect(stats.status).toBe(200);
      expect(stats.body.scans).toBe(answered.length);
    } finally {
      await b.stop();
    }
  });
});
