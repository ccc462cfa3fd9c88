// A win's event is in Redis' stream before the persist step has stored it with its wins (the rows a
// voucher or a pending payout is found by): about the persist linger, 50-100 ms, longer under load. A
// lookup of something just won retries for up to LAG_MS before it answers "not found".
export const LAG_MS = 1500;

export async function withinLag<T>(lookup: () => Promise<T | null>, ms = LAG_MS): Promise<T | null> {
  const until = Date.now() + ms;
  for (;;) {
    const found = await lookup();
    if (found !== null || Date.now() >= until) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}
