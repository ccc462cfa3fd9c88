// Moves scan events from the Redis stream into SQLite: XREADGROUP a batch, have a worker thread commit
// it, then XACK and XDEL it. Nothing leaves Redis before it is in SQLite, so a crash anywhere loses
// nothing: our own unacknowledged entries are re-read at start (id 0), and those of a consumer that
// died for good are taken over with XAUTOCLAIM once idle for reclaimIdleMs.
import { Piscina } from 'piscina';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.js';
import { ALL_SHARDS, CONSUMER_GROUP, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { PersistTask } from './persist-worker.js';

type Entry = [string, string[]];
type ReadReply = [string, Entry[]][] | null;

export interface ConsumerOptions {
  dbPath: string;
  consumerName: string;
  reclaimIdleMs: number;
  batchSize?: number;
}

export class StreamConsumer {
  readonly #pool: Piscina;
  #running = false;
  #loops: Promise<void>[] = [];
  #persisted = 0;

  constructor(
    private readonly redis: RedisClient,
    /** a connection of its own: XREADGROUP BLOCK holds it */
    private readonly blocking: RedisClient,
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

  async #loop(stream: string): Promise<void> {
    const size = this.opts.batchSize ?? 500;
    let lastReclaim = 0;
    // first our own entries that were read but not acknowledged before a crash
    let cursor = '0';
    while (this.#running) {
      try {
        if (Date.now() - lastReclaim > this.opts.reclaimIdleMs / 2) {
          lastReclaim = Date.now();
          await this.#reclaim(stream, size);
        }
        const reply = (await this.blocking.xreadgroup(
          'GROUP', CONSUMER_GROUP, this.opts.consumerName,
          'COUNT', size, 'BLOCK', cursor === '0' ? 1 : 1000,
          'STREAMS', stream, cursor,
        )) as ReadReply;
        const entries = reply?.[0]?.[1] ?? [];
        if (cursor === '0' && entries.length === 0) {
          cursor = '>';
          continue;
        }
        if (entries.length > 0) await this.#persist(stream, entries);
      } catch (err) {
        if (!this.#running) break;
        this.log.warn({ err: err instanceof Error ? err.message : String(err), stream }, 'event stream read failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  async #reclaim(stream: string, size: number): Promise<void> {
    let start = '0-0';
    for (let i = 0; i < 100; i++) {
      const [next, entries] = (await this.redis.xautoclaim(stream, CONSUMER_GROUP, this.opts.consumerName, this.opts.reclaimIdleMs, start, 'COUNT', size)) as [string, Entry[], string[]];
      const live = entries.filter((e) => e !== null && Array.isArray(e[1]));
      if (live.length > 0) {
        this.log.info({ stream, count: live.length }, 'reclaimed pending events of another consumer');
        await this.#persist(stream, live);
      }
      if (next === '0-0') return;
      start = next;
    }
  }

  async #persist(stream: string, entries: Entry[]): Promise<void> {
    const task: PersistTask = { dbPath: this.opts.dbPath, entries };
    for (;;) {
      try {
        await this.#pool.run(task);
        break;
      } catch (err) {
        this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'persisting events to SQLite failed; retrying');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    const ids = entries.map((e) => e[0]);
    // acknowledged and deleted only now that SQLite has them
    await this.redis.xack(stream, CONSUMER_GROUP, ...ids);
    await this.redis.xdel(stream, ...ids);
    this.#persisted += entries.length;
  }

  /** Stops after draining what is in the streams (bounded by `ms`). */
  async stop(ms = 10_000): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && (await this.backlog().catch(() => 0)) > 0) await new Promise((r) => setTimeout(r, 50));
    this.#running = false;
    await Promise.race([Promise.allSettled(this.#loops), new Promise((r) => setTimeout(r, 2000))]);
    await this.#pool.destroy();
  }
}
