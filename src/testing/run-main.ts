// The compiled engine run to its end, for start-ups that must fail: exit status and everything printed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import { TEST_SECRET, TEST_TOKEN } from './engine-process.js';

export function runMainToExit(env: Record<string, string>): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
    env: { ...process.env, HOST: '127.0.0.1', CODE_SECRET: TEST_SECRET, ADMIN_TOKEN: TEST_TOKEN, SCANLOT_DEMO: '0', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, out: (r.stdout + r.stderr).trim() };
}
