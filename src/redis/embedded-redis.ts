// The embedded redis-server: started when neither REDIS_URL nor REDIS_CLUSTER is given, supervised
// (restarted when it dies), and stopped on exit. AOF with fsync every second; noeviction, because
// evicting a stock counter or a consumed-code bit would be a wrong answer.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Logger } from '../log.js';
import { HASH_MAX_LISTPACK_VALUE } from './redis-settings.js';

/** sun_path is 108 bytes on Linux, NUL included */
const MAX_SOCKET_PATH = 107;

export class MissingPrerequisite extends Error {}

export function redisServerVersion(): string {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new MissingPrerequisite('redis-server not found on PATH: install Redis >= 7 (Debian/Ubuntu: apt-get install redis-server) or set REDIS_URL');
  }
  const m = /v=(\d+)\.(\d+)\.(\d+)/.exec(r.stdout);
  if (!m || Number(m[1]) < 7) {
    throw new MissingPrerequisite(`redis-server ${m ? m.slice(1).join('.') : '?'} is too old: install Redis >= 7 (Debian/Ubuntu: apt-get install redis-server)`);
  }
  return m.slice(1).join('.');
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

export class EmbeddedRedis {
  #child: ChildProcess | null = null;
  #stopping = false;
  #port = 0;
  readonly #dir: string;
  readonly #pidFile: string;
  readonly #socket: string | null;

  constructor(dataDir: string, /** null only for the floor benchmark, whose own clients connect by URL */ private readonly password: string | null, private readonly log: Logger) {
    this.#dir = resolve(dataDir, 'redis');
    this.#pidFile = join(this.#dir, 'redis.pid');
    const socket = join(this.#dir, 'redis.sock');
    this.#socket = Buffer.byteLength(socket) <= MAX_SOCKET_PATH ? socket : null;
  }

  /**
   * Where the engine connects: the Unix socket when its path fits (sun_path holds 107 bytes), else the
   * loopback port. A Unix socket skips the TCP stack on both sides of every script call.
   */
  get url(): string {
    return this.#socket ?? `redis://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<string> {
    redisServerVersion();
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    await this.#stopStale();
    this.#port = await freePort();
    await this.#spawn();
    return this.url;
  }

  /**
   * A redis-server left running by an engine that was killed would share our AOF: stop it first. Only
   * safe under the DATA_DIR lock (src/startup/data-dir-lock.ts), which the engine takes before this:
   * without it, a live engine's server would look left over.
   */
  async #stopStale(): Promise<void> {
    if (!existsSync(this.#pidFile)) return;
    const pid = Number(readFileSync(this.#pidFile, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        /* not Linux, or gone: the kill below is harmless then */
      }
      if (cmdline === '' || cmdline.includes('redis-server')) {
        this.log.warn({ pid }, 'stopping a redis-server left over from an earlier run');
        process.kill(pid, 'SIGTERM');
        if (!(await waitFor(() => !isAlive(pid), 15_000))) process.kill(pid, 'SIGKILL');
      }
    }
    rmSync(this.#pidFile, { force: true });
  }

  #spawn(): Promise<void> {
    const args = [
      '--port', String(this.#port),
      '--bind', '127.0.0.1',
      ...(this.#socket ? ['--unixsocket', this.#socket, '--unixsocketperm', '700'] : []),
      '--dir', this.#dir,
      '--pidfile', this.#pidFile,
      '--appendonly', 'yes',
      '--appendfsync', 'everysec',
      '--save', '',
      '--maxmemory-policy', 'noeviction',
      // a code record (src/scan/code-record.ts) is about 100 bytes: hashes of them stay listpacks
      // (113 bytes a record measured, 170 as a hashtable); see docs/cost.md for an external Redis
      '--hash-max-listpack-value', String(HASH_MAX_LISTPACK_VALUE),
      '--daemonize', 'no',
      '--loglevel', 'warning',
      '--logfile', join(this.#dir, 'redis.log'),
      // the password is not on the command line (ps shows it to every local user): read from stdin. "-"
      // goes last: redis-server 7.0.15 exited at start with options after it (seen here)
      '-',
    ];
    const child = spawn('redis-server', args, { stdio: ['pipe', 'ignore', 'ignore'] });
    this.#child = child;
    child.stdin?.end(this.password === null ? '' : `requirepass ${this.password}\n`);
    child.on('exit', (code, signal) => {
      if (this.#child !== child) return;
      this.#child = null;
      if (this.#stopping) return;
      this.log.error({ code, signal }, 'embedded redis-server exited; restarting it');
      setTimeout(() => {
        if (!this.#stopping) this.#spawn().catch((err: unknown) => this.log.error({ err }, 'restarting redis-server failed'));
      }, 500);
    });
    return new Promise((resolveReady, reject) => {
      child.once('error', reject);
      // ready when the port accepts PING; AOF replay of a large file can take a while
      const started = Date.now();
      const probe = (): void => {
        import('node:net').then(({ connect }) => {
          const s = connect(this.#port, '127.0.0.1');
          s.once('connect', () => {
            s.write(this.password === null ? 'PING\r\nPING\r\n' : `AUTH ${this.password}\r\nPING\r\n`);
          });
          let answer = '';
          s.on('data', (d) => {
            answer += d.toString();
            if (!answer.includes('\r\n', answer.indexOf('\r\n') + 2)) return; // two replies
            s.destroy();
            if (answer.includes('+PONG')) resolveReady();
            else retry();
          });
          s.once('error', () => {
            s.destroy();
            retry();
          });
        }, reject);
      };
      const retry = (): void => {
        if (this.#child !== child) return reject(new Error('redis-server exited during start-up'));
        if (Date.now() - started > 120_000) return reject(new Error('redis-server did not become ready in 120 s'));
        setTimeout(probe, 50);
      };
      probe();
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
