// CPU time and memory of a process, read from /proc (Linux). utime+stime of /proc/<pid>/stat cover every
// thread of the process (worker threads included); they are in clock ticks (`getconf CLK_TCK`).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { THREAD_NAMES } from '../../src/metrics/thread-name.js';

let ticksPerSecond: number | null = null;

export function clockTicksPerSecond(): number {
  if (ticksPerSecond === null) {
    let n = 100;
    try {
      n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      /* getconf missing: Linux uses 100 almost everywhere */
    }
    ticksPerSecond = Number.isFinite(n) && n > 0 ? n : 100;
  }
  return ticksPerSecond;
}

/** CPU microseconds (user + system, all threads) the process has used so far. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // after the name: field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / clockTicksPerSecond();
}

/** The threads of a process the bench tells apart: the main thread, the persist and DCRM workers, the rest. */
export type ThreadRole = 'main' | 'persist' | 'dcrm' | 'other';
export type CpuByThread = Record<ThreadRole, number>;

const ROLE_OF_NAME: Readonly<Record<string, ThreadRole>> = { [THREAD_NAMES.persist]: 'persist', [THREAD_NAMES.dcrm]: 'dcrm' };

function ticksOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * CPU µs so far of the main thread and of each thread named by src/metrics/thread-name.ts; `other` is the
 * rest of the process's total (unnamed threads: V8's, libuv's, and threads that already ended).
 */
export function cpuMicrosByThread(pid: number): CpuByThread {
  const us = (ticks: number): number => (ticks * 1_000_000) / clockTicksPerSecond();
  const out: CpuByThread = { main: 0, persist: 0, dcrm: 0, other: 0 };
  let named = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let role: ThreadRole | undefined;
    let ticks: number;
    try {
      role = Number(tid) === pid ? 'main' : ROLE_OF_NAME[readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()];
      if (role === undefined) continue;
      ticks = ticksOf(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
    } catch {
      continue; // the thread ended while it was read
    }
    out[role] += us(ticks);
    named += us(ticks);
  }
  out.other = cpuMicros(pid) - named;
  return out;
}

/** The CPU of one process over a stretch of time, split by thread (see cpuMicrosByThread). */
export class ThreadCpuWindow {
  readonly #start: CpuByThread;
  constructor(private readonly pid: number) {
    this.#start = cpuMicrosByThread(pid);
  }

  /** µs per role since the start; a named thread that ended inside the window moves its time into `other` */
  stop(): CpuByThread {
    const end = cpuMicrosByThread(this.pid);
    const d = (r: ThreadRole): number => end[r] - this.#start[r];
    return { main: d('main'), persist: d('persist'), dcrm: d('dcrm'), other: d('other') };
  }
}

/** Sum of cpuMicros over several processes. */
export function cpuMicrosOf(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) total += cpuMicros(pid);
  return total;
}

/** Resident set size in bytes (VmRSS of /proc/<pid>/status). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) * 1024;
}

export function processCmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s !== '');
}

/** Samples a process's RSS every `everyMs` until stopped; reports the largest growth over the first sample. */
export class RssSampler {
  readonly #timer: NodeJS.Timeout;
  readonly #start: number;
  #max: number;
  #samples = 1;

  constructor(private readonly pid: number, everyMs = 100) {
    this.#start = rssBytes(pid);
    this.#max = this.#start;
    this.#timer = setInterval(() => this.#sample(), everyMs);
  }

  #sample(): void {
    try {
      const v = rssBytes(this.pid);
      this.#samples++;
      if (v > this.#max) this.#max = v;
    } catch {
      /* the process is gone: keep what was seen */
    }
  }

  stop(): { startBytes: number; maxBytes: number; growthBytes: number; samples: number } {
    clearInterval(this.#timer);
    this.#sample();
    return { startBytes: this.#start, maxBytes: this.#max, growthBytes: this.#max - this.#start, samples: this.#samples };
  }
}

/** CPU microseconds the whole machine has been busy (all cores; idle and iowait excluded), from /proc/stat. */
export function machineBusyMicros(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = (v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0) + (v[7] ?? 0);
  return (busy * 1_000_000) / clockTicksPerSecond();
}

/** CPU time of some processes over a stretch of time, and of everything else on the machine. */
export class CpuWindow {
  readonly #pids: readonly number[];
  readonly #start: number[];
  readonly #machine0 = machineBusyMicros();
  readonly #self0 = process.cpuUsage();
  readonly #t0 = performance.now();

  constructor(pids: readonly number[]) {
    this.#pids = pids;
    this.#start = pids.map(cpuMicros);
  }

  /** µs per watched pid, this process's µs, and the average number of cores busy with anything else. */
  stop(): { perPid: number[]; selfUs: number; otherCores: number } {
    const perPid = this.#pids.map((pid, i) => cpuMicros(pid) - (this.#start[i] ?? 0));
    const self = process.cpuUsage(this.#self0);
    const selfUs = self.user + self.system;
    const wallUs = (performance.now() - this.#t0) * 1000;
    const other = machineBusyMicros() - this.#machine0 - selfUs - perPid.reduce((a, b) => a + b, 0);
    return { perPid, selfUs, otherCores: wallUs > 0 ? Math.max(0, other) / wallUs : 0 };
  }
}
