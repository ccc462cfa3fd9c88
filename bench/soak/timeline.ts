// One sample a second for the report's charts: answers, 503s and p99 of the second before, the event
// backlog in Redis, Redis memory and the engines' RSS.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { rssBytes } from '../lib/proc-stats.js';
import type { SoakDeployment } from './deployment.js';
import type { Ledger } from './ledger.js';

export interface Sample {
  /** seconds after the run started */
  t: number;
  answers: number;
  unavailable: number;
  p99Ms: number;
  /** events in Redis not yet in SQLite; null when no engine answered */
  backlog: number | null;
  redisUsedMemory: number | null;
  engineRss: number;
  /**
   * the longest the soak process' own event loop was held up in that second (ms): the DCRM receiver runs
   * on it, so a stall this long is a delivery the engines waited for
   */
  soakLoopDelayMaxMs: number;
}

export function startTimeline(d: SoakDeployment, ledger: Ledger): { samples: Sample[]; stop(): void } {
  const samples: Sample[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let busy = false;
  const take = async (): Promise<void> => {
    const t = Math.floor(ledger.now() / 1000);
    const s = ledger.second(t - 1);
    let backlog: number | null = null;
    for (const e of d.engines) {
      if (e.pid() === null) continue;
      const h = await fetch(`${e.url}/healthz`, { signal: AbortSignal.timeout(800) }).then((r) => r.json() as Promise<{ backlog?: number }>).catch(() => null);
      if (typeof h?.backlog === 'number' && h.backlog >= 0) {
        backlog = h.backlog;
        break;
      }
    }
    const redisUsedMemory = await Promise.race([d.redis.usedMemory(), new Promise<null>((r) => setTimeout(() => r(null), 800))]).catch(() => null);
    let engineRss = 0;
    for (const e of d.engines) {
      const pid = e.pid();
      if (pid !== null) engineRss += (() => { try { return rssBytes(pid); } catch { return 0; } })();
    }
    const soakLoopDelayMaxMs = Math.round(loopDelay.max / 1e6);
    loopDelay.reset();
    samples.push({ t: t - 1, answers: s.answers, unavailable: s.unavailable, p99Ms: Math.round(s.p99 * 10) / 10, backlog, redisUsedMemory, engineRss, soakLoopDelayMaxMs });
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void take().finally(() => (busy = false));
  }, 1000);
  return {
    samples,
    stop: () => {
      clearInterval(timer);
      loopDelay.disable();
    },
  };
}
