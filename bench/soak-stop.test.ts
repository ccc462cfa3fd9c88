// `npm run soak` told to stop (SIGTERM, as a CI timeout or `kill` sends it): it stops its load and faults,
// stops the Redis and the engines it started, writes its report with what it had, and exits 143. Without
// the handler the signal kills the soak process alone and its redis-server and engines live on.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import type { SoakResult } from './soak/soak-result.js';

const out = mkdtempSync(join(tmpdir(), 'scanlot-soak-stop-'));
const seen = new Set<number>();
afterAll(() => {
  // a soak that left processes behind fails the test; they go here so that they do not outlive it
  for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(out, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every process below `root` (children, their children...), read from /proc. */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid ...": comm may hold spaces, so read after its last ')'
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const found: number[] = [];
  const walk = (p: number): void => {
    for (const [pid, pp] of parent) if (pp === p) (found.push(pid), walk(pid));
  };
  walk(root);
  return found;
}

describe('npm run soak and SIGTERM', () => {
  it('stops its Redis and engines, writes the report with what it had, and exits 143', async () => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'bench', 'soak.js'), '--minutes', '1', '--rate', '20', '--seed', '5', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
    // the load is running and the first fault (at 10 % of the run) has struck
    const until = Date.now() + 90_000;
    while (!/^fault /m.test(text)) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`the soak did not reach its first fault:\n${text}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const started = descendants(child.pid as number);
    for (const pid of started) seen.add(pid);
    // a redis-server and two engines at least
    expect(started.length, text).toBeGreaterThanOrEqual(3);

    child.kill('SIGTERM');
    const t0 = Date.now();
    const { code, signal } = await exited;
    expect({ code, signal }, text).toEqual({ code: 143, signal: null });
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(started.filter(alive), text).toEqual([]);

    const json = join(out, 'soak.json');
    expect(existsSync(json), text).toBe(true);
    expect(existsSync(join(out, 'soak.html'))).toBe(true);
    const r = JSON.parse(readFileSync(json, 'utf8')) as SoakResult;
    expect(r.stopped, text).not.toBeNull();
    expect(r.stopped?.atMs).toBeLessThan(55_000);
    expect(r.scans).toBeGreaterThan(0);
    expect(r.faults.length).toBeGreaterThanOrEqual(1);
    expect(r.timeline.length).toBeGreaterThan(3);
  }, 200_000);
});
