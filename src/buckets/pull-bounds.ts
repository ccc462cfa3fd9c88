// How long a scan or a draw answered `short` keeps pulling units into its shard and going again, before
// it is decided where it is. Not a count of pulls alone: two engines pulling one bucket into different
// shards pass its units back and forth, and a scan that gave up after two pulls answered out_of_stock with
// the units in another shard. A pull either moves units or finds none anywhere, and a scan that wins
// consumes one, so the passing ends when either engine's call goes again first.

/** pull and go again for this long after the first call (as long as a scan's own call may take) */
export const PULL_FOR_MS = 2_000;

/**
 * and at most this many pulls within that time: a backstop, should a pull ever report units in the shard
 * that the script does not see (the two reading a day's or a paced prize's bucket at different times), so
 * that such a call stops after a few tries rather than calling Redis for 2 s. Far more than an engine's
 * pulls are ever taken away in a row.
 */
export const PULLS_AT_MOST = 10;

/** whether a call answered `short` may pull once more: `pulls` made so far, since `startedAt` (ms) */
export const mayPullAgain = (pulls: number, startedAt: number): boolean => pulls < PULLS_AT_MOST && Date.now() - startedAt < PULL_FOR_MS;
