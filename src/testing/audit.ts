// Ends a test with the audit: through the CLI, as an operator would run it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import { TEST_TOKEN, type TestEngine } from './engine-process.js';

export function runAuditCli(engine: TestEngine, campaign?: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'scanlot.js'), 'audit', ...(campaign ? [campaign] : []), '--url', engine.url], {
    env: { ...process.env, ADMIN_TOKEN: TEST_TOKEN },
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}
