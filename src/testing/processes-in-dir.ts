// Processes whose working directory is a given directory. redis-server changes into its --dir and
// rewrites its command line, so this is how a test finds an embedded redis-server left running.
import { readdirSync, readlinkSync } from 'node:fs';

export function processesInDir(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) pids.push(Number(entry));
    } catch {
      /* gone, or not ours to look at */
    }
  }
  return pids;
}
