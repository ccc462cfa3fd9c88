// Worker thread: one task = move one batch of scan events from the Redis stream into SQLite.
// It reads (XREADGROUP, or XAUTOCLAIM of a dead consumer's entries), commits the batch in one
// transaction, and only then XACKs and XDELs it. The whole stream round trip lives here, not on the
// engine's main thread, which keeps the HTTP hot path free of stream replies to decode and copy.
// Idempotent on the event id: a batch read twice (a crash between commit and XACK) is stored once.
import { connectRedis, type RedisTarget } from '../redis/connect.js';
import type { RedisClient } from '../redis/scripts.js';
import { openEventDb, type Db } from './event-schema.js';
import { fieldsToEvent } from './event-record.js';

export interface PersistTask {
  target: RedisTarget;
  dbPath: string;
  stream: string;
  group: string;
  consumer: string;
  count: number;
  /** "pending": our own entries read before a crash; "new": fresh entries (blocking up to blockMs); "claim": other consumers' entries idle for claimIdleMs */
  mode: 'pending' | 'new' | 'claim';
  blockMs: number;
  claimIdleMs: number;
}

export interface PersistResult {
  /** entries moved */
  moved: number;
  /** events inserted (moved minus duplicates) */
  inserted: number;
}

type Entry = [string, string[] | null];

let redis: Promise<RedisClient> | null = null;
const dbs = new Map<string, (entries: Entry[]) => number>();

function inserter(path: string): (entries: Entry[]) => number {
  let insert = dbs.get(path);
  if (insert) return insert;
  const db: Db = openEventDb(path);
  const stmt = db.prepare(
    `INSERT INTO events (id, at, batch_id, serial, user, campaign_id, outcome, prize_id, body)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO NOTHING`,
  );
  insert = db.transaction((entries: Entry[]) => {
    let n = 0;
    // an entry deleted before it was claimed comes back without fields: nothing to store
    for (const [, fields] of entries) {
      if (!fields) continue;
      // positional parameters: binding by name costs a property lookup per column
      const e = fieldsToEvent(fields);
      n += stmt.run(e.id, e.at, e.batchId, e.serial, e.user, e.campaignId, e.outcome, e.prizeId, e.body).changes;
    }
    return n;
  });
  dbs.set(path, insert);
  return insert;
}

async function read(r: RedisClient, t: PersistTask): Promise<Entry[]> {
  if (t.mode === 'claim') {
    const [, entries] = (await r.xautoclaim(t.stream, t.group, t.consumer, t.claimIdleMs, '0-0', 'COUNT', t.count)) as [string, Entry[]];
    return entries;
  }
  const reply = (await r.xreadgroup(
    'GROUP', t.group, t.consumer, 'COUNT', t.count, 'BLOCK', t.mode === 'new' ? t.blockMs : 1,
    'STREAMS', t.stream, t.mode === 'new' ? '>' : '0',
  )) as [string, Entry[]][] | null;
  return reply?.[0]?.[1] ?? [];
}

export default async function persistBatch(t: PersistTask): Promise<PersistResult> {
  redis ??= connectRedis(t.target, { blocking: true, name: 'scanlot-persist' });
  const r = await redis;
  const entries = await read(r, t);
  if (entries.length === 0) return { moved: 0, inserted: 0 };
  const inserted = inserter(t.dbPath)(entries);
  const ids = entries.map((e) => e[0]);
  // acknowledged and deleted only now that SQLite has them, in one transaction: an engine killed
  // between a separate XACK and XDEL would leave acknowledged entries in the stream for ever
  const replies = await r.multi().xack(t.stream, t.group, ...ids).xdel(t.stream, ...ids).exec();
  const failed = replies?.find(([err]) => err !== null);
  if (!replies || failed) throw new Error(`XACK/XDEL failed: ${failed?.[0]?.message ?? 'transaction aborted'}`);
  return { moved: entries.length, inserted };
}
