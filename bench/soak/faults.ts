// The fault schedule of a soak: every kind at least once per run (once per five minutes on longer runs),
// in a seeded order at seeded times, one step after another (the faults that break an engine, Redis or a
// store alone; the receiver's and the campaign's side by side), each timed from when it struck (or ended,
// for those that last) until the deployment answered again.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { keys } from '../../src/redis/keys.js';
import { COMMAND_TIMEOUT_MS } from '../../src/redis/connect.js';
import type { TestEngine } from '../../src/testing/engine-process.js';
import type { ReceivedBatch } from '../../src/testing/dcrm-receiver.js';
import type { SoakDeployment } from './deployment.js';
import type { Ledger } from './ledger.js';

export const FAULT_KINDS = [
  'engine-kill-9',
  'engine-sigterm',
  'redis-kill-9',
  'redis-client-pause',
  'dcrm-down',
  'dcrm-poison',
  'store-lock',
  'day-rollover',
  'campaign-pause-resume',
  'top-up',
  'ends-at-extension',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRecord {
  kind: FaultKind;
  /** ms after the run started when the fault struck */
  at: number;
  /** ms from the fault's end (a restart, a resume, a receiver back up) until the deployment answered again */
  recoveredAfterMs: number;
  detail: string;
}

export interface FaultContext {
  readonly deployment: SoakDeployment;
  readonly ledger: Ledger;
  readonly campaignId: string;
  /** scans one probe code on engine k; true on 200 */
  probe(k: number): Promise<boolean>;
  readonly rnd: () => number;
  /** how long the DCRM stays down (a minute in a long run) */
  readonly dcrmDownMs: number;
  /** the run was told to stop (SIGTERM, SIGINT): a fault cuts its waits short and puts back what it broke */
  readonly stop: AbortSignal;
}

/** Thrown by a fault's wait for recovery once the run is told to stop: nothing is left to measure. */
export class SoakStopped extends Error {
  constructor() {
    super('soak: stopped');
  }
}

/** Sleeps `ms`, or less when the run is told to stop (the caller then goes on to undo its fault). */
function sleep(ms: number, stop?: AbortSignal): Promise<void> {
  if (stop?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop?.addEventListener('abort', done, { once: true });
  });
}

/** ms until `cond` holds (checked every 100 ms), or an error after `timeoutMs` or once the run is told to stop */
async function until(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 120_000, stop?: AbortSignal): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await Promise.resolve().then(cond).catch(() => false))) {
    if (stop?.aborted) throw new SoakStopped();
    if (Date.now() > end) throw new Error(`soak: timed out waiting for ${what}`);
    await sleep(100, stop);
  }
}

const liveEngines = (ctx: FaultContext): number[] => ctx.deployment.engines.map((e, k) => (e.pid() === null ? -1 : k)).filter((k) => k >= 0);

async function allAnswer(ctx: FaultContext): Promise<void> {
  for (const k of liveEngines(ctx)) await until(`engine ${k} to answer a scan`, () => ctx.probe(k), 120_000, ctx.stop);
}

/** An admin call on any live engine, retried through 503s and refused connections. */
async function admin(ctx: FaultContext, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  let last: { status: number; body: any } = { status: 0, body: null };
  await until(`${method} ${path}`, async () => {
    const e = ctx.deployment.engines[liveEngines(ctx)[0] ?? 0] as TestEngine;
    last = await e.api(method, path, body);
    return last.status < 500;
  }, 120_000, ctx.stop);
  return last;
}

async function health(e: TestEngine): Promise<{ sqlite?: string; oldestUndeliveredAgeS?: number; backlog?: number }> {
  return ((await e.api('GET', '/healthz')).body ?? {}) as { sqlite?: string; oldestUndeliveredAgeS?: number };
}

/** The next midnight of the campaign's time zone (Asia/Shanghai: UTC+8, no daylight saving) after `ms`. */
function nextShanghaiMidnight(ms: number): number {
  const day = 86_400_000;
  const offset = 8 * 3_600_000;
  return Math.floor((ms + offset) / day + 1) * day - offset;
}

