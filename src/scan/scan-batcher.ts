// Scans that arrive in the same event-loop turn go to Redis together: one script call per shard per
// turn, the scans packed into one MessagePack argument. Each scan still costs exactly one round trip
// and is decided atomically (the script runs them one after the other); under load the fixed costs of
// a call (client command object, the socket writes and reads on both sides, Redis' command dispatch)
// are paid once for many scans instead of once per scan. At low load a turn holds one scan, and
// setImmediate adds no wait: it runs right after the poll phase that delivered the requests.
import { MsgpackWriter } from '../redis/msgpack-writer.js';
import { runScript, type LuaScript, type RedisClient } from '../redis/scripts.js';

/** outcome, reason, scanCount, firstAtMs, sameUser (0|1), prizeJSON, originalEventId, originalOutcome, originalPrizeJSON */
export type ScanReply = [string, string, string, string, string, string, string, string, string];
/** joins the values of the script's reply (see lua/scanCodes-1.lua) */
const SEPARATOR = '\x1f';

const REPLY_FIELDS = 9;
/** bounds the time one script call holds Redis (about 20 µs per scan) */
export const MAX_SCANS_PER_CALL = 128;

export type ScanArg = string | number;

interface Waiter {
  resolve(reply: ScanReply): void;
  reject(err: unknown): void;
}

class ShardQueue {
  readonly writer = new MsgpackWriter();
  header = this.writer.reserveArray();
  waiters: Waiter[] = [];
}

export class ScanBatcher {
  readonly #queues = new Map<string, ShardQueue>();
  #scheduled = false;
  readonly #flushAll = (): void => {
    this.#scheduled = false;
    for (const [streamKey, q] of this.#queues) if (q.waiters.length > 0) this.#flush(streamKey, q);
  };

  constructor(
    private readonly redis: RedisClient,
    private readonly script: LuaScript,
    /** keys per scan at the start of each scan's list (the rest are its arguments) */
    private readonly keysPerScan: number,
  ) {}

  /**
   * Queues one scan for the shard whose event stream is `streamKey` (the call's only declared key,
   * which routes it on Redis Cluster; every key of the scan carries the same hash tag).
   */
  run(streamKey: string, keysAndArgs: readonly ScanArg[]): Promise<ScanReply> {
    let q = this.#queues.get(streamKey);
    if (q === undefined) {
      q = new ShardQueue();
      this.#queues.set(streamKey, q);
    }
    const w = q.writer;
    const nk = this.keysPerScan;
    const n = keysAndArgs.length;
    w.array(2);
    w.array(nk);
    for (let i = 0; i < nk; i++) w.str(keysAndArgs[i] as string);
    w.array(n - nk);
    for (let i = nk; i < n; i++) {
      const v = keysAndArgs[i] as ScanArg;
      if (typeof v === 'string') w.str(v);
      else w.num(v);
    }
    const p = new Promise<ScanReply>((resolve, reject) => q.waiters.push({ resolve, reject }));
    if (q.waiters.length >= MAX_SCANS_PER_CALL) this.#flush(streamKey, q);
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushAll);
    }
    return p;
  }

  #flush(streamKey: string, q: ShardQueue): void {
    const waiters = q.waiters;
    q.writer.setArrayLength(q.header, waiters.length);
    const packed = q.writer.take();
    q.waiters = [];
    q.header = q.writer.reserveArray();
    runScript(this.redis, this.script, [streamKey, packed]).then(
      (reply) => {
        const values = typeof reply === 'string' ? reply.split(SEPARATOR) : [];
        if (values.length !== waiters.length * REPLY_FIELDS) {
          const err = new Error(`scan script answered ${values.length} values for ${waiters.length} scans`);
          for (const w of waiters) w.reject(err);
          return;
        }
        for (let i = 0; i < waiters.length; i++) {
          (waiters[i] as Waiter).resolve(values.slice(i * REPLY_FIELDS, (i + 1) * REPLY_FIELDS) as ScanReply);
        }
      },
      (err: unknown) => {
        for (const w of waiters) w.reject(err);
      },
    );
  }
}
