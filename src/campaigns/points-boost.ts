// pointsBoost: a member whose level is ≥ a key has points prizes multiplied by the
// value of the highest such key, as levelBoost does odds. Whole points, rounded down: a balance never
// holds a fraction of a point.
import type { Campaign } from './campaign.js';

/** The multiplier of each member level 0..9 (1 where no key applies). */
export function pointsMultipliers(pointsBoost: Campaign['pointsBoost']): number[] {
  const out: number[] = [];
  let m = 1;
  for (let level = 0; level <= 9; level++) {
    const v = pointsBoost?.[String(level)];
    if (v !== undefined) m = v;
    out.push(m);
  }
  return out;
}

/** The points a member of `level` gets for a points prize of `amount`. */
export function boostedPoints(amount: number, level: number, pointsBoost: Campaign['pointsBoost']): number {
  const clamped = Math.min(9, Math.max(0, Math.trunc(level)));
  const m = pointsMultipliers(pointsBoost)[clamped] ?? 1;
  return Math.floor(amount * m);
}
