// The compiled engine as a child process (src/testing/engine-launcher.ts) with the bench's secrets and
// limits, on its embedded redis-server unless REDIS_URL is set; plus a small admin client for it.
import { fetchJson } from '../../src/http/json-fetch.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LaunchedEngine } from '../../src/testing/engine-launcher.js';
import { processCmdline } from './proc-stats.js';

/** Fixed, so the bench derives the same codes in-process as the engine. Never use it in production. */
export const BENCH_SECRET = 'b3'.repeat(32);
export const BENCH_TOKEN = 'bench-admin-token-0123456789';

function isRedisServer(pid: number): boolean {
  try {
    return processCmdline(pid)[0]?.includes('redis-server') === true;
  } catch {
    return false;
  }
}

/** the embedded redis-server's process id, from its pid file in the engine's data directory */
function embeddedRedisPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** the engine stops its redis-server itself; only a killed engine leaves one behind */
async function stopLeftRedis(redisPid: number | null): Promise<void> {
  if (redisPid === null || !isRedisServer(redisPid)) return;
  process.kill(redisPid, 'SIGTERM');
  const until = Date.now() + 10_000;
  while (Date.now() < until && isRedisServer(redisPid)) await new Promise((r) => setTimeout(r, 50));
}

export interface ApiReply {
  status: number;
  body: unknown;
}

export class EngineProcess {
  private constructor(
    private readonly engine: LaunchedEngine,
    readonly dataDir: string,
    /** REDIS_URL when given; null: the engine runs its embedded redis-server */
    readonly externalRedisUrl: string | null,
  ) {}

  get url(): string {
    return this.engine.url;
  }

  get pid(): number {
    const pid = this.engine.pid();
    if (pid === null) throw new Error('engine is not running');
    return pid;
  }

  /** The last lines the engine printed (for error messages). */
  output(): string {
    return this.engine.output();
  }

  static async start(nodeArgs: readonly string[] = [], extraEnv: Record<string, string> = {}): Promise<EngineProcess> {
    const dataDir = mkdtempSync(join(tmpdir(), 'scanlot-bench-'));
    const externalRedisUrl = process.env.REDIS_URL && process.env.REDIS_URL !== '' ? process.env.REDIS_URL : null;
    try {
      const engine = await LaunchedEngine.launch({
        nodeArgs,
        outputLimit: 20_000,
        env: (port) => ({
          DATA_DIR: dataDir,
          CODE_SECRET: BENCH_SECRET,
          ADMIN_TOKEN: BENCH_TOKEN,
          SCANLOT_DEMO: '0',
          LOG_LEVEL: 'warn',
          SCANLOT_CONSUMER: `bench-${port}`,
          // every bench request comes from 127.0.0.1: the per-IP forged-code limit and the repeat-flood limit
          // would answer the mix's forged and repeated codes 429 and change what is measured
          SCANLOT_FORGED_PER_MINUTE: '1000000',
          SCANLOT_REPEATS_PER_MINUTE: '1000000',
          ...extraEnv,
        }),
      });
      return new EngineProcess(engine, dataDir, externalRedisUrl);
    } catch (err) {
      // the launcher stopped the engine
      await stopLeftRedis(externalRedisUrl === null ? embeddedRedisPid(dataDir) : null);
      rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
  }


  /** The URL of the Redis the engine uses: REDIS_URL, or the embedded server's port from its command line. */
  redisUrl(): string {
    if (this.externalRedisUrl) return this.externalRedisUrl;
    const pidFile = join(this.dataDir, 'redis', 'redis.pid');
    if (!existsSync(pidFile)) throw new Error(`no ${pidFile}: the engine did not start an embedded redis-server`);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    const args = processCmdline(pid);
    // redis-server replaces its command line with its title, "redis-server 127.0.0.1:PORT"
    const at = args.indexOf('--port');
    const title = /:(\d+)\b/.exec(args.join(' '));
    const port = at >= 0 ? Number(args[at + 1]) : title ? Number(title[1]) : NaN;
    if (!Number.isInteger(port) || port <= 0) throw new Error(`cannot find --port in the command line of redis-server ${pid}: ${args.join(' ')}`);
    // the embedded server requires the password the engine generated into DATA_DIR
    const passwordFile = join(this.dataDir, 'redis-password');
    const password = existsSync(passwordFile) ? readFileSync(passwordFile, 'utf8').trim() : '';
    return password === '' ? `redis://127.0.0.1:${port}` : `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  }

  api(method: string, path: string, body?: unknown): Promise<ApiReply> {
    return fetchJson(this.url + path, method, BENCH_TOKEN, body);
  }

  /** Like api, but anything other than `expect` is an error naming the call. */
  async apiOk(method: string, path: string, body: unknown, expect: number): Promise<Record<string, unknown>> {
    const r = await this.api(method, path, body);
    if (r.status !== expect || typeof r.body !== 'object' || r.body === null) {
      throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
    }
    return r.body as Record<string, unknown>;
  }

  async backlog(): Promise<number> {
    const r = await this.api('GET', '/healthz');
    const b = r.body as { backlog?: unknown } | null;
    if (r.status !== 200 || typeof b?.backlog !== 'number') throw new Error(`/healthz answered ${r.status}: ${JSON.stringify(r.body)}`);
    return b.backlog;
  }

  /** SIGTERM (graceful: drains the event stream), SIGKILL after `ms`; removes the data directory. */
  async stop(ms = 30_000): Promise<void> {
    const redisPid = this.externalRedisUrl === null ? embeddedRedisPid(this.dataDir) : null;
    await this.engine.stop(ms);
    await stopLeftRedis(redisPid);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