type Run = (ctx: FaultContext, at: number) => Promise<{ recoveredAfterMs: number; detail: string }>;

const engineRestart =
  (signal: NodeJS.Signals, which: (n: number) => number): Run =>
  async (ctx) => {
    const k = which(ctx.deployment.engines.length);
    const e = ctx.deployment.engines[k] as TestEngine;
    await e.kill(signal);
    const t0 = Date.now();
    await e.restart();
    await until(`engine ${k} to answer after its restart`, () => ctx.probe(k), 120_000, ctx.stop);
    return { recoveredAfterMs: Date.now() - t0, detail: `engine ${k} ${signal === 'SIGKILL' ? 'kill -9' : 'SIGTERM'}, restarted on its DATA_DIR` };
  };

const RUNS: Record<FaultKind, Run> = {
  'engine-kill-9': engineRestart('SIGKILL', () => 0),
  'engine-sigterm': engineRestart('SIGTERM', (n) => (n > 1 ? 1 : 0)),
  async 'redis-kill-9'(ctx) {
    const r = ctx.deployment.redis;
    const port = r.ports[Math.floor(ctx.rnd() * r.ports.length)] as number;
    // what the restart will load: the time until the server answers grows with it
    const aofBytes = await r.aofBytes(port).catch(() => null);
    await r.kill(port);
    await sleep(1_000, ctx.stop);
    // from the restart on: the server's own start (and a cluster's agreeing it is back) counts
    const t0 = Date.now();
    await r.restart(port);
    // the restart returns once the server answers PING, which it refuses (LOADING) until its AOF is loaded
    const serverMs = Date.now() - t0;
    await allAnswer(ctx);
    const recoveredAfterMs = Date.now() - t0;
    const aof = aofBytes === null ? 'its AOF' : `its AOF (${(aofBytes / 1e6).toFixed(1)} MB)`;
    return { recoveredAfterMs, detail: `redis-server :${port} kill -9, down 1 s, restarted from ${aof}: the server answered after ${serverMs} ms (its start and AOF load${r.ports.length > 1 ? ', the cluster agreeing it is back' : ''}), every engine ${recoveredAfterMs - serverMs} ms later` };
  },
  async 'redis-client-pause'(ctx) {
    const r = ctx.deployment.redis;
    const port = r.ports[Math.floor(ctx.rnd() * r.ports.length)] as number;
    // past the scan deadline: scans in flight answer 503 and the script skips them when Redis gets to them
    const ms = COMMAND_TIMEOUT_MS + 1_000;
    await r.pause(port, ms);
    await sleep(ms, ctx.stop);
    const t0 = Date.now();
    await allAnswer(ctx);
    return { recoveredAfterMs: Date.now() - t0, detail: `CLIENT PAUSE ${ms} ms on :${port} (scan deadline ${COMMAND_TIMEOUT_MS} ms)` };
  },
  async 'dcrm-down'(ctx) {
    const rcv = ctx.deployment.receiver;
    await rcv.close();
    await sleep(ctx.dcrmDownMs, ctx.stop);
    await rcv.listen();
    const t0 = Date.now();
    await until('delivery to catch up', async () => {
      for (const k of liveEngines(ctx)) if (((await health(ctx.deployment.engines[k] as TestEngine)).oldestUndeliveredAgeS ?? 99) > 2) return false;
      return true;
    }, 300_000, ctx.stop);
    return { recoveredAfterMs: Date.now() - t0, detail: `receiver closed for ${Math.round(ctx.dcrmDownMs / 1000)} s; recovered when no engine had an event undelivered for more than 2 s` };
  },
  async 'dcrm-poison'(ctx) {
    const rcv = ctx.deployment.receiver;
    const poison = new Set<string>();
    // the first events the receiver sees from now on are rejected (400) every time: poison
    rcv.handler = (b: ReceivedBatch) => {
      if (poison.size === 0) for (const id of b.ids.slice(0, 3)) poison.add(id);
      return b.ids.some((id) => poison.has(id)) ? 400 : 200;
    };
    const deadCount = async (): Promise<number> => {
      let n = 0;
      for (const k of liveEngines(ctx)) n += Number(((await (ctx.deployment.engines[k] as TestEngine).api('GET', '/v1/dcrm/dead-letters')).body?.counts?.dead ?? 0));
      return n;
    };
    try {
      await until('the poison events to be dead-lettered', async () => poison.size > 0 && (await deadCount()) >= poison.size, 120_000, ctx.stop);
    } finally {
      // healthy again whatever happened: a run told to stop still drains its deliveries
      rcv.handler = () => 200;
    }
    const t0 = Date.now();
    for (const k of liveEngines(ctx)) await (ctx.deployment.engines[k] as TestEngine).api('POST', '/v1/dcrm/replay');
    await until('the poison events to be delivered after the replay', async () => {
      const accepted = new Set(rcv.acceptedIds());
      return [...poison].every((id) => accepted.has(id)) && (await deadCount()) === 0;
    }, 120_000, ctx.stop);
    return { recoveredAfterMs: Date.now() - t0, detail: `${poison.size} events answered 400 until dead-lettered, then replayed and delivered` };
  },
  async 'store-lock'(ctx) {
    const k = Math.floor(ctx.rnd() * ctx.deployment.engines.length);
    const e = ctx.deployment.engines[k] as TestEngine;
    // past SQLite's busy_timeout (5 s): the persist batch fails with SQLITE_BUSY and is stored again later
    const lock = new Database(join(e.dataDir, 'scanlot.db'));
    lock.exec('BEGIN EXCLUSIVE');
    await sleep(7_000, ctx.stop);
    lock.exec('COMMIT');
    lock.close();
    const t0 = Date.now();
    await until(`engine ${k} to persist again`, async () => (await health(e)).sqlite === 'up', 120_000, ctx.stop);
    return { recoveredAfterMs: Date.now() - t0, detail: `engine ${k}'s event store held by BEGIN EXCLUSIVE for 7 s (busy_timeout 5 s)` };
  },
  async 'day-rollover'(ctx) {
    const redis = ctx.deployment.redis.client;
    const current = Number((await redis.get(keys.clockShift(ctx.deployment.shards[0] as never))) ?? 0);
    const shared = Date.now() + current;
    // 3 s before the campaign day ends: the day rolls over under load
    const shift = nextShanghaiMidnight(shared) - 3_000 - Date.now();
    for (const t of ctx.deployment.shards) await redis.set(keys.clockShift(t), String(shift));
    await sleep(3_000, ctx.stop);
    const t0 = Date.now();
    await allAnswer(ctx);
    return { recoveredAfterMs: Date.now() - t0, detail: `shared clock shifted by ${Math.round(shift / 1000)} s to 3 s before midnight (Asia/Shanghai)` };
  },
  async 'campaign-pause-resume'(ctx) {
    await admin(ctx, 'PATCH', `/v1/campaigns/${ctx.campaignId}`, { state: 'paused' });
    await sleep(3_000, ctx.stop);
    await admin(ctx, 'PATCH', `/v1/campaigns/${ctx.campaignId}`, { state: 'live' });
    const resumed = ctx.ledger.now();
    const t0 = Date.now();
    // every engine learns of the resume by a message (or its 10 s reload): a first scan draws again
    await until('a first scan drawn after the resume', () => ctx.ledger.scans.some((a) => a.at > resumed && (a.outcome === 'won' || a.outcome === 'lost')) && !ctx.ledger.scans.slice(-50).some((a) => a.reason === 'campaign_paused'), 120_000, ctx.stop);
    return { recoveredAfterMs: Date.now() - t0, detail: 'paused for 3 s, then live again' };
  },
  async 'top-up'(ctx) {
    const t0 = Date.now();
    const r = await admin(ctx, 'PATCH', `/v1/campaigns/${ctx.campaignId}`, { prizes: [{ id: 'grand', addStock: 5 }, { id: 'red', addBudget: 10_000 }] });
    if (r.status !== 200) throw new Error(`top-up answered ${r.status}: ${JSON.stringify(r.body)}`);
    return { recoveredAfterMs: Date.now() - t0, detail: 'grand +5 stock, red +10000 budget' };
  },
  async 'ends-at-extension'(ctx) {
    const t0 = Date.now();
    const c = await admin(ctx, 'GET', `/v1/campaigns/${ctx.campaignId}`);
    const endsAt = Date.parse(String(c.body?.endsAt ?? c.body?.campaign?.endsAt));
    const r = await admin(ctx, 'PATCH', `/v1/campaigns/${ctx.campaignId}`, { endsAt: new Date(endsAt + 86_400_000).toISOString() });
    if (r.status !== 200) throw new Error(`endsAt extension answered ${r.status}: ${JSON.stringify(r.body)}`);
    return { recoveredAfterMs: Date.now() - t0, detail: `endsAt moved a day later, to ${new Date(endsAt + 86_400_000).toISOString()}` };
  },
};

