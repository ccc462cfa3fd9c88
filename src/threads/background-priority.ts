// Background threads (the persist step, DCRM delivery) yield the CPU to the thread that answers scans.
// On a machine where the engine, its workers and Redis share few cores, a persist step's burst (a
// SQLite transaction, parsing a batch, its GC) that lands on the core the main thread needs delays
// every answer behind it: that is the tail. A higher nice value for these threads lets the kernel's
// scheduler run the main thread first whenever both want a core; their work is deferred, not dropped
// (their backlog shows in scanlot_event_backlog). Linux only: setpriority(2) on a thread id changes that
// thread alone. Raising one's own nice value needs no privilege.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

let applied = false;

/** Sets the calling thread's nice value once (0 leaves it as it is); best effort, elsewhere nothing. */
export function lowerThisThreadPriority(nice: number): void {
  if (applied || nice === 0) return;
  applied = true;
  try {
    // "<pid>/task/<tid>"
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    /* not Linux, or /proc not mounted: the thread keeps the process' priority */
  }
}
