// One sample a second for the report's charts: answers, 503s and p99 of the second before, the event
// backlog in Redis, Redis memory and the engines' RSS.
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
}

export function startTimeline(d: SoakDeployment, ledger: Ledger): { samples: Sample[]; stop(): void } {
  const samples: Sample[] = [];
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
    samples.push({ t: t - 1, answers: s.answers, unavailable: s.unavailable, p99Ms: Math.round(s.p99 * 10) / 10, backlog, redisUsedMemory, engineRss });
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void take().finally(() => (busy = false));
  }, 1000);
  return { samples, stop: () => clearInterval(timer) };
}