/**
 * A step of the schedule: lanes that run side by side, each a list of kinds run one after another. The
 * faults that break the deployment's processes and Redis run alone (their recovery is timed by probes and
 * health checks that any other fault's break would slow); the receiver's faults (outage, then poison) and
 * the campaign's (clock, pause, top-up, `endsAt`) break different parts and are checked by different things
 * (deliveries against the scans' draws), so they share one step.
 */
export type FaultStep = FaultKind[][];

/** the faults that run alone: each breaks an engine, Redis or an event store */
const ALONE_FAULTS: readonly FaultKind[] = ['engine-kill-9', 'engine-sigterm', 'redis-kill-9', 'redis-client-pause', 'store-lock'];
const RECEIVER_LANE: FaultKind[] = ['dcrm-down', 'dcrm-poison'];
const CAMPAIGN_FAULTS: readonly FaultKind[] = ['day-rollover', 'campaign-pause-resume', 'top-up', 'ends-at-extension'];

function shuffled<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * The steps in run order: per cycle, every kind once, shuffled (seeded): each fault of ALONE_FAULTS a step
 * of its own, and one step of the receiver's outage then poison beside the campaign's faults (in seeded order).
 */
export function faultOrder(cycles: number, rnd: () => number): FaultStep[] {
  const out: FaultStep[] = [];
  for (let c = 0; c < cycles; c++) {
    const sideBySide: FaultStep = [RECEIVER_LANE, shuffled(CAMPAIGN_FAULTS, rnd)];
    const steps: FaultStep[] = [...ALONE_FAULTS.map((k) => [[k]]), sideBySide];
    out.push(...shuffled(steps, rnd));
  }
  return out;
}

