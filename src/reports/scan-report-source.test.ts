// The report aggregate source as a pure function: which counters one event adds.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanReportSource, utcMinute } from './scan-report-source.js';
import { AGGREGATE_SOURCES } from '../startup/aggregate-sources.js';
import type { AggregateContext, StoredEvent } from '../aggregates/aggregate-op.js';

const ctx: AggregateContext = { campaignDay: (id, atMs) => (id === 'spring' ? new Date(atMs + 8 * 3_600_000).toISOString().slice(0, 10) : null) };
const scan = (extra: Record<string, unknown>): StoredEvent => ({
  id: 'e1', type: 'scan', at: '2027-03-01T17:30:00.000Z', batchId: 7, serial: 1, sku: 'S', campaignId: 'spring', shop: null, outcome: 'lost', prize: null, clerkPrize: null, diverted: false, ...extra,
});
const fields = (ops: ReturnType<typeof scanReportSource>): Record<string, number> =>
  Object.fromEntries(ops.filter((o) => o.kind !== 'expire').map((o) => {
    if (o.kind !== 'hincrby') throw new Error(`unexpected op ${o.kind}`);
    return [`${o.key} ${o.field}`, o.by];
  }));

describe('scanReportSource', () => {
  it('is one of the applied sources', () => {
    expect(AGGREGATE_SOURCES).toContain(scanReportSource);
  });

  it('a cash win with a clerk rebate at a shop, diverted: every figure, on the campaign day of its time zone', () => {
    const ops = scanReportSource(scan({ outcome: 'won', shop: 's_9', prize: { id: 'red', kind: 'cash', amount: 188 }, clerkPrize: { id: 'k', kind: 'cash', amount: 12 }, diverted: true }), '{s0}', ctx);
    // 17:30 UTC is 01:30 the next day in Shanghai; minute 1050 of the UTC day
    expect(fields(ops)).toEqual({
      '{s0}:agg:minutes:20270301 1050|s': 1,
      '{s0}:agg:minutes:20270301 1050|f': 1,
      '{s0}:agg:minutes:20270301 1050|w': 1,
      '{s0}:agg:minutes:20270301 1050|m': 200,
      '{s0}:agg:minutes:20270301 1050|d': 1,
      '{s0}:agg:report:spring:2027-03-02 7|s_9|s': 1,
      '{s0}:agg:report:spring:2027-03-02 7|s_9|f': 1,
      '{s0}:agg:report:spring:2027-03-02 7|s_9|w': 1,
      '{s0}:agg:report:spring:2027-03-02 7|s_9|m': 200,
      '{s0}:agg:report:spring:2027-03-02 7|s_9|d': 1,
    });
  });

  it('a repeat is a scan only; a gift win spends nothing; a blocked scan is not a first scan', () => {
    expect(fields(scanReportSource(scan({ outcome: 'repeat' }), '{s0}', ctx))).toEqual({ '{s0}:agg:minutes:20270301 1050|s': 1, '{s0}:agg:report:spring:2027-03-02 7||s': 1 });
    expect(Object.keys(fields(scanReportSource(scan({ outcome: 'won', prize: { id: 'g', kind: 'gift', amount: null } }), '{s0}', ctx)))).toEqual([
      '{s0}:agg:minutes:20270301 1050|s', '{s0}:agg:minutes:20270301 1050|f', '{s0}:agg:minutes:20270301 1050|w',
      '{s0}:agg:report:spring:2027-03-02 7||s', '{s0}:agg:report:spring:2027-03-02 7||f', '{s0}:agg:report:spring:2027-03-02 7||w',
    ]);
    expect(fields(scanReportSource(scan({ outcome: 'blocked' }), '{s0}', ctx))['{s0}:agg:report:spring:2027-03-02 7||f']).toBeUndefined();
  });

  it('keys carry the shard tag of the event; no campaign: minutes only, with their TTL; other event types: nothing', () => {
    const ops = scanReportSource(scan({ campaignId: null, outcome: 'verified' }), '{s3}', ctx);
    expect(ops.every((o) => o.key.startsWith('{s3}:agg:minutes:'))).toBe(true);
    expect(ops).toHaveLength(3);
    expect(ops).toContainEqual({ kind: 'expire', key: '{s3}:agg:minutes:20270301', seconds: 2 * 86_400 });
    expect(scanReportSource({ id: 'c', type: 'campaign', at: '2027-03-01T00:00:00Z', campaignId: 'spring' }, '{s0}', ctx)).toEqual([]);
  });
});

describe('utcMinute', () => {
  it('gives the UTC day and minute of any instant, as toISOString does, in any order of calls', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4e12 }), { minLength: 1, maxLength: 20 }), (times) => {
        for (const t of times) {
          const iso = new Date(t).toISOString();
          expect(utcMinute(t)).toEqual({ day: iso.slice(0, 10).replaceAll('-', ''), minute: Number(iso.slice(11, 13)) * 60 + Number(iso.slice(14, 16)) });
        }
      }),
    );
  });
});
