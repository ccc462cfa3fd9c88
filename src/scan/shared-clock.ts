// The engine's estimate of the shared clock (Redis' TIME plus the clock shift, as lua/scanCodes-1.lua
// reads it), which is what the scan script decides by. The engine uses the estimate to choose the campaign and day
// a scan most likely falls in, and for the times of its own records; the script checks the choice
// against the real clock, so an error in the estimate costs at most a second script call for a scan near
// a boundary, never a wrong decision. An engine's own clock may be off by any amount (SCANLOT_CLOCK_OFFSET_MS
// skews it in tests): only its rate matters between two readings.
import { keys, ALL_SHARDS } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';

export class SharedClock {
  /** Redis' TIME minus local clock, from the reading with the shortest round trip of the current window */
  #offset = 0;
  /** the clock shift read last (0 in production) */
  #shift = 0;
  #bestRtt = Infinity;
  #windowStart = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: RedisClient,
    /** the engine's own clock */
    private readonly local: () => number,
  ) {}

  /** The estimate of the shared clock, in ms. */
  readonly now = (): number => this.local() + this.#offset + this.#shift;

  /**
   * The estimate of Redis' TIME without the shift: deadlines are about real time passing (a client's
   * timeout), so a shift that moves the calendar must not move them.
   */
  readonly realNow = (): number => this.local() + this.#offset;

  /**
   * A script told its clock (`sharedNow`, a moment ago): when the estimate is off by more than a second
   * (the shift moved since the last reading), take the shift from it at once rather than at the next
   * reading.
   */
  heard(sharedNow: number): void {
    if (Math.abs(sharedNow - this.now()) > 1000) this.#shift += sharedNow - this.now();
  }

  async sync(): Promise<void> {
    const t0 = this.local();
    // two plain commands in one round trip, not a script: scan-script statistics count scans alone
    const replies = await this.redis.pipeline().time().get(keys.clockShift(ALL_SHARDS[0] as string)).exec();
    const [timeErr, timeReply] = replies?.[0] ?? [new Error("no reply")];
    if (timeErr) throw timeErr;
    const [sec, usec] = timeReply as [string, string];
    const time = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
    this.#shift = Number(replies?.[1]?.[1]) || 0;
    const t1 = this.local();
    const rtt = t1 - t0;
    // a reading older than 10 s no longer vouches for the offset (the local clock may have been stepped)
    if (t1 - this.#windowStart > 10_000) {
      this.#bestRtt = Infinity;
      this.#windowStart = t1;
    }
    if (rtt <= this.#bestRtt) {
      this.#bestRtt = rtt;
      // whole ms: times become ids and integers in events
      this.#offset = Math.round(time - (t0 + rtt / 2));
    }
  }

  /** Reads the clock now and then every `everyMs`; failures keep the last estimate. */
  async start(everyMs = 1000, onError: (err: unknown) => void = () => undefined): Promise<void> {
    await this.sync();
    this.#timer = setInterval(() => this.sync().catch(onError), everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
