// Pacing: ten campaign days on the shared clock (its shift moves the whole
// deployment through them), traffic varying tenfold from day to day. A guaranteed perDay 1 prize is won
// exactly once a day, by the first scan after its unit's release moment, never before it, at moments
// spread over the day; a plain perDay 1 prize is never won more often than released.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../../testing/engine-fixture.js';
import { clearClockShift, shiftClockTo } from '../../testing/clock-shift.js';
import { uniqueSku } from '../../testing/fixtures.js';
import { waitForBacklog, allEvents } from '../../testing/events.js';
import { releaseMoment } from '../../campaigns/pacing.js';
import { keys } from '../../redis/keys.js';
import { waitFor } from '../../testing/dcrm-receiver.js';

const DAY = 86_400_000;
const SCANS_PER_DAY = [5, 50, 10, 40, 5, 20, 50, 8, 30, 12];

/** the suite, against an engine whose campaigns spread over `shards` shards of one redis-server (default one) */
export function pacingSuite(shards?: number): void {
  const fx = useEngine(shards === undefined ? {} : { shards });

  describe('daily pacing', () => {
    it('guaranteed: one unit a day, won by the first scan after its release; plain: never more than released', async () => {
      const sku = uniqueSku();
      const { batchId } = await fx.client.createBatch({ sku, size: 1000 });
      // the campaign's first day: a Shanghai midnight (UTC+8, no DST) two days ahead, reached by shifting the clock
      const first = Math.ceil((Date.now() + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000 + DAY;
      const cid = `pace-${sku}`;
      await fx.client.createLiveCampaign(
        cid,
        sku,
        [
          { id: 'bottle', name: 'Bottle', kind: 'gift', probability: 0.02, stock: 100, release: { perDay: 1 }, guaranteed: true },
          { id: 'cap', name: 'Cap', kind: 'gift', probability: 0.5, stock: 100, release: { perDay: 1 } },
        ],
        { startsAt: new Date(first).toISOString(), endsAt: new Date(first + 11 * DAY).toISOString() },
      );
      const seed = (await fx.redis.client.hget(keys.campaignState('{s0}', cid), 'seed')) as string;
      expect(seed).toMatch(/^[0-9a-f]{32}$/);

      const shiftTo = (ms: number): Promise<unknown> => shiftClockTo(fx.redis.client, ms);
      let serial = 0;
      const scans: { day: number; at: number; body: any }[] = [];
      try {
        for (let d = 0; d < SCANS_PER_DAY.length; d++) {
          const n = SCANS_PER_DAY[d]!;
          // spread over the day, and one a minute before its end: every release has a scan after it
          const moments = [...Array.from({ length: n }, (_, j) => first + d * DAY + ((j + 0.5) / n) * DAY), first + (d + 1) * DAY - 60_000];
          for (const m of moments) {
            await shiftTo(m);
            const r = await fx.engine.scan({ code: fx.engine.codec.encode(batchId, serial++), user: `p${serial % 37}` });
            expect(r.status, JSON.stringify(r.body)).toBe(200);
            scans.push({ day: d, at: Date.parse(r.body.scan.firstAt), body: r.body });
          }
          // the engine reads the shared clock's shift once a second: GET follows within that
          await waitFor(`day ${d}: released ${d + 1}`, async () => {
            const live = await fx.engine.api('GET', `/v1/campaigns/${cid}`);
            return live.body.prizes.find((p: any) => p.id === 'bottle').released === d + 1;
          }, 3000);
        }
      } finally {
        await clearClockShift(fx.redis.client);
      }

      const winTimes: number[] = [];
      let capWins = 0;
      for (let d = 0; d < SCANS_PER_DAY.length; d++) {
        const today = scans.filter((s) => s.day === d);
        for (const s of today) expect(s.at).toBeGreaterThanOrEqual(first + d * DAY);
        const release = releaseMoment(seed, 'bottle', d, 0, first + d * DAY, DAY);
        const wins = today.filter((s) => s.body.prize?.id === 'bottle');
        expect(wins, `day ${d}: ${JSON.stringify(today.map((s) => [new Date(s.at).toISOString(), s.body.outcome, s.body.reason, s.body.prize?.id]))} release ${new Date(release).toISOString()}`).toHaveLength(1);
        const win = wins[0]!;
        // never before its release, and to the first scan after it
        expect(win.at).toBeGreaterThanOrEqual(release);
        expect(today.filter((s) => s.at >= release)[0]?.body.eventId).toBe(win.body.eventId);
        winTimes.push((win.at - (first + d * DAY)) / DAY);
        // the plain prize: never more than released by then (one a day, carried over when not won)
        capWins += today.filter((s) => s.body.prize?.id === 'cap').length;
        expect(capWins).toBeLessThanOrEqual(d + 1);
      }
      // the release moments are drawn over the whole day: not every win in its first quarter
      expect(Math.max(...winTimes)).toBeGreaterThan(0.25);
      // with one chance in two per scan the plain prize went out on most days
      expect(capWins).toBeGreaterThanOrEqual(7);
      await waitForBacklog(fx.engine);
      const events = await allEvents(fx.engine);
      expect(events.filter((e) => e.prize?.id === 'bottle')).toHaveLength(10);
    });
  });
}
