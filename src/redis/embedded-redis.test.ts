// The embedded redis-server is reached over its Unix socket when the path fits in sun_path, else over
// its loopback port; both with real redis-server processes, and both require the generated password.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { connect } from 'node:net';
import { EmbeddedRedis } from './embedded-redis.js';
import { createLogger } from '../log.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const PASSWORD = 'test-redis-password-0123456789';

/** one inline command over a plain socket, as any local process could send it; the first reply line */
function rawCommand(url: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const m = /^redis:\/\/([^:]+):(\d+)$/.exec(url);
    const s = m ? connect(Number(m[2]), m[1] as string) : connect(url);
    let answer = '';
    s.on('connect', () => s.write(`${command}\r\n`));
    s.on('data', (d) => {
      answer += d.toString();
      if (answer.includes('\r\n')) {
        s.destroy();
        resolve(answer.split('\r\n')[0] as string);
      }
    });
    s.on('error', reject);
  });
}

async function pingThrough(dataDir: string): Promise<{ url: string; addr: string; socketMode: number | null }> {
  const embedded = new EmbeddedRedis(dataDir, PASSWORD, createLogger('error'));
  const url = await embedded.start();
  const client = new Redis(url, { lazyConnect: true, password: PASSWORD });
  try {
    // a local user who finds the port (or socket) cannot read or rewrite anything without the password
    expect(await rawCommand(url, 'SET stock 999999')).toMatch(/^-NOAUTH/);
    await client.connect();
    expect(await client.get('stock')).toBeNull();
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
