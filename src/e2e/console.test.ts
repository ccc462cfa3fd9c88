// The operator console in a real browser (Debian's chromium driven by puppeteer-core): sign in, create
// a campaign through the form (a field error first), a scan appears in the overview without reloading,
// pause -> campaign_paused, top up -> stock rises, batches, reports (CSV totals = /stats), dead letters;
// hostile names stay text. Screenshots of every page at 1280x800 and 390x844 go to screenshots/console/.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.js';
import { useEngine } from '../testing/engine-fixture.js';
import { uniqueSku } from '../testing/fixtures.js';
import { CHROMIUM } from '../testing/headless-chromium.js';
import { CONSOLE_SIZES, ConsoleBrowser } from '../testing/console-browser.js';
import type { Batch } from '../batches/batch.js';

if (!CHROMIUM) console.warn('console.test: no chromium at /usr/bin/chromium (apt-get install chromium): the browser tests are skipped');

const SHOTS = join(PROJECT_ROOT, 'screenshots', 'console');
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

const fx = useEngine({ dcrm: { listen: true, env: { SCANLOT_DCRM_POISON_ATTEMPTS: '2', SCANLOT_DCRM_RETRY_MAX_MS: '50' } } });
// the DCRM rejects one event (400) until the test says otherwise: it becomes a dead letter to replay
let poison: string | null = null;
let acceptPoison = false;
let b: ConsoleBrowser;
let page: Page;
/** a staff member's own admin key, with a hostile name: the change log must show it as text */
const STAFF = `王芳 市场部 ${HOSTILE}`;

/** the seconds the x axis of a chart spans, as drawn (the chart writes its scale on its element) */
async function xSpan(test: string): Promise<number> {
  await page.waitForSelector(`[data-test=${test}][data-x-max]`);
  return page.$eval(`[data-test=${test}]`, (e) => Number((e as HTMLElement).dataset.xMax) - Number((e as HTMLElement).dataset.xMin));
}

const batches = async (): Promise<Batch[]> => (await fx.client.get<{ batches: Batch[] }>('/v1/batches')).batches;

beforeAll(async () => {
  if (!CHROMIUM) return;
  fx.receiver.handler = (r) => (poison !== null && r.ids.includes(poison) && !acceptPoison ? 400 : 200);
  b = await ConsoleBrowser.launch(SHOTS);
  page = b.page;
});

afterAll(async () => {
  await b?.close();
});

describe('GET /console', () => {
  it('is served with a strict CSP and no inline script or style', async () => {
    const r = await fetch(`${fx.engine.url}/console`);
    expect(r.status).toBe(200);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await r.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style=/);
    expect((await fetch(`${fx.engine.url}/console/assets/preact.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${fx.engine.url}/console/assets/..%2Fpackage.json`)).status).toBe(404);
  });
});

