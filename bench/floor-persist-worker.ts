// Worker thread of the floor server (FLOOR_PERSIST=1): the least work that moves each event of the
// floor's stream into SQLite. A consumer group read of up to 500 entries, one transaction of inserts
// into a table with only what idempotency needs (the event id, unique) and the body, then XACK and
// XDEL in one MULTI; a 50 ms pause after a read that did not fill a batch, as the engine's consumer.
// WAL and synchronous=NORMAL, as the engine's event store.
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { workerData } from 'node:worker_threads';
import { nameThisThread, THREAD_NAMES } from '../src/metrics/thread-name.js';

// named like the engine's persist thread: the bench splits both servers' CPU by thread alike
nameThisThread(THREAD_NAMES.persist);

interface FloorPersistData {
  redisUrl: string;
  dbPath: string;
  stream: string;
}

const BATCH = 500;
const LINGER_MS = 50;
const GROUP = 'floor';
const data = workerData as FloorPersistData;

const db = new Database(data.dbPath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL)');
const stmt = db.prepare('INSERT INTO events (id, body) VALUES (?, ?) ON CONFLICT (id) DO NOTHING');
type Entry = [string, string[]];
const insertAll = db.transaction((entries: Entry[]) => {
  for (const [id, fields] of entries) stmt.run(id, fields[1] ?? '');
});

const redis = new Redis(data.redisUrl, { maxRetriesPerRequest: null });
await redis.xgroup('CREATE', data.stream, GROUP, '0', 'MKSTREAM').catch((err: unknown) => {
  if (!(err instanceof Error && err.message.includes('BUSYGROUP'))) throw err;
});

for (;;) {
  const reply = (await redis.xreadgroup('GROUP', GROUP, 'c', 'COUNT', BATCH, 'BLOCK', 1000, 'STREAMS', data.stream, '>')) as [string, Entry[]][] | null;
  const entries = reply?.[0]?.[1] ?? [];
  if (entries.length > 0) {
    insertAll(entries);
    const ids = entries.map((e) => e[0]);
    await redis.multi().xack(data.stream, GROUP, ...ids).xdel(data.stream, ...ids).exec();
  }
  if (entries.length < BATCH) await new Promise((r) => setTimeout(r, LINGER_MS));
}
