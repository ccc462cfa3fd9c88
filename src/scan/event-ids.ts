// Event ids: unique across engine processes and restarts without coordination, and not guessable from
// one another (a shop that saw one id must not be able to compute another user's). The time in ms
// (base36, 8 characters until 2059) comes first, so ids stay roughly time-ordered where anything sorts
// them (the payout list pages by id); 80 random bits follow, which both make ids unique without a
// per-engine tag or counter and leave nothing to guess from. The random bits come from one pooled
// buffer drawn and hex-encoded in bulk, so an id costs a substring, not a call into the CSPRNG.
import { randomFillSync } from 'node:crypto';

/** Any event id an engine makes or ever made (the persist step's `stream-<entry id>` included), for route checks. */
export const EVENT_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** random hex characters per id: 20 = 80 bits */
export const EVENT_ID_RANDOM_CHARS = 20;
/** ids per refill of the pool: one 10 KiB randomFillSync per 512 ids */
const IDS_PER_POOL = 512;

const SCAN_ID_RE = /^[0-9a-z]+[0-9a-f]{20}_([0-9a-z]{1,10})_([0-9a-z]{1,10})$/;

/** The code whose record a scan event's id names (see EventIds.forCode); null for any other id. */
export function codeOfEventId(eventId: string): { batchId: number; serial: number } | null {
  const m = SCAN_ID_RE.exec(eventId);
  if (m === null) return null;
  const batchId = parseInt(m[1] as string, 36);
  const serial = parseInt(m[2] as string, 36);
  return Number.isSafeInteger(batchId) && Number.isSafeInteger(serial) ? { batchId, serial } : null;
}

export class EventIds {
  readonly #bytes = Buffer.allocUnsafe((IDS_PER_POOL * EVENT_ID_RANDOM_CHARS) / 2);
  #hex = '';
  #at = 0;
  // the base36 time of the last id: a busy engine makes many ids per ms, and toString(36) costs more
  // than all the rest of an id
  #ms = -1;
  #time = '';

  /**
   * The id of a scan's event: an id as `next` makes it, then where the scanned code's record is
   * (`_<batch base36>_<serial base36>`), so that a win is found from its event id in the code's record
   * (src/fulfilment/wins.ts) and no record per win is kept besides it.
   */
  forCode(now: number, batchId: number, serial: number): string {
    return `${this.next(now)}_${batchId.toString(36)}_${serial.toString(36)}`;
  }

  next(now: number): string {
    if (this.#at >= this.#hex.length) this.#refill();
    const random = this.#hex.substring(this.#at, this.#at + EVENT_ID_RANDOM_CHARS);
    this.#at += EVENT_ID_RANDOM_CHARS;
    // whole ms: a fraction would put a "." into the id
    const ms = Math.trunc(now);
    if (ms !== this.#ms) {
      this.#ms = ms;
      this.#time = ms.toString(36);
    }
    return this.#time + random;
  }

  #refill(): void {
    randomFillSync(this.#bytes);
    this.#hex = this.#bytes.toString('hex');
    this.#at = 0;
  }
}
