import { describe, expect, it } from 'vitest';
import { MinuteCounts } from './minute-counts.js';

describe('MinuteCounts', () => {
  it('counts per key within a minute, forgets at the next minute, and never holds more than its bound', () => {
    const m = new MinuteCounts(3);
    const t = 60_000 * 1000;
    expect(m.hit('a', t)).toBe(1);
    expect(m.hit('a', t + 59_999)).toBe(2);
    expect(m.hit('a', t + 60_000)).toBe(1);
    for (const k of ['b', 'c', 'd']) m.hit(k, t + 60_000);
    // 'a' was the oldest key: it went to make room for 'd'
    expect(m.count('a', t + 60_000)).toBe(0);
    expect(m.count('d', t + 60_000)).toBe(1);
    expect(MinuteCounts.retryAfterS(t + 30_500)).toBe(30);
    expect(MinuteCounts.retryAfterS(t + 59_999)).toBe(1);
  });
});
