// Scans that arrive in the same event-loop turn go to Redis together: one script call per shard per
// turn (src/scan/scan-script-call.ts). Each scan still costs exactly one round trip and is decided
// atomically (the script runs them one after the other); under load the fixed costs of a call (client
// command object, the socket writes and reads on both sides, Redis' command dispatch) are paid once for
// many scans instead of once per scan. At low load a turn holds one scan, and setImmediate adds no
// wait: it runs right after the poll phase that delivered the requests. With several shards a turn's
// scans split over them, and the script's cost per call is large next to its cost per scan: a call then
// gathers two turns (measured with bench:cluster, see bench/RESULTS.md).
import { runScript, type LuaScript, type RedisClient } from '../redis/scripts.js';
import { ALL_SHARDS, keys, type ShardTag } from '../redis/keys.js';
import { readReply, ScanCall, type ScanArgs, type ScanReply } from './scan-script-call.js';

/** bounds the time one script call holds Redis */
export const MAX_SCANS_PER_CALL = 128;

export interface Decided {
  readonly reply: ScanReply;
  /** the shared clock when Redis decided */
  readonly now: number;
}

interface Waiter {
  resolve(d: Decided): void;
  reject(err: unknown): void;
}

interface Pending {
  call: ScanCall;
  waiters: Waiter[];
}

export class ScanBatcher {
  readonly #queues = new Map<ShardTag, Pending>();
  /** script calls sent, for /metrics (the bench's calls per scan) */
  calls = 0;
  #scheduled = false;
  readonly #flushAll = (): void => {
    this.#scheduled = false;
    for (const [tag, q] of this.#queues) if (q.waiters.length > 0) this.#flush(tag, q);
  };

  constructor(
    private readonly redis: RedisClient,
    private readonly script: LuaScript,
    /** the deadline of a call sent now (see the script's header) */
    private readonly deadline: () => number,
    /** the engine's estimate of the shared clock */
    private readonly believedNow: () => number,
  ) {}

  run(tag: ShardTag, scan: ScanArgs): Promise<Decided> {
    let q = this.#queues.get(tag);
    if (q === undefined) {
      q = { call: new ScanCall(tag, keys.events(tag)), waiters: [] };
      this.#queues.set(tag, q);
    }
    q.call.add(scan);
    const p = new Promise<Decided>((resolve, reject) => (q as Pending).waiters.push({ resolve, reject }));
    if (q.waiters.length >= MAX_SCANS_PER_CALL) this.#flush(tag, q);
    else if (!this.#scheduled) {
      this.#scheduled = true;
      // with several shards a turn's scans split over them: two turns ride in each call instead of one
      if (ALL_SHARDS.length > 1) setImmediate(() => setImmediate(this.#flushAll));
      else setImmediate(this.#flushAll);
    }
    return p;
  }

  #flush(_tag: ShardTag, q: Pending): void {
    const waiters = q.waiters;
    q.waiters = [];
    this.calls++;
    runScript(this.redis, this.script, q.call.take(this.deadline(), this.believedNow())).then(
      (raw) => {
        let reply;
        try {
          reply = readReply(raw, waiters.length);
        } catch (err) {
          for (const w of waiters) w.reject(err);
          return;
        }
        for (let i = 0; i < waiters.length; i++) (waiters[i] as Waiter).resolve({ reply: reply.scans[i] as ScanReply, now: reply.now });
      },
      (err: unknown) => {
        for (const w of waiters) w.reject(err);
      },
    );
  }
}
