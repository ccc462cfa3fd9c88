// Moves scan events from the Redis stream into SQLite, through a piscina worker thread that does the
// whole round trip (see persist-worker.ts). Nothing leaves Redis before it is in SQLite, so a crash
// anywhere loses nothing: our own unacknowledged entries are re-read at start, and those of a consumer
// that died for good are taken over with XAUTOCLAIM once idle for reclaimIdleMs.
import { Piscina } from 'piscina';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.js';
import type { RedisTarget } from '../redis/connect.js';
import { ALL_SHARDS, CONSUMER_GROUP, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { PersistResult, PersistTask } from './persist-worker.js';

const DEFAULT_BATCH = 500;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface ConsumerOptions {
  target: RedisTarget;
  dbPath: string;
  consumerName: string;
  reclaimIdleMs: number;
  /** wait after a read that did not fill a batch (0: read again at once) */
  lingerMs: number;
  batchSize?: number;
}

export class StreamConsumer {
  readonly #pool: Piscina;
  #running = false;
  #loops: Promise<void>[] = [];
  #persisted = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly opts: ConsumerOptions,
    private readonly log: Logger,
  ) {
    this.#pool = new Piscina({
      filename: fileURLToPath(new URL('./persist-worker.js', import.meta.url)),
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

  async start(): Promise<void> {
    for (const t of ALL_SHARDS) {
      try {
        await this.redis.xgroup('CREATE', keys.events(t), CONSUMER_GROUP, '0', 'MKSTREAM');
      } catch (err) {
        if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
      }
    }
    this.#running = true;
    this.#loops = ALL_SHARDS.map((t) => this.#loop(keys.events(t)));
  }

  /** Entries in the streams not yet in SQLite. */
  async backlog(): Promise<number> {
    let n = 0;
    for (const t of ALL_SHARDS) n += await this.redis.xlen(keys.events(t));
    return n;
  }

  #task(stream: string, mode: PersistTask['mode']): PersistTask {
    return {
      target: this.opts.target,
      dbPath: this.opts.dbPath,
      stream,
      group: CONSUMER_GROUP,
      consumer: this.opts.consumerName,
      count: this.opts.batchSize ?? DEFAULT_BATCH,
      mode,
      blockMs: 1000,
      claimIdleMs: this.opts.reclaimIdleMs,
    };
  }

  async #run(task: PersistTask): Promise<PersistResult> {
    const r = (await this.#pool.run(task)) as PersistResult;
    this.#persisted += r.moved;
    return r;
  }

  async #loop(stream: string): Promise<void> {
    let lastClaim = 0;
    let ownPendingDone = false;
    while (this.#running) {
      try {
        if (!ownPendingDone) {
          ownPendingDone = (await this.#run(this.#task(stream, 'pending'))).moved === 0;
          continue;
        }
        if (Date.now() - lastClaim > this.opts.reclaimIdleMs / 2) {
          const claimed = await this.#run(this.#task(stream, 'claim'));
          if (claimed.moved > 0) this.log.info({ stream, count: claimed.moved }, 'reclaimed pending events of another consumer');
          else lastClaim = Date.now();
          continue;
        }
        const moved = (await this.#run(this.#task(stream, 'new'))).moved;
        // a commit writes whole WAL pages of the table and each index, about the cost of a hundred
        // inserts: under a steady trickle, let events gather in the stream (durable there) for a while
        if (moved > 0 && moved < (this.opts.batchSize ?? DEFAULT_BATCH) && this.opts.lingerMs > 0) await sleep(this.opts.lingerMs);
      } catch (err) {
        if (!this.#running) break;
        this.log.warn({ err: err instanceof Error ? err.message : String(err), stream }, 'moving events to SQLite failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
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
