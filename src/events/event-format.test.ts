// The event format: what the engine and the scan script write is what the persist worker reads back,
// whatever the free-text fields hold; other event types travel whole.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { columnsOf, readEntry, scanEventHead, WHOLE_EVENT_FIELD } from './event-format.js';

const idChars = fc.constantFrom(...'abcXYZ019_.:@-'.split(''));
const id = (max: number) => fc.string({ unit: idChars, minLength: 1, maxLength: max });

describe('event format', () => {
  it('round-trips a scan event: head + decided fields read back as the stored event JSON', () => {
    fc.assert(
      fc.property(
        fc.record({
          id: id(26),
          at: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
          code: id(24),
          batchId: fc.nat(),
          serial: fc.nat(),
          sku: fc.string({ unit: 'binary', maxLength: 40 }),
          user: id(64),
          campaignId: fc.option(id(64)),
          lat: fc.option(fc.double({ min: -90, max: 90, noNaN: true }).map((x) => (x === 0 ? 0 : x))), // -0 is written as 0
          clerk: fc.option(id(64)),
          device: fc.option(fc.string({ unit: 'binary', maxLength: 40 })),
          ip: fc.string({ unit: 'binary', maxLength: 40 }),
          random: fc.nat(999_999),
        }),
        fc.option(fc.record({ id: id(32), name: fc.string({ unit: 'binary', maxLength: 40 }), amount: fc.option(fc.nat()) })),
        fc.constantFrom('won', 'lost', 'verified', 'repeat', 'blocked'),
        fc.option(id(64)),
        fc.boolean(),
        (e, prize, outcome, shop, diverted) => {
          const b = scanEventHead({
            ...e,
            skuKind: `"sku":${JSON.stringify(e.sku)},"kind":"item"`,
            lng: e.lat,
            clerkRandom: null,
          });
          const p = prize === null ? '' : JSON.stringify({ id: prize.id, name: prize.name, kind: 'gift', amount: prize.amount });
          const fields = ['b', b, 't', String(Date.parse(e.at)), 'o', outcome, 'r', outcome === 'lost' ? 'no_prize' : '', 'p', p, 'n', '3'];
          if (shop !== null || diverted) fields.push('s', shop ?? '', 'd', diverted ? '1' : '0', 'k', '');
          const row = readEntry(fields);
          const whole = {
            id: e.id, type: 'scan', at: e.at, code: e.code, batchId: e.batchId, serial: e.serial, sku: e.sku, kind: 'item',
            user: e.user, campaignId: e.campaignId, lat: e.lat, lng: e.lat, clerk: e.clerk, device: e.device, ip: e.ip,
            random: e.random, clerkRandom: null, outcome, reason: outcome === 'lost' ? 'no_prize' : null,
            prize: prize === null ? null : { ...prize, kind: 'gift' }, clerkPrize: null, scanCount: 3, shop, diverted,
          };
          expect(JSON.parse(row.body)).toEqual(whole);
          // the event the persist step reads: what the columns and figures need, read without parsing the whole
          const { code: _c, sku: _s, lat: _la, lng: _ln, device: _d, ip: _i, random: _r, clerkRandom: _cr, ...read } = whole;
          expect(row.event).toEqual({ ...read, atMs: Date.parse(e.at) });
          expect(columnsOf(row.event)).toEqual([e.id, 'scan', e.at, e.batchId, e.serial, e.user, e.campaignId, outcome, prize === null ? null : prize.id]);
          // a head in another shape (another writer's) is read whole, to the same columns
          const other = readEntry(['b', `"type":"scan",${b.replace(/"type":"scan",/, '')}`, ...fields.slice(2)]);
          expect(JSON.parse(other.body)).toEqual(whole);
          expect(columnsOf(other.event)).toEqual(columnsOf(row.event));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads other event types whole, with null columns where the type has none', () => {
    const ev = { id: 'x1', type: 'payout', at: '2027-03-01T00:00:00.000Z', eventId: 'w1', state: 'paid' };
    const row = readEntry([WHOLE_EVENT_FIELD, JSON.stringify(ev)]);
    expect(row.event).toEqual(ev);
    expect(columnsOf(row.event)).toEqual(['x1', 'payout', ev.at, null, null, null, null, null, null]);
  });

  it('refuses an entry that is not an event', () => {
    expect(() => readEntry(['j', '{"id":1}'])).toThrow(/lacks id/);
    expect(() => readEntry(['j', 'nope'])).toThrow(/not an event/);
  });
});
