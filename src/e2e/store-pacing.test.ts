// Draws revealed in the shop (线上抽奖,线下开奖) over ten campaign days on the shared clock: buyers draw
// sealed tickets online; a guaranteed prize released one a day (连续10天每天送一个) goes, each day, to
// exactly one ticket revealed that day — the first revealed after the unit's release moment — never
// before it, and tickets revealed on a day keep their own day's pacing.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { clearClockShift, shiftClockTo } from '../testing/clock-shift.js';
import { uniqueSku } from '../testing/fixtures.js';
import { releaseMoment } from '../campaigns/pacing.js';
import { keys } from '../redis/keys.js';

const fx = useEngine();
const DAY = 86_400_000;
const REVEALS_PER_DAY = [3, 8, 2, 5, 1, 6, 4, 2, 7, 3];

describe('tickets revealed in the shop, paced', () => {
  it('one bottle a day for ten days, to the first ticket revealed after its release', async () => {
    const sku = uniqueSku();
    await fx.client.createBatch({ sku, size: 10 });
    // the campaign's first day: a Shanghai midnight two days ahead, reached by shifting the clock
    const first = Math.ceil((Date.now() + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000 + DAY;
    const cid = `reveal-${sku}`;
    await fx.client.createLiveCampaign(cid, sku, [{ id: 'bottle', name: 'Bottle', kind: 'gift', probability: 0, stock: 100, release: { perDay: 1 }, guaranteed: true }], {
      startsAt: new Date(first).toISOString(),
      endsAt: new Date(first + 11 * DAY).toISOString(),
      reveal: 'in_shop',
    });
    const seed = (await fx.redis.client.hget(keys.campaignState('{s0}', cid), 'seed')) as string;
    const shop = (await fx.client.registerShop({ id: `shop-${sku}`, name: 'Flagship' })).body.id as string;
    const key = await fx.client.shopKey(shop);

    const reveals: { day: number; at: number; won: boolean; eventId: string }[] = [];
    let n = 0;
    try {
      for (let d = 0; d < REVEALS_PER_DAY.length; d++) {
        const count = REVEALS_PER_DAY[d]!;
        const moments = [...Array.from({ length: count }, (_, j) => first + d * DAY + ((j + 0.5) / count) * DAY), first + (d + 1) * DAY - 60_000];
        for (const m of moments) {
          await shiftClockTo(fx.redis.client, m);
          const user = `buyer${n++}`;
          expect((await fx.client.grantChances(cid, { user, count: 1, reason: '支付有礼', idempotencyKey: `order-${user}` })).status).toBe(200);
          const ticket = await fx.client.draw(cid, user);
          expect(ticket.status, JSON.stringify(ticket.body)).toBe(200);
          expect(ticket.body).toMatchObject({ outcome: 'ticket', prize: null });
          const r = await fx.client.revealTicket(ticket.body.ticket.code, key);
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          reveals.push({ day: d, at: m, won: r.body.outcome === 'won', eventId: r.body.eventId });
        }
      }
    } finally {
      await clearClockShift(fx.redis.client);
    }

    const events = (await fx.client.events()).filter((e) => e.type === 'reveal' && e.campaignId === cid);
    expect(events).toHaveLength(reveals.length);
    const atOf = new Map(events.map((e) => [e.id, Date.parse(e.at)]));
    for (let d = 0; d < REVEALS_PER_DAY.length; d++) {
      const today = reveals.filter((r) => r.day === d);
      const release = releaseMoment(seed, 'bottle', d, 0, first + d * DAY, DAY);
      const wins = today.filter((r) => r.won);
      expect(wins, `day ${d}: release ${new Date(release).toISOString()}`).toHaveLength(1);
      const win = wins[0]!;
      expect(atOf.get(win.eventId)!).toBeGreaterThanOrEqual(release);
      // the first reveal after the release took it
      expect(today.find((r) => (atOf.get(r.eventId) ?? 0) >= release)?.eventId).toBe(win.eventId);
    }
    const live = await fx.engine.api('GET', `/v1/campaigns/${cid}`);
    expect(live.body.prizes[0].stockLeft).toBe(90);
  });
});
