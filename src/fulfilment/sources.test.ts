// What the persist step derives from events for fulfilment, as pure functions: which events hold which
// wins (rows of the store's wins table), and which make which records in Redis.
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../aggregates/aggregate-op.js';
import { winRowsOf } from './win-rows.js';
import { redemptionSource } from './redemption-source.js';
import { shopRateSource } from './shop-rate-source.js';
import { EventIds, codeOfEventId } from '../scan/event-ids.js';

const ctx = { campaignDay: () => '2027-03-01' };
const scan = (extra: Record<string, unknown>): StoredEvent => ({
  id: 'e1', type: 'scan', at: '2027-03-01T08:00:00.000Z', user: 'u1', campaignId: 'c', kind: 'item', batchId: 7,
  outcome: 'won', prize: null, clerk: null, clerkPrize: null, shop: null, ...extra,
});
const cash = { id: 'red', name: 'Red', kind: 'cash', amount: 188 };

describe('the wins an event holds (rows of its store)', () => {
  it("a consumer's win whose id names its code: a row without a record (the code's record is the win), found by user and voucher", () => {
    const id = new EventIds().forCode(Date.parse('2027-03-01T08:00:00.000Z'), 7, 12345);
    const gift = { id: 'g', name: 'G', kind: 'gift', amount: null, voucher: { code: 'V', url: 'https://x/v/V' } };
    expect(winRowsOf(scan({ id, prize: gift }), '{s0}')).toEqual([
      { id, user: 'u1', at: '2027-03-01T08:00:00.000Z', shard: '{s0}', campaignId: 'c', prizeId: 'g', kind: 'gift', voucher: 'V', record: null },
    ]);
    expect(codeOfEventId(id)).toEqual({ batchId: 7, serial: 12345 });
    expect(winRowsOf(scan({ id, prize: cash }), '{s0}')).toEqual([expect.objectContaining({ kind: 'cash', voucher: null, record: null })]);
  });

  it('a win whose id names no code (an event from before) keeps its record; lost scans, repeats and other types hold none', () => {
    const [row] = winRowsOf(scan({ prize: cash }), '{s0}');
    expect(row).toMatchObject({ id: 'e1', kind: 'cash', prizeId: 'red' });
    expect(JSON.parse(row?.record ?? 'null')).toEqual({ eventId: 'e1', user: 'u1', campaignId: 'c', prize: cash, at: '2027-03-01T08:00:00.000Z' });
    expect(winRowsOf(scan({ outcome: 'lost', prize: null }), '{s0}')).toEqual([]);
    expect(winRowsOf(scan({ outcome: 'repeat', prize: null }), '{s0}')).toEqual([]);
    expect(winRowsOf({ id: 'x', type: 'payout', at: 'now', prize: cash }, '{s0}')).toEqual([]);
  });

  it("the clerk's prize is a win of the clerk's, <eventId>-clerk, with its record and voucher (whatever the scanner drew)", () => {
    const coupon = { id: 'c', name: 'C', kind: 'coupon', amount: null, voucher: { code: 'VK', url: 'https://x/v/VK' } };
    for (const outcome of ['won', 'lost']) {
      const rows = winRowsOf(scan({ outcome, prize: outcome === 'won' ? { id: 'p', name: 'P', kind: 'points', amount: 5 } : null, clerk: 'k7', clerkPrize: coupon }), '{s0}');
      const clerk = rows.find((r) => r.id === 'e1-clerk');
      expect(clerk).toMatchObject({ user: 'k7', kind: 'coupon', voucher: 'VK' });
      expect(JSON.parse(clerk?.record ?? 'null')).toMatchObject({ eventId: 'e1-clerk', user: 'k7', prize: { id: 'c', kind: 'coupon' } });
      expect(rows.length).toBe(outcome === 'won' ? 2 : 1);
    }
  });

  it("a draw's prize and the set it completed are two wins; an event stored before the table is put in its user's home shard", () => {
    const prize = { id: 'g', name: 'G', kind: 'gift', amount: null, voucher: { code: 'VD', url: 'https://x/v/VD' } };
    const setPrize = { id: 's', name: 'S', kind: 'cash', amount: 50 };
    const draw: StoredEvent = { id: 'd1', type: 'chance', at: '2027-03-01T08:00:00.000Z', user: 'u1', campaignId: 'c', draw: { outcome: 'won', prize, set: { prize: setPrize } } };
    expect(winRowsOf(draw, '{s0}').map((r) => [r.id, r.kind, r.voucher])).toEqual([['d1', 'gift', 'VD'], ['d1-set', 'cash', null]]);
    expect(winRowsOf(draw, null).map((r) => r.shard)).toEqual(['{s0}', '{s0}']);
  });
});

describe('redemption and shop-rate sources', () => {
  it('a redemption is indexed by time, for all and for its shop', () => {
    const ops = redemptionSource({ id: 'r1', type: 'redemption', at: '2027-03-02T00:00:00.000Z', eventId: 'e1', shop: 's9' }, '{s0}', ctx);
    expect(ops.map((o) => (o as { key: string }).key)).toEqual(['{s0}:redemptions:at', '{s0}:redemptions:shop:s9']);
  });

  it('a box first scan counts the box per box batch; an item first scan with a shop counts one; repeats count nothing', () => {
    expect(shopRateSource(scan({ kind: 'box', outcome: 'verified', shop: 's1' }), '{s0}', ctx)).toEqual([{ kind: 'hincrby', key: '{s0}:cp:c:shop-rate', field: 'b:7:s1', by: 1 }]);
    expect(shopRateSource(scan({ outcome: 'lost', shop: 's1' }), '{s0}', ctx)).toEqual([{ kind: 'hincrby', key: '{s0}:cp:c:shop-rate', field: 's:s1', by: 1 }]);
    expect(shopRateSource(scan({ outcome: 'repeat', shop: 's1' }), '{s0}', ctx)).toEqual([]);
    expect(shopRateSource(scan({ outcome: 'lost', shop: null }), '{s0}', ctx)).toEqual([]);
    expect(shopRateSource(scan({ outcome: 'lost', shop: 's1', campaignId: null }), '{s0}', ctx)).toEqual([]);
  });
});
