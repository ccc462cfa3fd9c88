// Runs `npx scanlot <args>` against a test engine, as an operator would, with the test's admin token.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import { TEST_TOKEN, type TestEngine } from './engine-process.js';

export function runScanlotCli(engine: TestEngine, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'scanlot.js'), ...args, '--url', engine.url], {
    env: { ...process.env, ADMIN_TOKEN: TEST_TOKEN },
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}
