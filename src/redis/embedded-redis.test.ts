// The embedded redis-server is reached over its Unix socket when the path fits in sun_path, else over
// its loopback port; both with real redis-server processes.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { EmbeddedRedis } from './embedded-redis.js';
import { createLogger } from '../log.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function pingThrough(dataDir: string): Promise<{ url: string; addr: string; socketMode: number | null }> {
  const embedded = new EmbeddedRedis(dataDir, 'test-redis-password', createLogger('error'));
  const url = await embedded.start();
  const client = new Redis(url, { lazyConnect: true });
  try {
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    await client.client('SETNAME', 'probe');
    const list = (await client.client('LIST')) as string;
    const line = list.split('\n').find((l) => l.includes(' name=probe ')) ?? '';
    const socketMode = url.startsWith('/') ? statSync(url).mode & 0o777 : null;
    return { url, addr: /\baddr=(\S+)/.exec(line)?.[1] ?? '', socketMode };
  } finally {
    client.disconnect();
    await embedded.stop();
  }
}

describe('embedded redis-server', () => {
  it('is reached over a Unix socket only its owner can open', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scanlot-sock-'));
    dirs.push(dataDir);
    const socket = join(dataDir, 'redis', 'redis.sock');
    const { url, addr, socketMode } = await pingThrough(dataDir);
    expect(url).toBe(socket);
    expect(addr.startsWith(socket)).toBe(true);
    expect(socketMode).toBe(0o700);
  });

  it('falls back to its loopback port when the socket path is too long for sun_path', async () => {
    const base = mkdtempSync(join(tmpdir(), 'scanlot-longdir-'));
    dirs.push(base);
    const dataDir = join(base, 'd'.repeat(100));
    const { url, addr } = await pingThrough(dataDir);
    expect(url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(addr).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});
