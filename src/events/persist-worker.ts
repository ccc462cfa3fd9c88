// Worker thread: commits a batch of stream entries to SQLite in one transaction. Idempotent on the
// event id, so a batch delivered twice (a crash between commit and XACK) is stored once.
import { openEventDb, type Db } from './event-schema.js';
import { fieldsToEvent } from './event-record.js';

export interface PersistTask {
  dbPath: string;
  /** stream entries: [streamId, [field, value, …]] */
  entries: [string, string[]][];
}

const dbs = new Map<string, { db: Db; insert: (entries: PersistTask['entries']) => number }>();

function open(path: string): { db: Db; insert: (entries: PersistTask['entries']) => number } {
  let h = dbs.get(path);
  if (h) return h;
  const db = openEventDb(path);
  const stmt = db.prepare(
    `INSERT INTO events (id, at, batch_id, serial, user, campaign_id, outcome, prize_id, body)
     VALUES (@id, @at, @batchId, @serial, @user, @campaignId, @outcome, @prizeId, @body)
     ON CONFLICT (id) DO NOTHING`,
  );
  const insert = db.transaction((entries: PersistTask['entries']) => {
    let n = 0;
    for (const [, fields] of entries) n += stmt.run(fieldsToEvent(fields)).changes;
    return n;
  });
  h = { db, insert };
  dbs.set(path, h);
  return h;
}

export default function persist(task: PersistTask): number {
  return open(task.dbPath).insert(task.entries);
}