/**
 * Runs the schedule between 10 % and 85 % of the run: the steps' start times are spread over that window
 * with seeded jitter, each starts no earlier than the end of the one before (of every lane of it).
 */
export async function runFaults(ctx: FaultContext, runMs: number, onFault: (f: FaultRecord) => void): Promise<void> {
  const cycles = Math.max(1, Math.floor(runMs / 300_000));
  const order = faultOrder(cycles, ctx.rnd);
  const from = runMs * 0.1;
  const span = runMs * 0.75;
  const slot = span / order.length;
  const runLane = async (lane: readonly FaultKind[]): Promise<void> => {
    for (const kind of lane) {
      if (ctx.stop.aborted) return;
      const at = ctx.ledger.now();
      let r;
      try {
        r = await RUNS[kind](ctx, at);
      } catch (err) {
        // told to stop mid-fault: what it broke is back (restarted, reopened, unlocked), its recovery unmeasured
        if (err instanceof SoakStopped) return;
        throw err;
      }
      onFault({ kind, at, ...r });
    }
  };
  for (const [i, step] of order.entries()) {
    const due = from + slot * i + ctx.rnd() * slot * 0.5;
    const wait = due - ctx.ledger.now();
    if (wait > 0) await sleep(wait, ctx.stop);
    if (ctx.stop.aborted) return;
    // every lane ends (or fails) before the step does: a lane still running would outlive the run's teardown
    const ends = await Promise.allSettled(step.map(runLane));
    const failed = ends.find((e): e is PromiseRejectedResult => e.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
