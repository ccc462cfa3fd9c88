// Limit entries (reservations, IP counts, releases) of one event-loop turn go to each home shard in one
// holdLimits call, as ScanBatcher does for scans: under load the second call a scan may need is shared
// by the scans of the turn whose users live in the same shard.
import { runScript, type LuaScript, type RedisClient } from '../redis/scripts.js';
import type { ShardTag } from '../redis/keys.js';
import { holdLimitsArgs, LimitsExpired, readLimitReply, type LimitEntry, type LimitReply } from './hold-limits-call.js';
import { MAX_SCANS_PER_CALL } from './scan-batcher.js';

interface Pending {
  entries: LimitEntry[];
  waiters: { resolve(r: Exclude<LimitReply, LimitsExpired>): void; reject(err: unknown): void }[];
}

export class LimitsBatcher {
  readonly #queues = new Map<ShardTag, Pending>();
  #scheduled = false;
  /** holdLimits calls sent, for the bench's extra calls per scan */
  calls = 0;
  readonly #flushAll = (): void => {
    this.#scheduled = false;
    for (const [tag, q] of this.#queues) if (q.entries.length > 0) this.#flush(tag, q);
  };

  constructor(
    private readonly redis: RedisClient,
    private readonly script: LuaScript,
    /** the deadline of a call sent now (see the script's header) */
    private readonly deadline: () => number,
  ) {}

  run(tag: ShardTag, entry: LimitEntry): Promise<Exclude<LimitReply, LimitsExpired>> {
    let q = this.#queues.get(tag);
    if (q === undefined) {
      q = { entries: [], waiters: [] };
      this.#queues.set(tag, q);
    }
    q.entries.push(entry);
    const p = new Promise<Exclude<LimitReply, LimitsExpired>>((resolve, reject) => (q as Pending).waiters.push({ resolve, reject }));
    if (q.entries.length >= MAX_SCANS_PER_CALL) this.#flush(tag, q);
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushAll);
    }
    return p;
  }

  #flush(tag: ShardTag, q: Pending): void {
    const { entries, waiters } = q;
    q.entries = [];
    q.waiters = [];
    this.calls++;
    runScript(this.redis, this.script, holdLimitsArgs(tag, entries, this.deadline())).then(
      (raw) => {
        let replies;
        try {
          replies = readLimitReply(raw, entries);
        } catch (err) {
          for (const w of waiters) w.reject(err);
          return;
        }
        for (let i = 0; i < waiters.length; i++) {
          const r = replies[i] ?? null;
          if (r instanceof LimitsExpired) waiters[i]!.reject(r);
          else waiters[i]!.resolve(r);
        }
      },
      (err: unknown) => {
        for (const w of waiters) w.reject(err);
      },
    );
  }
}
