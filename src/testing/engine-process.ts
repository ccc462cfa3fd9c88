// The compiled engine as a real child process, talking to a real Redis, answering real HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../redis/embedded-redis.js';
import { PROJECT_ROOT } from '../paths.js';
import { CodeCodec } from '../codes/code-codec.js';
import { fetchChecked, type CheckedReply } from './checked-fetch.js';

export const TEST_SECRET = 'a1'.repeat(32);
export const TEST_TOKEN = 'test-admin-token-0123456789';

export interface EngineOptions {
  redisUrl?: string;
  env?: Record<string, string>;
  dataDir?: string;
}

export interface TestEngine {
  url: string;
  port: number;
  dataDir: string;
  codec: CodeCodec;
  output(): string;
  /** the engine's process id while it runs, null when it is down */
  pid(): number | null;
  /** POST/PUT/GET JSON with the admin token */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  scan(body: Record<string, unknown>): Promise<{ status: number; body: any }>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEngine(opts: EngineOptions = {}): Promise<TestEngine> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'scanlot-engine-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  let out = '';
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    CODE_SECRET: TEST_SECRET,
    ADMIN_TOKEN: TEST_TOKEN,
    SCANLOT_DEMO: '0',
    LOG_LEVEL: 'warn',
    SCANLOT_RECLAIM_IDLE_MS: '1000',
    SCANLOT_CONSUMER: `engine-${port}`,
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
    ...opts.env,
  };
  const launch = async (): Promise<void> => {
    child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const until = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`engine exited with ${child.exitCode}: ${out}`);
      try {
        const r = await fetch(`${url}/healthz`);
        if (r.status === 200) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > until) throw new Error(`engine did not become healthy: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await launch();

  // every answer is checked against docs/openapi.yaml
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<CheckedReply> =>
    fetchChecked(url + path, method, TEST_TOKEN, body, headers);

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    return exited;
  };

  return {
    url,
    port,
    dataDir,
    codec: new CodeCodec(Buffer.from(TEST_SECRET, 'hex')),
    output: () => out,
    pid: () => (child.exitCode === null && child.signalCode === null ? (child.pid ?? null) : null),
    api: request,
    scan: (body) => request('POST', '/v1/scans', body),
    kill,
    restart: launch,
    async stop() {
      await kill('SIGTERM');
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
