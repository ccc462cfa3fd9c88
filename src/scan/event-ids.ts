// Event ids: unique across engine processes and restarts without coordination. Time (ms, base36),
// a random tag drawn at start-up (40 bits), and a counter: 20-odd characters, roughly time-ordered.
import { randomBytes } from 'node:crypto';

/** Any event id an engine makes or ever made (the persist step's `stream-<entry id>` included), for route checks. */
export const EVENT_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export class EventIds {
  readonly #tag = randomBytes(5).toString('hex');
  #seq = 0;

  next(now: number): string {
    this.#seq = (this.#seq + 1) % 1_679_616; // 36^4: the counter stays four characters or fewer
    // whole ms: a fraction would put a "." into the id
    return `${Math.trunc(now).toString(36)}${this.#tag}${this.#seq.toString(36)}`;
  }
}
