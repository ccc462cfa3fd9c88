// The fulfilment aggregate sources as pure functions: which events make which records.
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../aggregates/aggregate-op.js';
import { payoutSource } from './payout-source.js';
import { winSource } from './win-source.js';
import { redemptionSource } from './redemption-source.js';
import { shopRateSource } from './shop-rate-source.js';
import { EventIds, codeOfEventId } from '../scan/event-ids.js';
import { keys } from '../redis/keys.js';

const ctx = { campaignDay: () => '2027-03-01' };
const scan = (extra: Record<string, unknown>): StoredEvent => ({
  id: 'e1', type: 'scan', at: '2027-03-01T08:00:00.000Z', user: 'u1', campaignId: 'c', kind: 'item', batchId: 7,
  outcome: 'won', prize: null, clerk: null, clerkPrize: null, shop: null, ...extra,
});
const cash = { id: 'red', name: 'Red', kind: 'cash', amount: 188 };

describe('payout source', () => {
  it('a cash win whose id names its code: only its place in the pending index (the code record holds the rest)', () => {
    const id = new EventIds().forCode(Date.parse('2027-03-01T08:00:00.000Z'), 7, 99);
    expect(payoutSource(scan({ id, prize: cash }), '{s0}', ctx)).toEqual([{ kind: 'zadd', key: '{s0}:payouts:pending', score: 0, member: id }]);
  });

  it('a cash win whose id names no code (from before) makes one pending payout record keyed by the event id, indexed as pending (only)', () => {
    const ops = payoutSource(scan({ prize: cash }), '{s0}', ctx);
    expect(ops.map((o) => o.kind)).toEqual(['hsetnx', 'zadd']);
    expect(ops[1]).toMatchObject({ key: '{s0}:payouts:pending', member: 'e1' });
    expect(ops[0]).toMatchObject({ key: '{s0}:payouts', field: 'e1' });
    expect(JSON.parse((ops[0] as { value: string }).value)).toEqual({
      eventId: 'e1', user: 'u1', amount: 188, state: 'pending', reference: null, updatedAt: '2027-03-01T08:00:00.000Z', campaignId: 'c', prizeId: 'red',
    });
  });

  it('the clerk\'s cash rebate is a payout of its own; points, gifts, lost scans and other types make none', () => {
    const both = payoutSource(scan({ prize: cash, clerk: 'k7', clerkPrize: { id: 'reb', name: 'R', kind: 'cash', amount: 20 } }), '{s0}', ctx);
    expect(both.filter((o) => o.kind === 'hsetnx').map((o) => (o as { field: string }).field)).toEqual(['e1', 'e1-clerk']);
    expect(payoutSource(scan({ prize: { id: 'p', name: 'P', kind: 'points', amount: 5 } }), '{s0}', ctx)).toEqual([]);
    expect(payoutSource(scan({ prize: { id: 'g', name: 'G', kind: 'gift', amount: null } }), '{s0}', ctx)).toEqual([]);
    expect(payoutSource(scan({ outcome: 'repeat', prize: null }), '{s0}', ctx)).toEqual([]);
    expect(payoutSource({ id: 'x', type: 'payout', at: 'now', prize: cash }, '{s0}', ctx)).toEqual([]);
  });
});

describe('win source', () => {
  it('a won gift whose id names no code (an event from before): a win record, the user index and the voucher index; a lost scan: nothing', () => {
    const ops = winSource(scan({ prize: { id: 'g', name: 'G', kind: 'gift', amount: null, voucher: { code: 'V', url: 'https://x/v/V' } } }), '{s0}', ctx);
    expect(ops).toEqual([
      { kind: 'zadd', key: keys.userWinIndex('{s0}', 'u1'), score: 0, member: 'u1|e1' },
      expect.objectContaining({ kind: 'hsetnx', key: '{s0}:wins', field: 'e1' }),
      { kind: 'hsetnx', key: '{s0}:vouchers', field: 'V', value: 'e1' },
    ]);
    expect(winSource(scan({ outcome: 'lost', prize: null }), '{s0}', ctx)).toEqual([]);
  });

  it('a won gift whose id names its code: only the user index and the voucher index (the code record is the win)', () => {
    const id = new EventIds().forCode(Date.parse('2027-03-01T08:00:00.000Z'), 7, 12345);
    const ops = winSource(scan({ id, prize: { id: 'g', name: 'G', kind: 'gift', amount: null, voucher: { code: 'V', url: 'https://x/v/V' } } }), '{s0}', ctx);
    expect(ops).toEqual([
      { kind: 'zadd', key: keys.userWinIndex('{s0}', 'u1'), score: 0, member: `u1|${id.slice(0, id.indexOf('_') - 20)}:7:${(12345).toString(36)}` },
      { kind: 'hsetnx', key: '{s0}:vouchers', field: 'V', value: id },
    ]);
    expect(codeOfEventId(id)).toEqual({ batchId: 7, serial: 12345 });
  });

  it("the clerk's coupon is a win of the clerk's, <eventId>-clerk, indexed by its voucher (whatever the scanner drew)", () => {
    const coupon = { id: 'c', name: 'C', kind: 'coupon', amount: null, voucher: { code: 'VK', url: 'https://x/v/VK' } };
    for (const outcome of ['won', 'lost']) {
      const ops = winSource(scan({ outcome, prize: outcome === 'won' ? { id: 'p', name: 'P', kind: 'points', amount: 5 } : null, clerk: 'k7', clerkPrize: coupon }), '{s0}', ctx);
      const clerkOps = ops.filter((o) => ('field' in o && o.field === 'e1-clerk') || ('member' in o && o.member === 'k7|e1-clerk') || ('value' in o && o.value === 'e1-clerk'));
      expect(clerkOps).toEqual([
        { kind: 'zadd', key: keys.userWinIndex('{s0}', 'k7'), score: 0, member: 'k7|e1-clerk' },
        expect.objectContaining({ kind: 'hsetnx', key: '{s0}:wins', field: 'e1-clerk' }),
        { kind: 'hsetnx', key: '{s0}:vouchers', field: 'VK', value: 'e1-clerk' },
      ]);
      expect(JSON.parse((clerkOps[1] as { value: string }).value)).toMatchObject({ eventId: 'e1-clerk', user: 'k7', prize: { id: 'c', kind: 'coupon' } });
    }
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
