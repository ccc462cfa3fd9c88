// The engine's side of DCRM delivery: starts the worker thread (restarting it if it dies), answers what
// operators ask (backlog, lag, dead letters, replay), and stops it in the shutdown sequence. All state is
// in SQLite, so a restart of the worker or of the engine resumes where delivery stopped.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.js';
import type { Db } from '../events/event-schema.js';
import { OutboxStore } from './outbox-store.js';
import { DeadLetters, type DeadLetterState } from './dead-letters.js';
import type { AttemptResult, DeliveryPolicy } from './dcrm-delivery.js';
import type { DcrmWorkerData, FromWorker, ToWorker } from './dcrm-messages.js';

export interface DcrmOptions {
  dbPath: string;
  url: string | null;
  secret: string | null;
  timeoutMs: number;
  policy: DeliveryPolicy;
  /** the engine's clock (event times are on it) */
  now: () => number;
}

export interface DeliveryObserver {
  attempt(result: AttemptResult, events: number): void;
  delivered(events: number): void;
}

const RESPAWN_DELAY_MS = 1000;

/** The URL for logs: user:password@ would print a credential. */
function withoutCredentials(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

export class DcrmOutbox {
  readonly deadLetters: DeadLetters;
  readonly #store: OutboxStore;
  #worker: Worker | null = null;
  #exited: Promise<void> = Promise.resolve();
  #stopping = false;
  #respawn: NodeJS.Timeout | null = null;
  #observer: DeliveryObserver | null = null;

  constructor(db: Db, private readonly opts: DcrmOptions, private readonly log: Logger) {
    this.#store = new OutboxStore(db);
    this.deadLetters = new DeadLetters(db);
  }

  /** Delivery runs only with DCRM_URL (and its secret) set; events are stored either way. */
  get enabled(): boolean {
    return this.opts.url !== null && this.opts.secret !== null;
  }

  observe(observer: DeliveryObserver): void {
    this.#observer = observer;
  }

  start(): void {
    if (!this.enabled) {
      this.log.info('DCRM_URL not set: events are stored in SQLite but not delivered');
      return;
    }
    this.log.info({ url: withoutCredentials(this.opts.url as string), position: this.#store.position(), backlog: this.backlog() }, 'DCRM delivery starting');
    this.#spawn();
  }

  #spawn(): void {
    const data: DcrmWorkerData = {
      dbPath: this.opts.dbPath,
      url: this.opts.url as string,
      secret: this.opts.secret as string,
      timeoutMs: this.opts.timeoutMs,
      policy: this.opts.policy,
    };
    const worker = new Worker(fileURLToPath(new URL('./dcrm-worker.js', import.meta.url)), { workerData: data });
    this.#worker = worker;
    worker.on('message', (m: FromWorker) => this.#onMessage(m));
    worker.on('error', (err) => this.log.error({ err }, 'DCRM worker failed'));
    this.#exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        this.#worker = null;
        resolve();
        if (this.#stopping) return;
        // the position is in SQLite: a fresh thread carries on from it
        this.log.error({ code }, 'DCRM worker exited; restarting it');
        this.#respawn = setTimeout(() => {
          this.#respawn = null;
          if (!this.#stopping) this.#spawn();
        }, RESPAWN_DELAY_MS);
      }),
    );
  }

  #onMessage(m: FromWorker): void {
    if (m.type === 'attempt') this.#observer?.attempt(m.result, m.events);
    else if (m.type === 'delivered') this.#observer?.delivered(m.events);
    else this.log[m.level](m.fields, m.msg);
  }

  #tell(m: ToWorker): void {
    this.#worker?.postMessage(m);
  }

  /** Events waiting for delivery: after the cursor, plus dead letters queued for replay. 0 when delivery is off. */
  backlog(): number {
    if (!this.enabled) return 0;
    return this.#store.backlog() + this.deadLetters.counts().queued;
  }

  /** Age in seconds of the oldest event waiting for delivery; 0 when none (or delivery is off). */
  oldestUndeliveredAgeS(): number {
    if (!this.enabled) return 0;
    const now = this.opts.now();
    let oldest = Infinity;
    for (const at of [this.#store.oldestUndeliveredAt(), this.deadLetters.oldestQueuedAt()]) {
      if (at !== null) oldest = Math.min(oldest, Date.parse(at));
    }
    return Number.isFinite(oldest) ? Math.max(0, Math.round(now - oldest) / 1000) : 0;
  }

  deadLetterCounts(): Record<DeadLetterState, number> {
    return this.deadLetters.counts();
  }

  /** Queues dead letters (all, or those with these event ids) for another delivery. Returns how many. */
  replay(ids: readonly string[] | null): number {
    const n = this.deadLetters.requeue(ids);
    if (n > 0) {
      this.log.info({ events: n }, 'dead letters queued for DCRM replay');
      this.#tell({ type: 'wake' });
    }
    return n;
  }

  /**
   * Stops delivery. First lets the worker send what is left while the receiver accepts (up to `ms`),
   * then abandons whatever is in flight: it is still after the cursor and goes out after the next start.
   */
  async stop(ms = 5_000): Promise<void> {
    this.#stopping = true;
    if (this.#respawn) clearTimeout(this.#respawn);
    const worker = this.#worker;
    if (!worker) return;
    const timeout = (t: number): Promise<'timeout'> => new Promise((r) => setTimeout(() => r('timeout'), t).unref());
    this.#tell({ type: 'drain' });
    if ((await Promise.race([this.#exited, timeout(ms)])) !== 'timeout') return;
    this.#tell({ type: 'stop' });
    if ((await Promise.race([this.#exited, timeout(2_000)])) !== 'timeout') return;
    await worker.terminate();
  }
}
