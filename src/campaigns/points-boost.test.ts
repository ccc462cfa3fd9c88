import { describe, expect, it } from 'vitest';
import { boostedPoints, pointsMultipliers } from './points-boost.js';

describe('pointsBoost', () => {
  it('the highest key at or below the level applies; below every key the amount is the prize\'s', () => {
    const boost = { '3': 2, '5': 5 };
    expect(pointsMultipliers(boost)).toEqual([1, 1, 1, 2, 2, 5, 5, 5, 5, 5]);
    expect(boostedPoints(50, 0, boost)).toBe(50);
    expect(boostedPoints(50, 2, boost)).toBe(50);
    expect(boostedPoints(50, 3, boost)).toBe(100);
    expect(boostedPoints(50, 4, boost)).toBe(100);
    expect(boostedPoints(50, 9, boost)).toBe(250);
  });

  it('whole points, rounded down; no boost (a campaign stored before pointsBoost) leaves the amount', () => {
    expect(boostedPoints(5, 1, { '1': 1.5 })).toBe(7);
    expect(boostedPoints(50, 9, undefined)).toBe(50);
    expect(boostedPoints(50, 9, {})).toBe(50);
  });
});
