import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IsoTime } from './iso-time.js';

describe('IsoTime', () => {
  it('writes what Date#toISOString writes, for any sequence of times (the kept second included)', () => {
    const anyMs = fc.oneof(
      fc.integer({ min: 0, max: 253_402_300_799_999 }),
      // runs of nearby times, as a busy engine asks: the same second, the next one, across midnight
      fc.integer({ min: 1_763_769_599_000, max: 1_763_769_601_000 }),
      fc.constantFrom(0, 999, 1000, 1001, 253_402_300_799_999, 253_402_300_800_000, 8_640_000_000_000_000),
    );
    fc.assert(
      fc.property(fc.array(anyMs, { minLength: 1, maxLength: 50 }), (times) => {
        const iso = new IsoTime();
        for (const ms of times) expect(iso.text(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 500 },
    );
  });

  it('falls back to Date for fractional and negative times', () => {
    const iso = new IsoTime();
    for (const ms of [1.5, -1, -86_400_001, 1_763_769_600_000.25]) expect(iso.text(ms)).toBe(new Date(ms).toISOString());
  });
});
