// In-process refusals in front of the scan script: none of them
// costs a Redis call or writes an event.
// - forged codes: counted, and past `forgedPerMinute` from one IP answered 429 (valid codes from the
//   same IP are not affected: the limit is only looked at once a code failed its MAC check);
// - repeats of one consumed code: past `repeatsPerMinute` in a minute, further scans of it are 429;
// - an IP the scan script refused with ip_limit is 429 until its minute is over (the script counts per
//   campaign; this refuses the IP for every code, for the rest of that minute only).
import { Counter, type Registry } from 'prom-client';
import { ApiError } from '../errors.js';
import { MinuteCounts } from './minute-counts.js';

const MAX_KEYS = 100_000;

export interface ScanGuardLimits {
  forgedPerMinute: number;
  repeatsPerMinute: number;
}

export const rateLimited = (why: string, now: number): ApiError => new ApiError('rate_limited', why, MinuteCounts.retryAfterS(now));

export class ScanGuard {
  readonly #forged = new MinuteCounts(MAX_KEYS);
  readonly #repeats = new MinuteCounts(MAX_KEYS);
  readonly #ipLimited = new MinuteCounts(MAX_KEYS);
  readonly #forgedTotal: Counter;

  constructor(private readonly limits: ScanGuardLimits, registry: Registry) {
    this.#forgedTotal = new Counter({ name: 'scanlot_forged_codes_total', help: 'codes refused because they are not valid codes (MAC, batch or serial)', registers: [registry] });
  }

  /** throws 429 when this scan is refused before Redis; `code` is the canonical code when it parses */
  before(ip: string, code: string | null, now: number): void {
    if (this.#ipLimited.count(ip, now) > 0) throw rateLimited('this IP is past the campaign scan limit for this minute', now);
    if (code !== null && this.#repeats.count(code, now) >= this.limits.repeatsPerMinute) throw rateLimited('this code was scanned too often this minute', now);
  }

  /** after the script answered */
  after(ip: string, code: string | null, outcome: string, reason: string | null, now: number): void {
    if (outcome === 'repeat' && code !== null) this.#repeats.hit(code, now);
    else if (outcome === 'blocked' && reason === 'ip_limit') this.#ipLimited.hit(ip, now);
  }

  /** a code that is not valid: counted; the error to answer (404, or 429 past the IP's limit) */
  forged(ip: string, now: number, invalid: ApiError): ApiError {
    this.#forgedTotal.inc();
    if (this.#forged.hit(ip, now) > this.limits.forgedPerMinute) return rateLimited(`more than ${this.limits.forgedPerMinute} invalid codes this minute from this IP`, now);
    return invalid;
  }
}
