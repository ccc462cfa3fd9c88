import { describe, expect, it } from 'vitest';
import { parseCampaignInput } from './campaign.js';
import { buildAudienceDraw, pick } from './draw-table.js';

const base = {
  id: 'c1',
  startsAt: '2027-03-01T00:00:00+08:00',
  endsAt: '2027-04-01T00:00:00+08:00',
  scope: { skus: ['x'] },
};

describe('draw table', () => {
  it('maps r to exact cumulative ranges in parts per million', () => {
    const c = parseCampaignInput({ ...base, prizes: [
      { id: 'a', name: 'A', kind: 'gift', probability: 0.000001 },
      { id: 'b', name: 'B', kind: 'cash', probability: 0.2, amount: 5 },
      { id: 'c', name: 'C', kind: 'points', probability: 0.5, amount: 50 },
    ] }, 0);
    const d = buildAudienceDraw(c, 'consumer');
    expect(d.tables).toHaveLength(1);
    const t = d.tables[0]!;
    expect(Array.from(t.bounds)).toEqual([1, 200_001, 700_001]);
    expect(pick(t, 0)).toBe(0);
    expect(pick(t, 1)).toBe(1);
    expect(pick(t, 200_000)).toBe(1);
    expect(pick(t, 200_001)).toBe(2);
    expect(pick(t, 700_000)).toBe(2);
    expect(pick(t, 700_001)).toBe(-1);
    expect(pick(t, 999_999)).toBe(-1);
  });

  it('boosts non-points prizes by the highest level key at or below the level, scaled to <= 1', () => {
    const c = parseCampaignInput({ ...base, levelBoost: { '3': 2, '5': 5 }, prizes: [
      { id: 'g', name: 'G', kind: 'gift', probability: 0.1 },
      { id: 'p', name: 'P', kind: 'points', probability: 0.6, amount: 1 },
    ] }, 0);
    const d = buildAudienceDraw(c, 'consumer');
    const bounds = (level: number) => Array.from(d.tables[d.tableOfLevel[level]!]!.bounds);
    expect(bounds(0)).toEqual([100_000, 700_000]);
    expect(bounds(2)).toEqual([100_000, 700_000]);
    expect(bounds(3)).toEqual([200_000, 800_000]);
    expect(bounds(4)).toEqual([200_000, 800_000]);
    // level 5: 0.5 + 0.6 = 1.1 > 1, scaled by 1/1.1
    expect(bounds(9)).toEqual([454_545, 454_545 + 545_454]);
    expect(d.tables).toHaveLength(3);
  });

  it('rejects probabilities with more than 6 decimals or summing over 1 per audience', () => {
    expect(() => parseCampaignInput({ ...base, prizes: [{ id: 'a', name: 'A', kind: 'gift', probability: 0.0000001 }] }, 0)).toThrow(/prizes\[0\]\.probability/);
    expect(() => parseCampaignInput({ ...base, prizes: [
      { id: 'a', name: 'A', kind: 'gift', probability: 0.6 },
      { id: 'b', name: 'B', kind: 'gift', probability: 0.5 },
    ] }, 0)).toThrow(/sum to more than 1/);
    // other audiences have their own sum
    expect(() => parseCampaignInput({ ...base, prizes: [
      { id: 'a', name: 'A', kind: 'gift', probability: 0.6 },
      { id: 'b', name: 'B', kind: 'gift', probability: 1, for: 'shop' },
    ] }, 0)).not.toThrow();
  });
});
