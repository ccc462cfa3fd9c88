// The persist step's thread yields the CPU to the thread that answers scans.
// On a machine where the engine, its workers and Redis share few cores, a persist step's burst (a
// SQLite transaction, parsing a batch, its GC) that lands on the core the main thread needs delays
// every answer behind it: that is the tail. A higher nice value for these threads lets the kernel's
// scheduler run the main thread first whenever both want a core; its work is deferred, not dropped
// (the backlog shows in scanlot_event_backlog). DCRM delivery keeps the engine's priority: its HTTP
// requests have a wall-clock timeout, and a thread starved past it would turn a slow answer into a
// retry and a duplicate delivery (measured: the delivery test's 400 ms timeout fired 5-21 times instead
// of once on a loaded machine). Linux only: setpriority(2) on a thread id changes that
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
