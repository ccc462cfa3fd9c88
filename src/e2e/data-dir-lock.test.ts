// One engine per DATA_DIR, and a start-up that fails stops what it started (issue 13, item 5).
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startEngine, type TestEngine } from '../testing/engine-process.js';
import { TestClient } from '../testing/test-client.js';
import { runMainToExit } from '../testing/run-main.js';
import { processesInDir } from '../testing/processes-in-dir.js';
import { freePort } from '../redis/embedded-redis.js';

const dirs: string[] = [];
const engines: TestEngine[] = [];
afterAll(async () => {
  for (const e of engines) await e.stop().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

describe('DATA_DIR lock', () => {
  it('a second engine on the same DATA_DIR exits 1 with one line and touches nothing; after kill -9 a new engine starts', async () => {
    const dataDir = tempDir('scanlot-lock-');
    const redisDir = join(dataDir, 'redis');
    const first = await startEngine({ dataDir });
    engines.push(first);
    const redisPid = Number(readFileSync(join(redisDir, 'redis.pid'), 'utf8'));
    const socketInode = statSync(join(redisDir, 'redis.sock')).ino;
    expect(processesInDir(redisDir)).toEqual([redisPid]);

    const second = runMainToExit({ DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(second.status).toBe(1);
    expect(second.out.split('\n')).toHaveLength(1);
    expect(second.out).toContain(`another scanlot engine holds DATA_DIR ${dataDir}`);
    // the first engine's redis-server is untouched: same process, same socket, no second server on the AOF
    expect(processesInDir(redisDir)).toEqual([redisPid]);
    expect(Number(readFileSync(join(redisDir, 'redis.pid'), 'utf8'))).toBe(redisPid);
    expect(statSync(join(redisDir, 'redis.sock')).ino).toBe(socketInode);
    const b = await new TestClient(first).createBatch({ sku: 'LOCK-1', size: 10 });
    const code = first.codec.encode(b.batchId, 0);
    const scan = await first.scan({ code, user: 'u1' });
    expect(scan.status).toBe(200);
    expect(scan.body.outcome).toBe('verified');

    // kill -9: the kernel drops the lock; the orphaned redis-server is stopped by the next engine only
    // once that engine holds the lock, and the data is kept
    await first.kill('SIGKILL');
    expect(processesInDir(redisDir)).toEqual([redisPid]);
    await first.restart();
    const now = processesInDir(redisDir);
    expect(now).toHaveLength(1);
    expect(now).not.toContain(redisPid);
    const again = await first.scan({ code, user: 'u1' });
    expect(again.body).toMatchObject({ outcome: 'repeat', original: { eventId: scan.body.eventId } });

    await first.kill('SIGTERM');
    expect(processesInDir(redisDir)).toEqual([]);
  });
});

describe('a failed start-up', () => {
  it.each(['the port is in use', 'the event store is locked'])('when %s after the embedded redis-server started: exit 1, no redis-server left', async (fault) => {
    const dataDir = tempDir('scanlot-failed-');
    const port = await freePort();
    const env: Record<string, string> = { DATA_DIR: dataDir, PORT: String(port) };
    let busy: Server | null = null;
    let holder: Database.Database | null = null;
    if (fault === 'the port is in use') {
      busy = createServer();
      await new Promise<void>((r) => busy?.listen(port, '127.0.0.1', r));
    } else {
      const path = join(dataDir, 'held.db');
      holder = new Database(path);
      holder.exec('BEGIN EXCLUSIVE');
      env.SQLITE_PATH = path;
    }
    try {
      const r = runMainToExit(env);
      expect(r.status).toBe(1);
      expect(r.out).toMatch(fault === 'the port is in use' ? /cannot listen/ : /database is locked/);
    } finally {
      busy?.close();
      holder?.close();
    }
    // it had started its redis-server (the AOF directory exists), and stopped it again
    expect(existsSync(join(dataDir, 'redis', 'appendonlydir'))).toBe(true);
    expect(processesInDir(join(dataDir, 'redis'))).toEqual([]);
  });
});
