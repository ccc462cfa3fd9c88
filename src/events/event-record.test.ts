// The persist worker reads the columns of an event from the fragment without parsing it: the values
// must be exactly what a JSON parse of the whole event gives, whatever the free-text fields hold.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fieldsToEvent } from './event-record.js';

const idChars = fc.constantFrom(...'abcXYZ019_.:@-'.split(''));
const id = (max: number) => fc.string({ unit: idChars, minLength: 1, maxLength: max });

describe('fieldsToEvent', () => {
  it('gives the columns a JSON parse of the event gives, for any sku, device, ip and prize name', () => {
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
          device: fc.option(fc.string({ unit: 'binary', maxLength: 40 })),
          ip: fc.string({ unit: 'binary', maxLength: 40 }),
        }),
        fc.option(fc.record({ id: id(32), name: fc.string({ unit: 'binary', maxLength: 40 }), amount: fc.option(fc.nat()) })),
        fc.constantFrom('won', 'lost', 'verified', 'repeat', 'blocked'),
        (e, prize, outcome) => {
          const b = JSON.stringify({ id: e.id, type: 'scan', at: e.at, code: e.code, batchId: e.batchId, serial: e.serial, sku: e.sku, kind: 'item', user: e.user, campaignId: e.campaignId, device: e.device, ip: e.ip }).slice(1, -1);
          const p = prize === null ? '' : JSON.stringify({ id: prize.id, name: prize.name, kind: 'gift', amount: prize.amount });
          const row = fieldsToEvent(['b', b, 'o', outcome, 'r', '', 'p', p, 'n', '1']);
          const parsed = JSON.parse(row.body) as Record<string, unknown>;
          expect(row).toEqual({
            id: parsed.id,
            at: parsed.at,
            batchId: parsed.batchId,
            serial: parsed.serial,
            user: parsed.user,
            campaignId: parsed.campaignId,
            outcome,
            prizeId: prize === null ? null : prize.id,
            body: row.body,
          });
          expect(parsed).toMatchObject({ sku: e.sku, device: e.device, ip: e.ip, outcome });
        },
      ),
      { numRuns: 500 },
    );
  });
});