describe.skipIf(!CHROMIUM)('the console in Chromium', () => {
  it('runs a campaign from sign-in to the report', async () => {
    const sku = uniqueSku();
    const cid = `con-${sku}`;
    const { batchId } = await fx.client.createBatch({ sku, size: 500 });

    // sign in with the staff member's own named key: a wrong credential is refused, the right one is
    // kept in sessionStorage, never in the URL
    const staff = await fx.client.createKey('admin', STAFF);
    await page.goto(`${fx.engine.url}/console`);
    await page.waitForSelector('[data-test=signin-form]');
    await b.shoot('signin');
    await b.fill('input[name=credential]', 'wrong-token');
    b.expectedHttpError = 401;
    await page.click('[data-test=signin]');
    expect(await b.waitText('[data-test=signin-error]', (t) => t.length > 0)).toContain('Invalid credential');
    b.expectedHttpError = null;
    await b.fill('input[name=credential]', staff.key);
    await page.click('[data-test=signin]');
    await page.waitForSelector('[data-test=today-scans]');
    expect(page.url()).not.toContain(staff.key);
    expect(await page.evaluate(() => sessionStorage.getItem('scanlot.credential'))).toBe(staff.key);

    // create a campaign from a template: problems are shown at their fields (the console's own checks
    // first, then the API's 400), it is saved as a draft that covers nothing, then published
    await b.goto('#/campaigns', '[data-test=campaign-form]');
    await page.click('[data-test=template-open-cap]');
    await b.fill('input[name=id]', cid);
    await b.fill('input[name=name]', HOSTILE);
    await b.fill('input[name=skus]', sku);
    await b.fill('input[name="prizes.0.name"]', HOSTILE);
    await b.fill('input[name="prizes.0.probability"]', '200');
    await b.fill('input[name=color]', 'red');
    await page.click('[data-test=save-draft]');
    expect(await b.waitText('[data-test=error-prizes-0-probability]', (t) => t.length > 0)).toContain('0 到 100');
    expect(await page.$('[data-field="prizes.0.probability"].invalid')).not.toBeNull();
    await b.shoot('campaign-form-error');
    await b.fill('input[name="prizes.0.probability"]', '100');
    await page.click('[data-test=save-draft]');
    expect(await b.waitText('[data-test=error-prizes]', (t) => t.length > 0)).toContain('100%');
    // the second row becomes a cash prize: amount and budget in yuan
    await page.select('select[name="prizes.1.kind"]', 'cash');
    await b.fill('input[name="prizes.1.name"]', '红包');
    await b.fill('input[name="prizes.1.probability"]', '0');
    await b.fill('input[name="prizes.1.amount"]', '1');
    await b.fill('input[name="prizes.1.budget"]', '100');
    await b.fill('input[name="prizes.0.stock"]', '1');
    // limits, geofence and level boosts are fields
    await b.fill('input[name=userScansPerDay]', '20');
    await page.select('select[name=geofence]', 'flag');
    await b.fill('input[name=levelBoost]', '3:2, 5:5');
    await page.click('[data-test=save-draft]');
    expect(await b.waitText('[data-test=error-page-color]', (t) => t.length > 0)).toContain('颜色格式为 #RRGGBB');
    await b.fill('input[name=color]', '#1d6b3a');
    // what only the API can check (a prize id used twice) comes back next to its field too
    await b.fill('input[name="prizes.1.id"]', 'again');
    b.expectedHttpError = 400;
    await page.click('[data-test=save-draft]');
    // in the console's words, not the API's English
    expect(await b.waitText('[data-test=error-prizes-1-id]', (t) => t.length > 0)).toBe('编号 again 重复，每个奖品须有不同编号 The id again is used twice');
    await b.fill('input[name="prizes.1.id"]', 'coupon');
    // points per member level is a field; a factor only the API bounds comes back at the field, in Chinese
    await b.fill('input[name=pointsBoost]', '3:2000');
    await page.click('[data-test=save-draft]');
    expect(await b.waitText('[data-test=error-pointsBoost]', (t) => t.length > 0)).toBe('倍数须大于 0 且不超过 1000 A factor above 0, at most 1000');
    b.expectedHttpError = null;
    await b.fill('input[name=pointsBoost]', '3:1.5, 5:2');
    await page.click('[data-test=save-draft]');
    expect(await b.waitText('[data-test=campaign-name]', (t) => t.length > 0)).toBe(HOSTILE);
    expect(await b.waitText('[data-test=campaign-state]', (t) => t.length > 0)).toContain('draft');
    expect(await b.textOf('[data-test=done]')).toContain('草稿已保存');
    expect(await b.textOf('[data-test=budget-coupon]')).toBe('¥100.00');
    expect(await fx.client.scan({ code: fx.client.code(batchId, 499), user: 'u0' })).toMatchObject({ outcome: 'verified', campaignId: null });
    expect(await fx.client.get(`/v1/campaigns/${cid}`)).toMatchObject({ limits: { userScansPerDay: 20 }, geofence: 'flag', levelBoost: { '3': 2, '5': 5 }, pointsBoost: { '3': 1.5, '5': 2 } });
    // a draft can still be edited: the form comes back filled in (yuan, %, times in its zone)
    await page.click('[data-test=edit-draft]');
    await page.waitForSelector('input[name="prizes.1.budget"]');
    expect(await page.$eval('input[name="prizes.1.budget"]', (i) => (i as HTMLInputElement).value)).toBe('100');
    expect(await page.$eval('input[name="prizes.0.probability"]', (i) => (i as HTMLInputElement).value)).toBe('100');
    expect(await page.$eval('input[name=pointsBoost]', (i) => (i as HTMLInputElement).value)).toBe('3:1.5, 5:2');
    await b.fill('input[name="prizes.1.budget"]', '150');
    await page.click('[data-test=save-draft]');
    await b.waitText('[data-test=budget-coupon]', (t) => t === '¥150.00');
    expect((await fx.client.get<{ prizes: { budget: number }[] }>(`/v1/campaigns/${cid}`)).prizes[1]!.budget).toBe(15_000);
    await b.shoot('campaign-draft');
    await page.click('[data-test=publish]');
    await b.waitText('[data-test=campaign-state]', (t) => t.includes('live'));
    expect(await b.textOf('[data-test=done]')).toContain('已发布上线');

    // a scan through the API appears in the overview without reloading
    await b.goto('#/overview', '[data-test=today-scans]');
    const before = Number((await b.textOf('[data-test=today-scans]')).replace(/\D/g, ''));
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    expect((await fx.client.scan({ code: fx.client.code(batchId, 0), user: 'u1', shop: 's_1' })).outcome).toBe('won');
    await b.waitText('[data-test=today-scans]', (t) => Number(t.replace(/\D/g, '')) === before + 1);
    expect(navigations).toEqual([]);
    await b.waitText(`tr[data-campaign="${cid}"] [data-test=campaign-today-scans]`, (t) => t === '1');
    expect(await b.textOf('[data-test=budget-table]')).toContain(HOSTILE);
    await b.shoot('overview');

    // pause: a first scan is blocked/campaign_paused and consumes nothing; resume
    await b.goto(`#/campaigns/${cid}`, '[data-test=pause]');
    await page.click('[data-test=pause]');
    await b.waitText('[data-test=campaign-state]', (t) => t.includes('paused'));
    expect(await fx.client.scan({ code: fx.client.code(batchId, 1), user: 'u2' })).toMatchObject({ outcome: 'blocked', reason: 'campaign_paused' });
    await page.click('[data-test=resume]');
    await b.waitText('[data-test=campaign-state]', (t) => t.includes('live'));

    // top up: the stock shown rises; a budget typed in yuan adds that many yuan; the form resets and says what it did
    const stockBefore = Number(await b.textOf('[data-test=stock-again]'));
    await b.fill('input[name=addStock]', '5');
    await page.click('[data-test=top-up]');
    await b.waitText('[data-test=stock-again]', (t) => Number(t) === stockBefore + 5);
    expect(await page.$eval('input[name=addStock]', (i) => (i as HTMLInputElement).value)).toBe('');
    expect(await b.textOf('[data-test=done]')).toContain('追加 库存 5');
    await page.select('select[name=prize]', 'coupon');
    await b.fill('input[name=addBudget]', '100');
    await page.click('[data-test=top-up]');
    await b.waitText('[data-test=budget-coupon]', (t) => t === '¥250.00');
    // a later end picked in the campaign's zone (Asia/Shanghai), shown in it
    const later = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now() + 60 * 86_400_000);
    await b.fill('input[name=endsAt]', `${later}T20:30`);
    await page.click('[data-test=extend]');
    await b.waitText('[data-test=campaign-ends]', (t) => t === `${later} 20:30`);
    expect((await fx.client.get(`/v1/campaigns/${cid}`)).endsAt).toBe(`${later}T20:30:00+08:00`);
    await page.waitForFunction(() => (document.querySelector('[data-test=board-shop]')?.textContent ?? '').includes('s_1'));
    await b.shoot('campaign-detail');
    await b.goto('#/campaigns', '[data-test=campaign-link]');
    expect(await b.textOf('[data-test=campaign-list]')).toContain(HOSTILE);
    expect(await b.textOf('[data-test=campaign-list]')).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    await b.shoot('campaigns');

    // batches: create through the form, void after the confirmation, export with progress
    await b.goto('#/batches', '[data-test=batch-form]');
    await b.fill('input[name=sku]', `${sku}-b`);
    await b.fill('input[name=size]', '300');
    await page.click('[data-test=create-batch]');
    await page.waitForFunction((s) => (document.querySelector('[data-test=batch-list]')?.textContent ?? '').includes(s), {}, `${sku}-b`);
    const row = `tr[data-batch="${batchId}"]`;
    await page.click(`${row} [data-test=export]`);
    await b.waitText(`${row} [data-test=export-progress]`, () => true);
    await page.waitForFunction((r) => (document.querySelector(`${r} [data-test=export-progress]`) as HTMLProgressElement | null)?.value === 100, {}, row);
    const codes = (await b.downloaded(`batch-${batchId}`)).trim().split('\n');
    expect(codes).toHaveLength(501);
    expect(codes[0]).toBe('serial,code,url');
    await page.click(`${row} [data-test=void]`);
    await b.waitText(`${row} [data-test=batch-status]`, (t) => t.includes('void'));
    // the action says what it did
    expect(await b.textOf('[data-test=batch-action-done]')).toContain(`批次 #${batchId}`);
    expect((await fx.client.get<Batch>(`/v1/batches/${batchId}`)).status).toBe('void');
    // a box batch linked to its item batch, units per box
    await page.select('select[name=kind]', 'box');
    await b.fill('input[name=sku]', `${sku}-box`);
    await b.fill('input[name=size]', '10');
    await page.waitForSelector(`select[name=itemBatch] option[value="${batchId}"]`);
    await page.select('select[name=itemBatch]', String(batchId));
    await b.fill('input[name=perBox]', '24');
    await page.click('[data-test=create-batch]');
    expect(await b.waitText('[data-test=batch-done]', (t) => t.includes(`${sku}-box`))).toContain('批次已创建');
    const boxBatch = (await batches()).find((x) => x.sku === `${sku}-box`);
    expect(boxBatch?.contains).toEqual({ batchId, perBox: 24 });
    await page.waitForFunction(() => (document.querySelector('[data-test=batch-list]')?.textContent ?? '').includes('× 24'));
    // times in the operator's zone, never raw ISO text
    expect(await b.textOf('[data-test=batch-list]')).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    await b.shoot('batches');

    // reports: the table and the per-day chart; the CSV's totals equal /stats
    type Stats = { scans: number; diverted: number; outcomes: { won: number; lost?: number; verified?: number }; prizes: { again: { won: number } } };
    const stats = await fx.client.get<Stats>(`/v1/campaigns/${cid}/stats`);
    for (const until = Date.now() + 10_000; Date.now() < until; ) {
      if ((await fx.client.get<{ totals: { scans: number } }>(`/v1/reports/scans?campaign=${cid}`)).totals.scans === stats.scans) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await b.goto('#/reports', '[data-test=report-form]');
    await page.waitForSelector(`select[name=campaign] option[value="${cid}"]`);
    await page.select('select[name=campaign]', cid);
    await page.click('[data-test=run-report]');
    await page.waitForSelector('[data-test=day-chart] canvas');
    // one day of data: the axis spans that day, not years around it
    expect(await xSpan('day-chart')).toBeLessThanOrEqual(2 * 86_400);
    expect(await b.waitText('[data-test=total-scans]', (t) => t !== '')).toBe(String(stats.scans));
    await page.click('[data-test=download-csv]');
    const csv = (await b.downloaded(`scans-${cid}`)).trim().split('\n');
    expect(csv[0]).toBe('day,scans,firstScans,won,spend_fen,diverted');
    const totals = csv.slice(1).map((l) => l.split(',').map(Number)).reduce((a, r) => a.map((x, i) => x + (r[i] ?? 0)), [0, 0, 0, 0, 0, 0]);
    expect(totals.slice(1)).toEqual([stats.scans, stats.outcomes.won + (stats.outcomes.lost ?? 0) + (stats.outcomes.verified ?? 0), stats.outcomes.won, 0, stats.diverted]);
    await b.shoot('reports');

    // the brand's reports: winners (with a CSV export), by prize, by hour, the change log
    await page.click('[data-test=report-winners]');
    await page.click('[data-test=run-report]');
    await page.waitForFunction((h) => (document.querySelector('[data-test=winner-list]')?.textContent ?? '').includes(h), {}, HOSTILE);
    await page.click('[data-test=export-winners]');
    const winnersCsv = (await b.downloaded(`winners-${cid}`)).replace(/^\uFEFF/, '').trim().split('\n');
    expect(winnersCsv[0]).toContain('cash_yuan');
    expect(winnersCsv).toHaveLength(1 + stats.outcomes.won);
    await b.shoot('reports-winners');
    await page.click('[data-test=report-prizes]');
    await page.click('[data-test=run-report]');
    expect(await b.waitText('[data-test=prize-won-again]', (t) => t !== '')).toBe(String(stats.prizes.again.won));
    await page.click('[data-test=report-hours]');
    await page.click('[data-test=run-report]');
    await page.waitForSelector('[data-test=hour-chart] canvas');
    // one hour of data: the axis spans about that hour, not days or years around it
    expect(await xSpan('hour-chart')).toBeLessThanOrEqual(2 * 3_600);
    await b.shoot('reports-hours');
    await page.click('[data-test=report-places]');
    await page.click('[data-test=run-report]');
    // the journey's scans carried no position: they are counted as such
    expect(await b.waitText('[data-test=place-report]', (t) => t.includes('未定位'))).toContain('未定位');
    await b.shoot('reports-places');
    await page.click('[data-test=report-changes]');
    await page.click('[data-test=run-report]');
    // every change names the key that made it: the staff member's, shown as text
    await b.waitText('[data-test=change-log]', (t) => t.includes('发布上线'));
    const changes = await page.$$eval('[data-test=change-log] tbody tr', (rows) => rows.map((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.textContent ?? '')));
    expect(changes.every(([, who]) => who === STAFF), JSON.stringify(changes)).toBe(true);
    // oldest last: created as a draft, its edit (only the budget changed), published, paused, ...
    expect(changes.slice(-4).map(([, , , what]) => what)).toEqual(['暂停 paused', '发布上线 published', '修改 edited: prizes', '创建草稿 created as draft']);
    await b.shoot('reports-changes');

    // dead letters: the rejected event is listed; once the DCRM takes it, a replay delivers it
    const formBatch = (await batches()).find((x) => x.sku === `${sku}-b`);
    poison = (await fx.client.scan({ code: fx.client.code(formBatch!.batchId, 0), user: 'poison_user' })).eventId;
    for (const until = Date.now() + 30_000; Date.now() < until; ) {
      if ((await fx.client.get<{ counts: { dead?: number } }>('/v1/dcrm/dead-letters')).counts.dead === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await b.goto('#/dead-letters', '[data-test=dead-letter-list]');
    const dlRow = `tr[data-dead-letter="${poison}"]`;
    await page.waitForSelector(`${dlRow} [data-test=replay]`, { timeout: 15_000 });
    await b.shoot('operations');
    acceptPoison = true;
    await page.click(`${dlRow} [data-test=replay]`);
    expect(await b.waitText('[data-test=replay-done]', (t) => t !== '')).toContain('已重新排队投递 1 条');
    await b.waitText(`${dlRow} [data-test=dead-letter-state]`, (t) => t.includes('delivered'), 20_000);
    expect(fx.receiver.acceptedIds()).toContain(poison);

    // hostile names were rendered as text everywhere: nothing ran, no element was made of them
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(b.pageErrors).toEqual([]);
    expect(b.consoleErrors).toEqual([]);
    for (const f of ['signin', 'overview', 'campaigns', 'campaign-detail', 'campaign-form-error', 'campaign-draft', 'batches', 'reports', 'reports-winners', 'reports-hours', 'reports-places', 'reports-changes', 'operations']) {
      for (const s of CONSOLE_SIZES) expect(existsSync(join(SHOTS, `${f}-${s.name}.png`))).toBe(true);
    }
  });
});
