// Counts per key within the current wall-clock minute, in process, in bounded memory: the map is
// emptied when the minute turns, and when it holds `maxKeys` keys the oldest key goes first (an
// attacker spraying keys can only make the limit forget, never make memory grow).
export class MinuteCounts {
  #minute = -1;
  readonly #counts = new Map<string, number>();

  constructor(private readonly maxKeys: number) {}

  #roll(now: number): void {
    const minute = Math.floor(now / 60_000);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#counts.clear();
    }
  }

  /** adds one for `key` and answers the count this minute, this one included */
  hit(key: string, now: number): number {
    this.#roll(now);
    const n = (this.#counts.get(key) ?? 0) + 1;
    if (n === 1 && this.#counts.size >= this.maxKeys) {
      const oldest = this.#counts.keys().next();
      if (!oldest.done) this.#counts.delete(oldest.value);
    }
    this.#counts.set(key, n);
    return n;
  }

  count(key: string, now: number): number {
    this.#roll(now);
    return this.#counts.get(key) ?? 0;
  }

  /** whole seconds until the minute turns (at least 1): the Retry-After of a refusal */
  static retryAfterS(now: number): number {
    return Math.max(1, Math.ceil((60_000 - (now % 60_000)) / 1000));
  }
}
