// Reports and the overview cover the whole deployment: two engines on one Redis, each persisting its
// share of the stream into its own SQLite file; the report's totals equal /stats and the sum of both files.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../testing/engine-fixture.js';
import type { TestEngine } from '../../testing/engine-process.js';
import { liveCampaign, uniqueSku } from '../../testing/fixtures.js';
import { dayInZone } from '../../reports/zone-day.js';

/** the suite, against engines whose campaigns spread over `shards` shards of one redis-server (default one) */
export function reportsSuite(shards?: number): void {
  const fx = useEngine({ shards });
  let b: TestEngine;
  beforeAll(async () => {
    b = await fx.anotherEngine();
  });
  afterAll(async () => {
    await b?.stop();
  });

  interface FileFigures {
    scans: number;
    won: number;
    spend: number;
  }

  function figuresOf(engine: TestEngine, cid: string): FileFigures {
    const db = new Database(join(engine.dataDir, 'scanlot.db'), { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare<[string], FileFigures>(
          `SELECT count(*) AS scans, coalesce(sum(outcome = 'won'), 0) AS won,
                  coalesce(sum(CASE WHEN outcome = 'won' AND json_extract(body, '$.prize.kind') = 'cash' THEN json_extract(body, '$.prize.amount') ELSE 0 END), 0) AS spend
           FROM events WHERE campaign_id = ? AND type = 'scan'`,
        )
        .get(cid) as FileFigures;
    } finally {
      db.close();
    }
  }

  async function settled(expected: number, cid: string): Promise<[FileFigures, FileFigures]> {
    const until = Date.now() + 20_000;
    for (;;) {
      const both: [FileFigures, FileFigures] = [figuresOf(fx.engine, cid), figuresOf(b, cid)];
      if (both[0].scans + both[1].scans >= expected || Date.now() > until) return both;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  describe('scan reports of two engines with their own SQLite files', () => {
    it('report totals = /stats = the sum of both files; dimensions, CSV, overview', async () => {
      const sku = uniqueSku();
      const cid = `rep-${sku}`;
      const near = await fx.client.createBatch({ sku, size: 200, region: { lat: 23.1, lng: 113.3, radiusKm: 50 } });
      const plain = await fx.client.createBatch({ sku, size: 200 });
      await fx.client.createCampaign(liveCampaign(cid, sku, [
        { id: 'red', name: 'Red', kind: 'cash', probability: 0.4, amount: { min: 1, max: 50 }, budget: 1_000_000 },
        { id: 'g', name: 'G', kind: 'gift', probability: 0.2, stock: 1000 },
      ], { geofence: 'flag' }));
      const before = (await fx.engine.api('GET', '/v1/overview')).body;

      // 120 scans: the first half while engine A runs alone, the second half while B runs alone, so each
      // SQLite file holds one share of the stream (two running consumers split it by chance); then both run
      const scanBody = (engine: TestEngine, i: number): Record<string, unknown> => {
        const batchId = i % 3 === 0 ? plain.batchId : near.batchId;
        const body: Record<string, unknown> = { code: engine.codec.encode(batchId, i % 70), user: `u${i % 9}` };
        if (i % 4 === 1) body.shop = 's_north';
        if (i % 4 === 2) body.shop = 's_south';
        if (i % 5 === 0) Object.assign(body, { lat: 39.9, lng: 116.4 });
        return body;
      };
      const run = async (engine: TestEngine, from: number, to: number): Promise<void> => {
        const answers = await Promise.all(Array.from({ length: to - from }, (_, k) => engine.scan(scanBody(engine, from + k))));
        expect(answers.every((r) => r.status === 200)).toBe(true);
      };
      await b.kill('SIGTERM');
      await run(fx.engine, 0, 60);
      await settled(60, cid);
      await b.restart();
      await fx.engine.kill('SIGTERM');
      await run(b, 60, 120);
      const [fa, fb] = await settled(120, cid);
      await fx.engine.restart();
      expect(fa.scans + fb.scans).toBe(120);
      expect([fa.scans, fb.scans]).toEqual([60, 60]);
      for (const until = Date.now() + 10_000; (await b.api('GET', `/v1/campaigns/${cid}/stats`)).body.scans < 120 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
      const stats = (await b.api('GET', `/v1/campaigns/${cid}/stats`)).body;
      expect(stats.scans).toBe(120);
      const firstScans = (stats.outcomes.won ?? 0) + (stats.outcomes.lost ?? 0) + (stats.outcomes.verified ?? 0);
      const expected = { scans: 120, firstScans, won: stats.outcomes.won, spend: 1_000_000 - stats.prizes.red.budgetLeft, diverted: stats.diverted };
      expect(expected.diverted).toBeGreaterThan(0);
      expect(expected.spend).toBe(fa.spend + fb.spend);
      expect(expected.won).toBe(fa.won + fb.won);
      // the aggregates are applied with the acknowledgement: poll until the last batch is acknowledged
      let report = await fx.engine.api('GET', `/v1/reports/scans?campaign=${cid}&by=day`);
      for (const until = Date.now() + 10_000; report.body.totals.scans < 120 && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 100));
        report = await fx.engine.api('GET', `/v1/reports/scans?campaign=${cid}&by=day`);
      }
      const today = dayInZone(Date.now(), 'Asia/Shanghai');
      expect(report.body).toMatchObject({ campaign: cid, timezone: 'Asia/Shanghai', by: ['day'], totals: expected, rows: [{ day: today, ...expected }] });
      // the other engine answers the same
      expect((await b.api('GET', `/v1/reports/scans?campaign=${cid}&by=day`)).body.totals).toEqual(expected);

      const byAll = await b.api('GET', `/v1/reports/scans?campaign=${cid}&by=batch,shop,region,sku&from=${today}&to=${today}`);
      const rows = byAll.body.rows as { batch: number; shop: string | null; region: string; sku: string; scans: number }[];
      expect(new Set(rows.map((r) => r.shop))).toEqual(new Set([null, 's_north', 's_south']));
      expect(rows.filter((r) => r.batch === near.batchId).every((r) => r.region === '23.1,113.3/50km' && r.sku === sku)).toBe(true);
      expect(rows.filter((r) => r.batch === plain.batchId).every((r) => r.region === 'none')).toBe(true);
      expect(rows.reduce((a, r) => a + r.scans, 0)).toBe(120);
      expect(rows.filter((r) => r.batch === plain.batchId).reduce((a, r) => a + r.scans, 0)).toBe(40);

      const csv = await fetch(`${fx.engine.url}/v1/reports/scans?campaign=${cid}&by=shop&format=csv`, { headers: { authorization: `Bearer ${'test-admin-token-0123456789'}` } });
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const lines = (await csv.text()).trim().split('\n');
      expect(lines[0]).toBe('shop,scans,firstScans,won,spend_fen,diverted');
      const sum = lines.slice(1).map((l) => l.split(',').slice(1).map(Number)).reduce((a, r) => a.map((x, i) => x + (r[i] ?? 0)), [0, 0, 0, 0, 0]);
      expect(sum).toEqual([expected.scans, expected.firstScans, expected.won, expected.spend, expected.diverted]);

      const after = (await b.api('GET', '/v1/overview')).body;
      const minuteSum = (o: { scansPerMinute: { scans: number }[] }): number => o.scansPerMinute.reduce((a, m) => a + m.scans, 0);
      expect(after.scansPerMinute).toHaveLength(60);
      expect(minuteSum(after) - minuteSum(before)).toBe(120);
      expect(after.campaigns).toContainEqual(expect.objectContaining({ id: cid, state: 'live', timezone: 'Asia/Shanghai', today: expected, prizes: expect.arrayContaining([expect.objectContaining({ id: 'red', budget: 1_000_000, spent: expected.spend })]) }));
      expect(after.dcrm).toMatchObject({ backlog: expect.any(Number), deadLetters: expect.any(Object) });
    });

    it('refuses bad queries with the field named', async () => {
      const sku = uniqueSku();
      await fx.client.createCampaign(liveCampaign(`rq-${sku}`, sku, []));
      for (const [q, field] of [['by=color', 'by'], ['from=2027-13-45x', 'from'], ['from=2027-03-02&to=2027-03-01', 'to'], ['format=xml', 'format']] as const) {
        const r = await fx.engine.api('GET', `/v1/reports/scans?campaign=rq-${sku}&${q}`);
        expect(r.status, q).toBe(400);
        expect(r.body.error.message.startsWith(`${field}:`), r.body.error.message).toBe(true);
      }
      expect((await fx.engine.api('GET', '/v1/reports/scans')).status).toBe(400);
      expect((await fx.engine.api('GET', '/v1/reports/scans?campaign=nope')).status).toBe(404);
    });
  });
}
