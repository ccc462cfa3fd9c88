// Why the engines sent DCRM batches again: each failed attempt that starts a streak of failures is
// logged by the engine (warn, 'DCRM delivery failing'), with the error. A timeout means the receiver may
// have accepted the batch after the engine gave up on it, so the retry is a duplicate delivery; a
// refused connection (receiver down) or a 400 (poison) is not.

const FAILING = 'DCRM delivery failing; retrying with backoff';

/** Failing streaks per error, over the engines' logs ("no answer within 500 ms": 12, ...). */
export function deliveryRetriesByError(outputs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const text of outputs) {
    for (const line of text.split('\n')) {
      if (!line.includes(FAILING)) continue;
      let error = 'unreadable log line';
      try {
        const l = JSON.parse(line) as { error?: unknown; status?: unknown };
        error = typeof l.status === 'number' ? `answered ${l.status}` : typeof l.error === 'string' ? l.error.replace(/:\d+/g, ':PORT') : 'no error given';
      } catch {
        /* counted as unreadable */
      }
      out[error] = (out[error] ?? 0) + 1;
    }
  }
  return out;
}
