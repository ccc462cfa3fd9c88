// With several shards, a box's record (the shop that opened it, and where) is written by its first scan
// in the box's own shard and copied to the others, because the box's items live in every shard and read
// the box's shop where they are. A copy that fails (a shard unreachable for a moment) is tried again, with
// backoff, until it lands, so the box's items in that shard are not left without their shop. The scan's
// answer never waits for a retry. Copies still failing when the engine stops are lost (logged then);
// they are bounded in number.
import { keys, type ShardTag } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';

interface Pending {
  readonly targets: ShardTag[];
  readonly boxBatchId: number;
  readonly boxSerial: number;
  readonly fields: readonly string[];
  waitMs: number;
  dueAt: number;
}

export interface BoxCopyOptions {
  /** the first retry's wait; each later one doubles, up to maxWaitMs */
  firstWaitMs?: number;
  maxWaitMs?: number;
  /** boxes waiting for a copy at most; beyond it the oldest is given up (and counted) */
  maxPending?: number;
}

export class BoxCopies {
  readonly #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | null = null;
  readonly #firstWaitMs: number;
  readonly #maxWaitMs: number;
  readonly #maxPending: number;
  /** copies given up because too many were waiting */
  dropped = 0;

  constructor(
    private readonly redis: RedisClient,
    /** a failed attempt (counted and logged by the caller, as any Redis fault) */
    private readonly onFailure: (err: unknown) => void,
    opts: BoxCopyOptions = {},
  ) {
    this.#firstWaitMs = opts.firstWaitMs ?? 500;
    this.#maxWaitMs = opts.maxWaitMs ?? 30_000;
    this.#maxPending = opts.maxPending ?? 10_000;
  }

  /** copies waiting for a retry */
  get pending(): number {
    return this.#pending.size;
  }

  /** Writes the box's record to each of `targets`; what fails is retried later. */
  async copy(targets: readonly ShardTag[], boxBatchId: number, boxSerial: number, fields: readonly string[]): Promise<void> {
    const failed = await this.#write(targets, boxBatchId, boxSerial, fields);
    if (failed.length === 0) return;
    const id = `${boxBatchId}:${boxSerial}`;
    if (!this.#pending.has(id) && this.#pending.size >= this.#maxPending) {
      const oldest = this.#pending.keys().next();
      if (!oldest.done) this.#pending.delete(oldest.value);
      this.dropped++;
    }
    this.#pending.set(id, { targets: failed, boxBatchId, boxSerial, fields, waitMs: this.#firstWaitMs, dueAt: Date.now() + this.#firstWaitMs });
    this.#schedule();
  }

  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #write(targets: readonly ShardTag[], boxBatchId: number, boxSerial: number, fields: readonly string[]): Promise<ShardTag[]> {
    const results = await Promise.allSettled(targets.map((t) => this.redis.hset(keys.box(t, boxBatchId, boxSerial), ...fields)));
    const failed: ShardTag[] = [];
    results.forEach((r, i) => {
      if (r.status === 'rejected') {
        this.onFailure(r.reason);
        failed.push(targets[i] as ShardTag);
      }
    });
    return failed;
  }

  #schedule(): void {
    if (this.#timer !== null || this.#pending.size === 0) return;
    let next = Infinity;
    for (const p of this.#pending.values()) next = Math.min(next, p.dueAt);
    this.#timer = setTimeout(() => void this.#retry(), Math.max(0, next - Date.now()));
    // a retry must not keep a stopping process alive
    this.#timer.unref();
  }

  async #retry(): Promise<void> {
    this.#timer = null;
    const now = Date.now();
    for (const [id, p] of [...this.#pending]) {
      if (p.dueAt > now) continue;
      const failed = await this.#write(p.targets, p.boxBatchId, p.boxSerial, p.fields);
      if (failed.length === 0) {
        this.#pending.delete(id);
        continue;
      }
      p.targets.splice(0, p.targets.length, ...failed);
      p.waitMs = Math.min(this.#maxWaitMs, p.waitMs * 2);
      p.dueAt = Date.now() + p.waitMs;
    }
    this.#schedule();
  }
}
