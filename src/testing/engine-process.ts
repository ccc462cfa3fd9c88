// The compiled engine as a real child process (engine-launcher.ts), talking to a real Redis, answering real
// HTTP, with the test secrets and a client whose every answer is checked against the API document.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeCodec } from '../codes/code-codec.js';
import { fetchChecked, type CheckedReply } from './checked-fetch.js';
import { LaunchedEngine } from './engine-launcher.js';

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
  const engine = await LaunchedEngine.launch({
    env: (port) => ({
      DATA_DIR: dataDir,
      CODE_SECRET: TEST_SECRET,
      ADMIN_TOKEN: TEST_TOKEN,
      SCANLOT_DEMO: '0',
      LOG_LEVEL: 'warn',
      SCANLOT_RECLAIM_IDLE_MS: '1000',
      SCANLOT_CONSUMER: `engine-${port}`,
      ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
      ...opts.env,
    }),
  });

  // every answer is checked against docs/openapi.yaml
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<CheckedReply> =>
    fetchChecked(engine.url + path, method, TEST_TOKEN, body, headers);

  return {
    url: engine.url,
    port: engine.port,
    dataDir,
    codec: new CodeCodec(Buffer.from(TEST_SECRET, 'hex')),
    output: () => engine.output(),
    pid: () => engine.pid(),
    api: request,
    scan: (body) => request('POST', '/v1/scans', body),
    kill: (signal) => engine.kill(signal),
    restart: () => engine.start(),
    async stop() {
      await engine.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
