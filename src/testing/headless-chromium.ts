// Renders a page in Debian's headless Chromium and returns the DOM after its scripts ran (and a
// screenshot when asked). The flags keep Chromium off the network this machine does not have.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? null;

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM as string, args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

export async function renderPage(url: string, opts: { screenshot?: string; cookie?: string } = {}): Promise<string> {
  if (!CHROMIUM) throw new Error('chromium is not installed (apt-get install chromium)');
  const profile = mkdtempSync(join(tmpdir(), 'scanlot-chromium-'));
  const common = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, '--virtual-time-budget=5000', '--window-size=390,844',
  ];
  try {
    if (opts.screenshot) await run([...common, `--screenshot=${opts.screenshot}`, url]);
    return await run([...common, '--dump-dom', url]);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
