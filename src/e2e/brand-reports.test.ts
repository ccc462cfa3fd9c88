// The reports a brand asks for: by prize (wins, stock, spend, today's paced release), the winner list
// (中奖名单) as JSON and as CSV whose columns name their units, scans by hour of the campaign's zone,
// and the change log (操作日志) naming the staff key that made each change.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { uniqueSku } from '../testing/fixtures.js';
import { eventually } from '../testing/eventually.js';
import type { PrizeRow } from '../reports/prize-report.js';
import type { WinnerRow } from '../reports/winner-list.js';
import type { HourRow, PlaceRow } from '../reports/event-reports.js';
import type { ChangeEntry } from '../reports/change-log.js';

const fx = useEngine();

describe('brand reports', () => {
  it('by prize, winners (JSON and CSV), by hour, and the change log with key names', async () => {
    const sku = uniqueSku();
    const id = `rep-${sku}`;
    const { batchId } = await fx.client.createBatch({ sku, size: 100 });
    // the brand manager's own key: the change log names it
    const key = await fx.client.createKey('operator', '王芳 (brand manager)');
    const manager = fx.client.as(key.key);
    await manager.createLiveCampaign(id, sku, [
      { id: 'cup', name: '保温杯', kind: 'gift', probability: 0.5, stock: 100 },
      { id: 'red', name: '红包', kind: 'cash', probability: 0.5, amount: 188, budget: 100_000, release: { perDay: 1000 } },
    ]);
    for (let s = 0; s < 10; s++) expect((await fx.client.scan({ code: fx.client.code(batchId, s), user: `u_${s}`, shop: 's_1' })).outcome).toBe('won');
    const stats = await fx.client.get<{ scans: number }>(`/v1/campaigns/${id}/stats`);

    type PrizeReport = { today: string; prizes: PrizeRow[] };
    const prizes = await eventually(() => fx.client.get<PrizeReport>(`/v1/reports/prizes?campaign=${id}`), (r) => r.prizes.reduce((a, p) => a + p.won, 0) === 10);
    const red = prizes.prizes.find((p) => p.id === 'red')!;
    const cup = prizes.prizes.find((p) => p.id === 'cup')!;
    expect(red.won + cup.won).toBe(10);
    expect(red).toMatchObject({ budget: 100_000, spent: red.won * 188, budgetLeft: 100_000 - red.won * 188, release: { perDay: 1000 }, released: 1000 });
    expect(cup).toMatchObject({ stock: 100, stockLeft: 100 - cup.won, wonToday: cup.won });
    expect(prizes.today).toBe(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now()));

    expect(red.releasedToday).toBe(1000);
    // a paced prize of a campaign that began three days ago: 4 days released in all, one of them today
    const older = `rep-old-${sku}`;
    const olderSku = `${sku}-old`;
    await fx.client.createLiveCampaign(older, olderSku, [{ id: 'r', name: 'R', kind: 'gift', probability: 0.1, release: { perDay: 5 } }], { startsAt: new Date(Date.now() - 3 * 86_400_000).toISOString() });
    const olderPrize = (await fx.client.get<PrizeReport>(`/v1/reports/prizes?campaign=${older}`)).prizes[0]!;
    expect([olderPrize.released, olderPrize.releasedToday]).toEqual([20, 5]);

    const winners = (await eventually(() => fx.client.get<{ winners: WinnerRow[] }>(`/v1/reports/winners?campaign=${id}`), (r) => r.winners.length === 10)).winners;
    expect(winners).toHaveLength(10);
    expect(winners.filter((w) => w.kind === 'gift').every((w) => /^[0-9A-Z]{20}$/.test(w.voucher ?? '') && w.state === 'open')).toBe(true);
    // the CSV as a browser downloads it (a raw body)
    const csv = await fetch(`${fx.engine.url}/v1/reports/winners?campaign=${id}&format=csv`, { headers: { authorization: `Bearer ${key.key}` } });
    expect(csv.headers.get('content-disposition')).toContain(`winners-${id}.csv`);
    const lines = (await csv.text()).replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('at_utc,at_local(Asia/Shanghai),user,prize_id,prize_name,kind,cash_yuan,points,voucher,state,redeemed_shop,redeemed_at_utc,event_id');
    expect(lines).toHaveLength(11);
    if (red.won > 0) expect(lines.some((l) => l.includes(',红包,cash,1.88,'))).toBe(true);

    const hours = await eventually(() => fx.client.get<{ hours: HourRow[] }>(`/v1/reports/hours?campaign=${id}`), (r) => r.hours.reduce((a, h) => a + h.scans, 0) === stats.scans);
    const nowHour = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit' }).formatToParts(Date.now());
    const part = (t: string): string => nowHour.find((p) => p.type === t)!.value;
    expect(hours.hours).toContainEqual({ hour: `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:00`, scans: 10, firstScans: 10, won: 10 });

    // by province and city of the scan's position (Guangzhou twice, Chengdu once; the ten above had none)
    for (const [s, lat, lng] of [[20, 23.13, 113.26], [21, 23.12, 113.3], [22, 30.66, 104.06]] as const) {
      await fx.client.scan({ code: fx.client.code(batchId, s), user: `geo_${s}`, lat, lng });
    }
    const places = await eventually(() => fx.client.get<{ source: string; places: PlaceRow[] }>(`/v1/reports/places?campaign=${id}`), (r) => r.places.reduce((a, p) => a + p.scans, 0) === 13);
    expect(places.source).toMatch(/GeoNames/);
    const byProvince = Object.fromEntries(places.places.map((p) => [p.provinceZh, p.scans]));
    expect(byProvince).toEqual({ 未定位: 10, 广东: 2, 四川: 1 });
    expect(places.places.find((p) => p.provinceZh === '广东')!.city).toMatch(/Guangzhou/);

    await manager.patchCampaign(id, { state: 'paused' });
    await fx.client.patchCampaign(id, { prizes: [{ id: 'cup', addStock: 5 }] });
    // the change log reads the campaign events of the event stores: the creation is one of them
    const changes = (await eventually(() => fx.client.get<{ changes: ChangeEntry[] }>(`/v1/reports/changes?campaign=${id}`), (r) => r.changes.length === 3)).changes;
    expect(changes.map((c) => [c.whoName, c.change])).toEqual([
      ['ADMIN_TOKEN', { prizes: [{ id: 'cup', addStock: 5, addBudget: 0 }] }],
      ['王芳 (brand manager)', { state: 'paused' }],
      ['王芳 (brand manager)', { created: true, state: 'live', published: true }],
    ]);
    expect(changes[1]!.who).toBe(key.id);
    expect((await fx.engine.api('GET', '/v1/reports/changes?limit=0')).status).toBe(400);
    expect((await fx.engine.api('GET', '/v1/reports/winners')).body.error.message).toContain('campaign');
  });
});
