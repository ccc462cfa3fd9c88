// Moves scan events from the Redis stream into SQLite, through a piscina worker thread that does the
// whole round trip (see persist-worker.ts). Nothing leaves Redis before it is in SQLite, so a crash
// anywhere loses nothing: our own unacknowledged entries are re-read at start, and those of a consumer
// that died for good are taken over with XAUTOCLAIM once idle for reclaimIdleMs.
import { Piscina } from 'piscina';
import type { Logger } from '../log.js';
import type { RedisTarget } from '../redis/connect.js';
import { ALL_SHARDS, CONSUMER_GROUP, keys, type ShardTag } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { PersistResult, PersistTask } from './persist-worker.js';

const DEFAULT_BATCH = 500;

/**
 * How long a read waits for new entries. The one worker thread serves every shard's loop in turn, and
 * a waiting read holds it: with S shards an event may wait (S - 1) reads for the thread, so the wait is
 * cut to keep that near 300 ms (an empty read is a few µs of Redis; S = 10 polls about 300 times a second).
 */
export function blockMs(shards: number): number {
  return shards === 1 ? 1000 : Math.max(25, Math.floor(300 / (shards - 1)));
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface ConsumerOptions {
  target: RedisTarget;
  dbPath: string;
  consumerName: string;
  reclaimIdleMs: number;
  /** wait after a read that did not fill a batch (0: read again at once) */
  lingerMs: number;
  batchSize?: number;
  /** nice value of the worker thread (0: as the engine) */
  backgroundNice: number;
  /** the worker thread's file: the persist step with its aggregate sources (src/startup/persist-worker-entry.ts) */
  workerFile: string;
  /** what that file reads when its thread starts (piscina's workerData) */
  workerData?: unknown;
}

export class StreamConsumer {
  readonly #pool: Piscina;
  #running = false;
  #loops: Promise<void>[] = [];
  #persisted = 0;
  /** consecutive failed persist steps, and the last failure's message (null once a step succeeds) */
  #failures = 0;
  #lastError: string | null = null;
  #lastSuccessAt = Date.now();
  /** consecutive steps whose outbox forwarding failed (see persist-worker.ts forward) */
  #forwardFailures = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly opts: ConsumerOptions,
    private readonly log: Logger,
  ) {
    this.#pool = new Piscina({
      filename: opts.workerFile,
      workerData: opts.workerData,
      // one writer: SQLite serialises writers anyway, and one thread keeps the batches in order
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: 60_000,
      maxQueue: 16,
    });
  }

  get persisted(): number {
    return this.#persisted;
  }

  /** Whether persistence is failing now: the steps of the last `ms` all failed. */
  health(): { stalled: boolean; failures: number; lastError: string | null; sinceSuccessMs: number } {
    const sinceSuccessMs = Date.now() - this.#lastSuccessAt;
    return { stalled: this.#failures > 0, failures: this.#failures, lastError: this.#lastError, sinceSuccessMs };
  }

  async start(): Promise<void> {
    for (const t of ALL_SHARDS) {
      try {
        await this.redis.xgroup('CREATE', keys.events(t), CONSUMER_GROUP, '0', 'MKSTREAM');
      } catch (err) {
        if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
      }
    }
    this.#running = true;
    this.#loops = ALL_SHARDS.map((t) => this.#loop(t));
  }

  /**
   * Entries in the streams not yet in SQLite, plus outbox entries not yet applied on their shard (the
   * figures of stored events that a member's home shard still waits for, see forward-ops.ts).
   */
  async backlog(): Promise<number> {
    const streams = ALL_SHARDS.flatMap((t) => [keys.events(t), ...ALL_SHARDS.filter((o) => o !== t).map((o) => keys.aggOutbox(t, o))]);
    // one command each: on a cluster they live in different slots, and no pipeline spans slots
    return (await Promise.all(streams.map((s) => this.redis.xlen(s)))).reduce((a, b) => a + b, 0);
  }

  #task(tag: ShardTag, mode: PersistTask['mode']): PersistTask {
    return {
      target: this.opts.target,
      dbPath: this.opts.dbPath,
      stream: keys.events(tag),
      tag,
      shards: ALL_SHARDS,
      group: CONSUMER_GROUP,
      consumer: this.opts.consumerName,
      count: this.opts.batchSize ?? DEFAULT_BATCH,
      mode,
      blockMs: blockMs(ALL_SHARDS.length),
      claimIdleMs: this.opts.reclaimIdleMs,
      nice: this.opts.backgroundNice,
    };
  }

  async #run(task: PersistTask): Promise<PersistResult> {
    const r = (await this.#pool.run(task)) as PersistResult;
    if (r.forwardError !== undefined) {
      // one line when it starts failing, then one per 50: a shard down for a while must not flood the log
      if (this.#forwardFailures++ % 50 === 0) this.log.warn({ err: r.forwardError, stream: task.stream }, 'forwarding figures to another shard failed; they wait in the outbox');
    } else this.#forwardFailures = 0;
    this.#persisted += r.moved;
    this.#failures = 0;
    this.#lastError = null;
    this.#lastSuccessAt = Date.now();
    return r;
  }

  async #loop(tag: ShardTag): Promise<void> {
    let lastClaim = 0;
    // own pending entries first: at start (read before a crash) and after every failed step, so a
    // batch that failed is stored again at once, ahead of later entries (seq and DCRM order follow the stream)
    let ownPendingDone = false;
    while (this.#running) {
      try {
        if (!ownPendingDone) {
          ownPendingDone = (await this.#run(this.#task(tag, 'pending'))).moved === 0;
          continue;
        }
        if (Date.now() - lastClaim > this.opts.reclaimIdleMs / 2) {
          const claimed = await this.#run(this.#task(tag, 'claim'));
          if (claimed.moved > 0) this.log.info({ stream: keys.events(tag), count: claimed.moved }, 'reclaimed pending events of another consumer');
          else lastClaim = Date.now();
          continue;
        }
        const moved = (await this.#run(this.#task(tag, 'new'))).moved;
        // a commit writes whole WAL pages, about the cost of a hundred inserts: under a steady trickle,
        // let events gather in the stream (durable there) for a while
        if (moved > 0 && moved < (this.opts.batchSize ?? DEFAULT_BATCH) && this.opts.lingerMs > 0) await sleep(this.opts.lingerMs);
      } catch (err) {
        if (!this.#running) break;
        ownPendingDone = false;
        this.#failed(err, keys.events(tag));
        // back off while it keeps failing (a full disk, a locked file), but retry soon at first
        await sleep(Math.min(100 * 2 ** Math.min(this.#failures - 1, 5), 3000));
      }
    }
  }

  #failed(err: unknown, stream: string): void {
    this.#failures++;
    // the worker puts an SQLite error's code (SQLITE_FULL, SQLITE_BUSY, …) into the message
    const message = err instanceof Error ? err.message : String(err);
    const code = /^(SQLITE_[A-Z_]+|[A-Z]+):/.exec(message)?.[1];
    this.#lastError = message;
    // one line when it starts failing, then one per 50 failures: a stall must not flood the log
    if (this.#failures === 1 || this.#failures % 50 === 0) {
      this.log.warn({ err: message, code, stream, failures: this.#failures }, 'moving events to SQLite failed; retrying the same batch');
    }
  }

  /** Stops after draining what is in the streams (bounded by `ms`). */
  async stop(ms = 10_000): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && (await this.backlog().catch(() => 0)) > 0) await new Promise((r) => setTimeout(r, 50));
    this.#running = false;
    await Promise.race([Promise.allSettled(this.#loops), new Promise((r) => setTimeout(r, 3000))]);
    await this.#pool.destroy();
  }
}
