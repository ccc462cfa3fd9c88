// Failed redemptions, limited per credential (a shop key guessing vouchers or event ids):
// past `failuresPerMinute` failures in a minute, the key's redemptions are answered 429 until the minute
// ends, before any lookup. Successful redemptions are not counted: a busy shop is never slowed down.
import { ApiError } from '../errors.js';
import { MinuteCounts } from './minute-counts.js';

const MAX_KEYS = 100_000;

export class RedemptionGuard {
  readonly #failures = new MinuteCounts(MAX_KEYS);

  constructor(private readonly failuresPerMinute: number) {}

  /** throws 429 when the credential is past its failures this minute */
  before(credentialId: string, now: number): void {
    if (this.#failures.count(credentialId, now) >= this.failuresPerMinute) {
      throw new ApiError('rate_limited', `more than ${this.failuresPerMinute} failed redemptions this minute with this credential`, MinuteCounts.retryAfterS(now));
    }
  }

  /** counts a failed redemption (the route decides what counts: unknown wins and bad input) */
  failed(credentialId: string, now: number): void {
    this.#failures.hit(credentialId, now);
  }
}
