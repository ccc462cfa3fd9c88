// Exponential backoff with "equal jitter": the n-th retry waits between half and all of
// min(cap, base·2^(n−1)). The random half spreads the retries of many engines after a DCRM outage;
// the fixed half keeps the delay growing, so a receiver that is down is not hammered.
export function retryDelayMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  return Math.round(exp / 2 + random() * (exp / 2));
}
