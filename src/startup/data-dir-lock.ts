// One engine per DATA_DIR. Two engines on one DATA_DIR would run two redis-servers on one AOF directory
// and stop each other's server as "left over". The lock is an EXCLUSIVE transaction on DATA_DIR/lock
// held open with locking_mode=EXCLUSIVE: SQLite takes it with fcntl, which the kernel releases when the
// process ends however it ends (kill -9 included), so there is never a stale lock to clean up. fcntl
// locks are not inherited by children, so a redis-server left running by a killed engine holds nothing.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { StartupRefused } from '../startup-refused.js';

/** Files of the lock in DATA_DIR: not data, so a DATA_DIR holding only them is still empty. */
export const LOCK_FILES: readonly string[] = ['lock', 'lock-journal'];

export interface DataDirLock {
  release(): void;
}

export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, 'lock');
  // timeout 0: a held lock is an answer, not something to wait for
  const db = new Database(path, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if (err instanceof Error && 'code' in err && (err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_LOCKED')) {
      throw new StartupRefused(`another scanlot engine holds DATA_DIR ${dataDir} (${path} is locked): stop it, or give this engine its own DATA_DIR`);
    }
    throw err;
  }
  return {
    release: () => {
      if (db.open) db.close();
    },
  };
}
