// The weighted draw, in integer parts per million.
//
// The engine draws r = crypto.randomInt(1_000_000) and finds, for every member level 0..9, the prize
// whose cumulative range [lo, hi) holds r. The script only has to read the member's level and pick
// the answer for it, so the draw costs Redis nothing and r stays in the event for audit.
// levelBoost: for level L the multiplier of the highest key <= L applies to every non-points prize of
// the audience; when the sum then exceeds 1,000,000 every weight is scaled down by the same factor.
import type { Audience, Campaign, Prize } from './campaign.js';

export const PPM = 1_000_000;
export const LEVELS = 10;

export interface DrawTable {
  /** exclusive upper bound of each prize's range, ascending; prize i wins when r < bounds[i] (and >= bounds[i-1]) */
  readonly bounds: Int32Array;
  readonly prizes: readonly Prize[];
}

export interface AudienceDraw {
  /** distinct tables */
  readonly tables: readonly DrawTable[];
  /** level -> index into tables */
  readonly tableOfLevel: Uint8Array;
  readonly prizes: readonly Prize[];
}

function multiplierFor(levelBoost: Record<string, number>, level: number): number {
  let m = 1;
  for (let k = 0; k <= level; k++) {
    const v = levelBoost[String(k)];
    if (v !== undefined) m = v;
  }
  return m;
}

export function buildTable(prizes: readonly Prize[], multiplier: number): DrawTable {
  const weights = prizes.map((p) => (p.kind === 'points' ? p.ppm : p.ppm * multiplier));
  const sum = weights.reduce((a, b) => a + b, 0);
  const scale = sum > PPM ? PPM / sum : 1;
  const bounds = new Int32Array(prizes.length);
  let acc = 0;
  for (let i = 0; i < prizes.length; i++) {
    // floor keeps the total <= PPM; each weight loses less than one part per million
    acc += Math.floor((weights[i] as number) * scale);
    bounds[i] = acc;
  }
  return { bounds, prizes };
}

export function buildAudienceDraw(campaign: Campaign, audience: Audience): AudienceDraw {
  const prizes = campaign.prizes.filter((p) => p.for === audience && p.ppm > 0);
  const tables: DrawTable[] = [];
  const byMultiplier = new Map<number, number>();
  const tableOfLevel = new Uint8Array(LEVELS);
  for (let level = 0; level < LEVELS; level++) {
    const m = multiplierFor(campaign.levelBoost, level);
    let idx = byMultiplier.get(m);
    if (idx === undefined) {
      idx = tables.length;
      tables.push(buildTable(prizes, m));
      byMultiplier.set(m, idx);
    }
    tableOfLevel[level] = idx;
  }
  return { tables, tableOfLevel, prizes };
}

/** Index of the prize r falls on, or -1 for no prize. */
export function pick(table: DrawTable, r: number): number {
  const b = table.bounds;
  for (let i = 0; i < b.length; i++) if (r < (b[i] as number)) return i;
  return -1;
}
