// The delivery loop (runs in the DCRM worker thread). It sends the outbox in seq order with one batch
// in flight: that alone keeps every user's events in the order they happened, and makes the cursor a
// single number that moves only over delivered events.
//
// Per batch: a 2xx delivers it; anything else is retried with backoff, forever — except a batch whose
// content the receiver keeps rejecting (`rejectsContent`, `poisonAttempts` times in a row). That one is
// split in halves, each delivered the same way, until the rejected events stand alone; a lone rejected
// event goes to the dead letters and the cursor moves past it. See docs/dcrm.md.
import type { OutboxEvent, OutboxStore } from './outbox-store.js';
import type { DeadLetters, Rejection } from './dead-letters.js';
import { rejectsContent, type PostBatch, type PostResult } from './dcrm-http.js';
import { retryDelayMs } from './retry-backoff.js';

export interface DeliveryPolicy {
  batchSize: number;
  lingerMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  poisonAttempts: number;
}

/** Result of one HTTP attempt: delivered, failed (will be retried), or rejected for good (dead-lettered). */
export type AttemptResult = 'ok' | 'retry' | 'dead';
export type LogLevel = 'info' | 'warn' | 'error' | 'debug';

export interface DeliveryReport {
  attempt(result: AttemptResult, events: number): void;
  delivered(events: number): void;
  log(level: LogLevel, fields: Record<string, unknown>, msg: string): void;
}

type Source = 'outbox' | 'replay';
type Settled = { kind: 'ok' } | { kind: 'rejected'; why: Rejection } | { kind: 'stopped' };

const IDLE_POLL_MS = 50;
const STILL_FAILING_EVERY_MS = 5 * 60_000;

export class Deliverer {
  readonly #stop = new AbortController();
  #draining = false;
  #wake: (() => void) | null = null;
  #streak: { since: number; failures: number; loggedAt: number } | null = null;

  constructor(
    private readonly outbox: Pick<OutboxStore, 'position' | 'advance' | 'next'>,
    private readonly dead: Pick<DeadLetters, 'add' | 'queued' | 'markDelivered'>,
    private readonly post: PostBatch,
    private readonly policy: DeliveryPolicy,
    private readonly report: DeliveryReport,
    private readonly random: () => number = Math.random,
  ) {}

  /** Cuts a wait short: new work (a replay) was queued. */
  wake(): void {
    this.#wake?.();
  }

  /** Shutdown, gently: deliver what is there while the receiver accepts, return once empty or at the first failure. */
  drain(): void {
    this.#draining = true;
    this.wake();
  }

  /** Shutdown, now: abandon the request in flight (its batch is sent again after the restart). */
  stop(): void {
    this.#stop.abort();
    this.wake();
  }

  async run(): Promise<void> {
    const { batchSize, lingerMs } = this.policy;
    let lingered = false;
    while (!this.#stop.signal.aborted) {
      // replays an operator asked for go first: there are few, and they have waited long enough
      let source: Source = 'replay';
      let batch = this.dead.queued(batchSize);
      if (batch.length === 0) {
        source = 'outbox';
        batch = this.outbox.next(this.outbox.position(), batchSize);
      }
      if (batch.length === 0) {
        if (this.#draining) return;
        lingered = false;
        await this.#sleep(Math.max(lingerMs, IDLE_POLL_MS));
        continue;
      }
      // a partial batch waits once, briefly, for more: fewer, fuller requests under a trickle of scans
      if (source === 'outbox' && batch.length < batchSize && !lingered && lingerMs > 0 && !this.#draining) {
        lingered = true;
        await this.#sleep(lingerMs);
        continue;
      }
      lingered = false;
      if (!(await this.#deliver(batch, source))) return;
    }
  }

  /** Delivers one batch, splitting it if its content is rejected. False when stopped (or draining after a failure). */
  async #deliver(batch: OutboxEvent[], source: Source): Promise<boolean> {
    // left half before right half: the cursor moves only forward, over settled events
    const stack: OutboxEvent[][] = [batch];
    while (stack.length > 0) {
      const part = stack.pop() as OutboxEvent[];
      const last = part[part.length - 1] as OutboxEvent;
      const settled = await this.#settle(part);
      if (settled.kind === 'stopped') return false;
      if (settled.kind === 'ok') {
        if (source === 'outbox') this.outbox.advance(last.seq);
        else this.dead.markDelivered(part);
        this.report.delivered(part.length);
        continue;
      }
      const { why } = settled;
      if (part.length > 1) {
        const mid = Math.ceil(part.length / 2);
        stack.push(part.slice(mid), part.slice(0, mid));
        // one line per rejected batch, not per halving
        this.report.log(part === batch ? 'warn' : 'debug', { events: part.length, firstSeq: part[0]?.seq, lastSeq: last.seq, status: why.status, error: why.error, source },
          'DCRM keeps rejecting a batch; splitting it to isolate the rejected events');
        continue;
      }
      this.dead.add(part, why, source === 'outbox' ? () => this.outbox.advance(last.seq) : undefined);
      this.report.log('error', { eventId: last.id, seq: last.seq, status: why.status, error: why.error, attempts: why.attempts, source },
        'DCRM rejected an event for good; moved to dead letters (list: GET /v1/dcrm/dead-letters, replay: scanlot dcrm replay)');
    }
    return true;
  }

  /** Sends one batch until it is delivered, rejected for good, or delivery stops. */
  async #settle(part: OutboxEvent[]): Promise<Settled> {
    const body = `{"events":[${part.map((e) => e.body).join(',')}]}`;
    let rejections = 0;
    for (let attempt = 1; ; attempt++) {
      if (this.#stop.signal.aborted) return { kind: 'stopped' };
      const r = await this.post(body, this.#stop.signal);
      if (r.ok) {
        this.report.attempt('ok', part.length);
        this.#recovered();
        return { kind: 'ok' };
      }
      if (this.#stop.signal.aborted) return { kind: 'stopped' };
      this.#failed(r, part.length);
      rejections = rejectsContent(r.status) ? rejections + 1 : 0;
      if (rejections >= this.policy.poisonAttempts) {
        this.report.attempt(part.length === 1 ? 'dead' : 'retry', part.length);
        return { kind: 'rejected', why: { status: r.status, error: r.error, attempts: rejections } };
      }
      this.report.attempt('retry', part.length);
      // shutting down: the batch stays in the outbox for the next start; no point waiting out a backoff
      if (this.#draining) return { kind: 'stopped' };
      await this.#sleep(retryDelayMs(attempt, this.policy.retryBaseMs, this.policy.retryMaxMs, this.random));
      if (this.#draining) return { kind: 'stopped' };
    }
  }

  #failed(r: Extract<PostResult, { ok: false }>, events: number): void {
    const now = Date.now();
    if (this.#streak === null) {
      this.#streak = { since: now, failures: 1, loggedAt: now };
      this.report.log('warn', { status: r.status, error: r.error, events }, 'DCRM delivery failing; retrying with backoff');
      return;
    }
    this.#streak.failures++;
    if (now - this.#streak.loggedAt >= STILL_FAILING_EVERY_MS) {
      this.#streak.loggedAt = now;
      this.report.log('warn', { status: r.status, error: r.error, failures: this.#streak.failures, sinceS: Math.round((now - this.#streak.since) / 1000) }, 'DCRM delivery still failing');
    }
  }

  #recovered(): void {
    if (this.#streak === null) return;
    this.report.log('info', { failures: this.#streak.failures, downS: Math.round((Date.now() - this.#streak.since) / 1000) }, 'DCRM delivery recovered');
    this.#streak = null;
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stop.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}
