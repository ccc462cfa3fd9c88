// The store report (GET /v1/reports/store): check-ins per shop and day, draw chances granted (by
// check-ins, by 满N次 scans, by grants) and spent, sealed tickets issued and revealed in a shop, sets
// completed beside the set prize's stock; its figures agree with the members' balances and the audit.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { eventually } from '../testing/eventually.js';
import type { StoreReport } from '../reports/store-report.js';

const fx = useEngine();

/** a store call's answer body, once its status is the one the API documents for success */
async function ok<T = any>(call: Promise<{ status: number; body: any }>, status = 200): Promise<T> {
  const r = await call;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body as T;
}
const today = (): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now());
const report = (cid: string, totalOf: (r: StoreReport) => boolean): Promise<StoreReport> =>
  eventually(() => fx.client.get<StoreReport>(`/v1/reports/store?campaign=${cid}`), totalOf);

describe('the store report', () => {
  it('counts check-ins per shop and day, chances granted and spent, tickets issued and revealed', async () => {
    const { campaignId: cid } = await fx.client.batchWithLiveCampaign(
      [{ id: 'bottle', name: 'Bottle', kind: 'gift', probability: 1, stock: 10 }],
      { size: 10, extra: { reveal: 'in_shop', checkin: { chances: 1, points: 5 } } },
    );
    const north = await ok(fx.client.registerShop({ id: `north_${cid}`, name: 'North' }), 201);
    const south = await ok(fx.client.registerShop({ id: `south_${cid}`, name: 'South' }), 201);
    await fx.engine.api('PUT', '/v1/members/rep_member', { level: 1 });

    expect((await ok(fx.client.checkIn({ sceneCode: north.sceneCode, user: 'rep_member', campaignId: cid }), 201)).chances).toBe(1);
    expect((await ok(fx.client.grantChances(cid, { user: 'rep_buyer', count: 3, reason: '拼团成功', idempotencyKey: 'order-1' }))).chances).toBe(3);
    const t1 = await ok(fx.client.draw(cid, 'rep_member'));
    const t2 = await ok(fx.client.draw(cid, 'rep_buyer'));
    await ok(fx.client.draw(cid, 'rep_buyer'));
    expect([t1.outcome, t2.outcome]).toEqual(['ticket', 'ticket']);
    // one ticket revealed by the shop's till, the other by its user checking in there
    expect((await ok(fx.client.revealTicket(t2.ticket.code, await fx.client.shopKey(south.id)))).outcome).toBe('won');
    expect((await ok(fx.client.checkIn({ sceneCode: south.sceneCode, user: 'rep_member', campaignId: cid }), 201)).reveals).toHaveLength(1);

    const r = await report(cid, (x) => x.totals.ticketsRevealed === 2 && x.totals.checkins === 2);
    expect(r).toMatchObject({ campaign: cid, timezone: 'Asia/Shanghai', to: today(), store: 'deployment', reveal: 'in_shop', sets: [] });
    expect(r.totals).toEqual({
      checkins: 2, checkinPoints: 10, chancesGranted: 5, byCheckins: 2, byScans: 0, byGrants: 3, chancesSpent: 3,
      ticketsIssued: 3, ticketsRevealed: 2, drawsWon: 2, drawsLost: 0, setsCompleted: 0, setPrizesWon: 0,
    });
    expect(r.days).toEqual([{ day: today(), ...r.totals }]);
    // per day, the busiest shop first (ties by id)
    expect(r.shops).toEqual([
      { shop: north.id, day: today(), checkins: 1, ticketsRevealed: 0, drawsWon: 0 },
      { shop: south.id, day: today(), checkins: 1, ticketsRevealed: 2, drawsWon: 2 },
    ]);
    // granted - spent = what the users hold
    const held = await Promise.all(['rep_member', 'rep_buyer'].map(async (u) => (await fx.client.get<{ chances: Record<string, number> }>(`/v1/members/${u}`)).chances[cid] ?? 0));
    expect(r.totals.chancesGranted - r.totals.chancesSpent).toBe(held[0]! + held[1]!);
    // a range before the campaign's first day holds nothing
    const before = await fx.client.get<StoreReport>(`/v1/reports/store?campaign=${cid}&from=2020-01-01&to=2020-01-31`);
    expect([before.totals.checkins, before.days, before.shops]).toEqual([0, [], []]);
    expect((await fx.engine.api('GET', '/v1/reports/store')).body.error.message).toMatch(/^campaign:/);
    expect((await fx.engine.api('GET', `/v1/reports/store?campaign=${cid}&from=x`)).body.error.message).toMatch(/^from:/);
  });

  it('counts sets completed and their prizes won beside the set prize\'s stock, and chances granted by scans (满N次)', async () => {
    const { batchId, campaignId: cid } = await fx.client.batchWithLiveCampaign(
      [
        { id: 'rat', name: 'Rat', kind: 'card', set: 'zodiac', probability: 0.5 },
        { id: 'ox', name: 'Ox', kind: 'card', set: 'zodiac', probability: 0.5 },
      ],
      { size: 10, extra: { chances: { perScans: 2 }, sets: [{ id: 'zodiac', prize: { id: 'box', name: 'Zodiac box', kind: 'gift', stock: 2 } }] } },
    );
    for (const serial of [0, 1]) await fx.client.scan({ code: fx.client.code(batchId, serial), user: 'set_user' });
    await ok(fx.client.grantChances(cid, { user: 'set_user', count: 11, reason: 'pay', idempotencyKey: 'k' }));
    for (let i = 0; i < 12; i++) await ok(fx.client.draw(cid, 'set_user'));
    // completions by the draws (in their event's draw) and by the scans' cards (events of their own)
    type SetDone = { prize: unknown } | null | undefined;
    const completed = (await fx.client.events()).filter((e) => e.campaignId === cid).map((e) => (e.type === 'set' ? e.set : (e.draw as { set?: SetDone } | undefined)?.set) as SetDone).filter((x) => x !== null && x !== undefined);
    const won = completed.filter((x) => x!.prize !== null).length;
    expect(won).toBe(Math.min(2, completed.length));

    const r = await report(cid, (x) => x.totals.chancesSpent === 12);
    expect(r.totals).toMatchObject({ chancesGranted: 12, byScans: 1, byGrants: 11, chancesSpent: 12, drawsWon: 12, setsCompleted: completed.length, setPrizesWon: won });
    expect(completed.length).toBeGreaterThan(0);
    expect(r.sets).toEqual([{ id: 'zodiac', cards: ['rat', 'ox'], prize: { id: 'box', name: 'Zodiac box', kind: 'gift' }, completed: completed.length, prizesWon: won, stock: 2, stockLeft: 2 - won }]);
    expect(r.sets[0]!.prizesWon).toBeLessThanOrEqual(r.sets[0]!.stock!);

    // the audit's store rows hold for both campaigns
    const audit = await fx.client.get<{ rows: { check: string; ok: boolean }[] }>(`/v1/audit?campaign=${cid}`);
    expect(audit.rows.filter((x) => ['chances', 'tickets', 'checkins'].includes(x.check)).every((x) => x.ok)).toBe(true);
  });
});
