// Report queries and the CSV writer, as pure functions.
import { describe, expect, it } from 'vitest';
import { compileCampaign } from '../campaigns/campaign-store.js';
import { parseCampaignInput } from '../campaigns/campaign.js';
import { csvChunks, parseReportQuery, regionLabel, type ReportRow } from './scan-report.js';

const c = compileCampaign(parseCampaignInput({ id: 'r', startsAt: '2027-03-01T00:00:00+08:00', endsAt: '2027-04-01T00:00:00+08:00', timezone: 'Asia/Shanghai', scope: { skus: ['S'] }, prizes: [] }, 0));
const q = (params: Record<string, string>, now = Date.parse('2027-03-10T20:00:00Z')) => parseReportQuery((n) => params[n] ?? null, c, now);

describe('parseReportQuery', () => {
  it('defaults to the campaign days up to today, in the campaign time zone, by day', () => {
    // 2027-03-01T00:00+08:00 is still February in UTC; 20:00 UTC on the 10th is the 11th in Shanghai
    expect(q({})).toEqual({ from: '2027-03-01', to: '2027-03-11', by: ['day'] });
    expect(q({}, Date.parse('2027-05-01T00:00:00Z')).to).toBe('2027-03-31');
    expect(q({ by: 'shop,day', from: '2027-03-02', to: '2027-03-02' })).toEqual({ from: '2027-03-02', to: '2027-03-02', by: ['shop', 'day'] });
  });

  it('names the field of a bad query', () => {
    expect(() => q({ by: 'day,day' })).toThrow(/^by: /);
    expect(() => q({ by: 'colour' })).toThrow(/^by: /);
    expect(() => q({ from: '2027-3-1' })).toThrow(/^from: /);
    expect(() => q({ from: '2027-03-05', to: '2027-03-04' })).toThrow(/^to: /);
    expect(() => q({ from: '2026-01-01', to: '2027-03-04' })).toThrow(/^to: must be at most 400 days/);
  });
});

describe('csvChunks', () => {
  it('writes the header row, then one line per row; quotes and defuses cells a spreadsheet would run', () => {
    const rows: ReportRow[] = [
      { shop: '=cmd|calc', region: '23.1,113.3/50km', scans: 3, firstScans: 2, won: 1, spend: 188, diverted: 0 },
      { shop: null, region: 'none', scans: 1, firstScans: 1, won: 0, spend: 0, diverted: 1 },
    ];
    const next = csvChunks(['shop', 'region'], rows);
    let text = '';
    for (let chunk = next(); chunk !== null; chunk = next()) text += chunk.toString();
    expect(text).toBe("shop,region,scans,firstScans,won,spend_fen,diverted\n'=cmd|calc,\"23.1,113.3/50km\",3,2,1,188,0\n,none,1,1,0,0,1\n");
  });

  it('streams many rows in chunks of about 64 KiB', () => {
    const rows: ReportRow[] = Array.from({ length: 5000 }, (_, i) => ({ batch: i, scans: i, firstScans: 0, won: 0, spend: 0, diverted: 0 }));
    const next = csvChunks(['batch'], rows);
    const chunks: Buffer[] = [];
    for (let chunk = next(); chunk !== null; chunk = next()) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString().trim().split('\n')).toHaveLength(5001);
  });
});

describe('regionLabel', () => {
  it('is the batch region or none', () => {
    expect(regionLabel(null)).toBe('none');
    expect(regionLabel({ batchId: 1, sku: 'S', size: 1, kind: 'item', status: 'active', region: { lat: 1.5, lng: -2, radiusKm: 10 }, contains: null, createdAt: '' })).toBe('1.5,-2/10km');
  });
});
