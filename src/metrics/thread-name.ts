// Names the calling thread in the kernel (Linux: /proc/thread-self/comm, at most 15 bytes), so that
// per-thread CPU can be told apart from outside the process (`npm run bench` reads
// /proc/<pid>/task/*/comm and stat: cpuUsPerScanByThread). Best effort: elsewhere it does nothing.
import { writeFileSync } from 'node:fs';

export const THREAD_NAMES = { persist: 'scanlot-persist', dcrm: 'scanlot-dcrm' } as const;

export function nameThisThread(name: string): void {
  try {
    writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
  } catch {
    /* not Linux, or /proc not mounted: threads stay unnamed, the bench counts them as "other" */
  }
}
