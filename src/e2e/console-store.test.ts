// The console's store pages in Chromium, as a brand's manager uses them: register a shop (a field error
// first), see its scene code as a QR code and download its SVG and PNG; then, after check-ins, draws and
// reveals in the shop, the store report: check-ins per shop and day, chances granted and spent, tickets
// issued and revealed, sets completed beside the set prize's stock, and the audit's store rows. And the
// API's 409s (a shop id or campaign id taken, a scope overlapping a live campaign, an item batch packed
// already) are said in the console's words, never as the API's raw reason. Hostile names stay text; the
// strict CSP holds; nothing logs an error. Screenshots at 1280x800 and 390x844 go to screenshots/console/.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.js';
import { useEngine } from '../testing/engine-fixture.js';
import { uniqueSku, liveCampaign } from '../testing/fixtures.js';
import { CHROMIUM } from '../testing/headless-chromium.js';
import { ConsoleBrowser } from '../testing/console-browser.js';
import type { StoreReport } from '../reports/store-report.js';

const HOSTILE = '天河旗舰店 <img src=x onerror="window.__pwned=1">';
const fx = useEngine();
let b: ConsoleBrowser;

beforeAll(async () => {
  if (CHROMIUM) b = await ConsoleBrowser.launch(join(PROJECT_ROOT, 'screenshots', 'console'));
});
afterAll(async () => {
  await b?.close();
});

const today = (): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now());

describe.skipIf(!CHROMIUM)('the console\'s store pages in Chromium', () => {
  it('registers a shop with its scene code, and reports check-ins, chances, tickets, sets and the audit\'s store rows', async () => {
    const staff = await fx.client.createKey('admin', '李娜 门店运营');
    await b.signIn(fx.engine.url, staff.key);
    const page = b.page;

    // register a shop: the console's own check first, then the API's 409 for a taken id, at the field
    const shopId = `tianhe_${uniqueSku().slice(-6)}`;
    await b.goto('#/shops', '[data-test=shop-form]');
    await b.fill('input[name=id]', shopId);
    await b.fill('input[name=name]', HOSTILE);
    await b.fill('input[name=lat]', '23.13');
    await page.click('[data-test=create-shop]');
    expect(await b.waitText('[data-test=shop-error-lng]', (t) => t !== '')).toBe('经纬度需同时填写 Give both latitude and longitude');
    await b.fill('input[name=lng]', '113.26');
    await b.fill('input[name=region]', '广州 Guangzhou');
    await page.click('[data-test=create-shop]');
    expect(await b.waitText('[data-test=shop-done]', (t) => t !== '')).toContain(shopId);
    const shop = await fx.client.get<{ sceneCode: string; url: string; name: string }>(`/v1/shops/${shopId}`);
    expect(shop.name).toBe(HOSTILE);
    const row = `tr[data-shop="${shopId}"]`;
    await page.waitForSelector(row);
    expect(await b.textOf(`${row} [data-test=shop-name]`)).toBe(HOSTILE);
    expect(await b.textOf(`${row} [data-test=scene-url]`)).toBe(shop.url);
    // the QR code, fetched behind the credential and shown from a blob: URL, has loaded
    await page.waitForFunction((r) => {
      const img = document.querySelector(`${r} [data-test=scene-qr]`) as HTMLImageElement | null;
      return img !== null && img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:');
    }, {}, row);
    await page.click(`${row} [data-test=download-svg]`);
    expect(await b.downloaded(`scene-${shopId}.svg`)).toContain('<svg');
    await page.click(`${row} [data-test=download-png]`);
    expect((await b.downloadedBytes(`scene-${shopId}.png`)).subarray(0, 4).toString('hex')).toBe('89504e47');
    await b.shoot('shops');
    b.expectedHttpError = 409;
    await b.fill('input[name=id]', shopId);
    await b.fill('input[name=name]', 'again');
    await page.click('[data-test=create-shop]');
    expect(await b.waitText('[data-test=shop-error-id]', (t) => t !== '')).toBe(`门店编号 ${shopId} 已存在，请换一个 A shop ${shopId} exists already`);
    b.expectedHttpError = null;
    await b.shoot('shops-error');

    // a campaign drawn online and revealed in the shop (线上抽奖,线下开奖), collecting a set (集卡), with check-ins
    const { campaignId: cid } = await fx.client.batchWithLiveCampaign(
      [
        { id: 'rat', name: '鼠卡', kind: 'card', set: 'zodiac', probability: 0.5 },
        { id: 'ox', name: '牛卡', kind: 'card', set: 'zodiac', probability: 0.5 },
      ],
      { size: 10, extra: { reveal: 'in_shop', checkin: { chances: 1 }, sets: [{ id: 'zodiac', prize: { id: 'box', name: `生肖礼盒 ${HOSTILE}`, kind: 'gift', stock: 1 } }] } },
    );
    expect((await fx.client.checkIn({ sceneCode: shop.sceneCode, user: 'walk_in', campaignId: cid })).status).toBe(201);
    expect((await fx.client.grantChances(cid, { user: 'buyer', count: 4, reason: '拼团成功', idempotencyKey: 'group-1' })).status).toBe(200);
    const till = await fx.client.shopKey(shopId);
    for (let i = 0; i < 4; i++) {
      const ticket = (await fx.client.draw(cid, 'buyer')).body.ticket.code as string;
      expect((await fx.client.revealTicket(ticket, till)).status).toBe(200);
    }
    let api: StoreReport;
    for (const until = Date.now() + 15_000; ; ) {
      api = await fx.client.get<StoreReport>(`/v1/reports/store?campaign=${cid}`);
      if (api.totals.ticketsRevealed === 4 || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(api.totals).toMatchObject({ checkins: 1, chancesGranted: 5, chancesSpent: 4, ticketsIssued: 4, ticketsRevealed: 4 });

    await b.goto('#/reports', '[data-test=report-form]');
    await page.waitForSelector(`select[name=campaign] option[value="${cid}"]`);
    await page.select('select[name=campaign]', cid);
    await page.click('[data-test=report-store]');
    await page.click('[data-test=run-report]');
    await page.waitForSelector('[data-test=store-report]', { timeout: 20_000 });
    const cards = Object.fromEntries(await Promise.all(['checkins', 'granted', 'spent', 'left', 'issued', 'revealed', 'sets'].map(async (k) => [k, await b.textOf(`[data-test=store-${k}]`)])));
    expect(cards).toEqual({ checkins: '1', granted: '5', spent: '4', left: '1', issued: '4', revealed: '4', sets: String(api.totals.setsCompleted) });
    expect(await b.textOf('[data-test=store-granted-by]')).toContain('打卡 1 · 满N次扫码 0 · 拼团/支付等 4');
    // the days it covers, in the campaign's zone: from its first day to today
    expect(await b.textOf('[data-test=store-range]')).toContain(`${api.from} → ${today()} (Asia/Shanghai)`);
    // per shop and day: the shop's name as text, its check-in and the tickets revealed there
    const shopRow = `[data-test=store-shops] tr[data-shop="${shopId}"][data-day="${today()}"]`;
    expect(await b.textOf(`${shopRow} [data-test=store-shop-name]`)).toBe(HOSTILE);
    expect([await b.textOf(`${shopRow} [data-test=shop-checkins]`), await b.textOf(`${shopRow} [data-test=shop-revealed]`)]).toEqual(['1', '4']);
    // the export: one line per shop and day, the day named in the campaign's zone
    await page.click('[data-test=export-store]');
    const csv = (await b.downloaded(`store-${cid}`)).replace(/^\uFEFF/, '').trim().split('\n');
    expect(csv).toEqual(['day(Asia/Shanghai),shop,checkins,tickets_revealed,draws_won', `${today()},${shopId},1,4,4`]);
    // the set beside its prize's stock: won never beyond it
    expect(await b.textOf('[data-test=set-table] tr[data-set=zodiac] [data-test=set-completed]')).toBe(String(api.sets[0]!.completed));
    expect(await b.textOf('[data-test=set-table] tr[data-set=zodiac] [data-test=set-won]')).toBe(String(Math.min(1, api.sets[0]!.completed)));
    expect(await b.textOf('[data-test=set-table]')).toContain(HOSTILE);
    // one day of check-ins: the chart's axis spans that day
    await page.waitForSelector('[data-test=checkin-chart][data-x-max]');
    expect(await page.$eval('[data-test=checkin-chart]', (e) => Number((e as HTMLElement).dataset.xMax) - Number((e as HTMLElement).dataset.xMin))).toBeLessThanOrEqual(2 * 86_400);
    // the audit's store rows, each in the console's words and each consistent
    const audit = await page.$$eval('[data-test=store-audit] tbody tr', (rows) => rows.map((r) => [r.getAttribute('data-check'), r.querySelector('[data-test=audit-ok]')?.textContent ?? '']));
    expect(new Set(audit.map(([check]) => check))).toEqual(new Set(['chances', 'tickets', 'checkins', 'stock']));
    expect(audit.every(([, ok]) => ok === '✓ 一致 OK'), JSON.stringify(audit)).toBe(true);
    await b.shoot('reports-store');

    // the winner list names a card's state in the console's words: in the buyer's set (集卡), not a raw state
    await page.click('[data-test=report-winners]');
    await page.click('[data-test=run-report]');
    await page.waitForSelector('[data-test=winner-list] tbody tr[data-prize]', { timeout: 20_000 });
    const cardStates = await page.$$eval('[data-test=winner-list] tr[data-prize=rat] [data-test=win-state], [data-test=winner-list] tr[data-prize=ox] [data-test=win-state]', (tds) => tds.map((td) => td.textContent));
    expect(cardStates).toHaveLength(4);
    expect(new Set(cardStates)).toEqual(new Set(['已集卡 collected']));

    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(b.pageErrors).toEqual([]);
    expect(b.consoleErrors).toEqual([]);
  });

  it('says the API\'s 409s in its own words: a campaign id taken, a scope overlapping a live campaign, an item batch packed already', async () => {
    const page = b.page;
    const sku = uniqueSku();
    const live = `live-${sku}`;
    await fx.client.createBatch({ sku, size: 10 });
    await fx.client.createLiveCampaign(live, sku, []);
    b.expectedHttpError = 409;

    // the campaign form: the id of an existing campaign, at its field
    await b.goto('#/campaigns', '[data-test=campaign-form]');
    await page.click('[data-test=template-points]');
    await b.fill('input[name=id]', live);
    await b.fill('input[name=skus]', `${sku}-other`);
    await page.click('[data-test=save-draft]');
    expect(await b.waitText('[data-test=error-id]', (t) => t !== '')).toBe(`活动编号 ${live} 已存在，请换一个 A campaign ${live} exists already`);

    // publishing a draft over the live campaign's codes: refused, said on the detail page
    const draft = `draft-${sku}`;
    await fx.client.createCampaign({ ...liveCampaign(draft, sku, []), state: 'draft' });
    await b.goto(`#/campaigns/${draft}`, '[data-test=publish]');
    await page.click('[data-test=publish]');
    expect(await b.waitText('[data-test=error]', (t) => t !== '')).toBe(`与进行中的活动 ${live} 覆盖的码重叠 Overlaps the live campaign ${live}`);
    expect(await b.textOf('[data-test=campaign-state]')).toContain('draft');

    // a box batch of an item batch that another box batch holds already
    const items = await fx.client.createBatch({ size: 48 });
    const box = await fx.client.createBatch({ size: 2, kind: 'box', contains: { batchId: items.batchId, perBox: 24 } });
    await b.goto('#/batches', '[data-test=batch-form]');
    await page.select('select[name=kind]', 'box');
    await b.fill('input[name=sku]', `${sku}-box`);
    await b.fill('input[name=size]', '2');
    await page.waitForSelector(`select[name=itemBatch] option[value="${items.batchId}"]`);
    await page.select('select[name=itemBatch]', String(items.batchId));
    await page.click('[data-test=create-batch]');
    expect(await b.waitText('[data-test=batch-form] [data-test=error]', (t) => t !== '')).toBe(`批次 #${items.batchId} 已装入箱码批次 #${box.batchId} Batch #${items.batchId} is packed in box batch #${box.batchId} already`);
    b.expectedHttpError = null;
    await b.shoot('batches-conflict');
    expect(b.pageErrors).toEqual([]);
    expect(b.consoleErrors).toEqual([]);
  });

  it('sets a campaign\'s store rules in the form (check-ins, 满N次, revealed in the shop), fills them back on edit, and switches one off', async () => {
    const page = b.page;
    const sku = uniqueSku();
    const cid = `rules-${sku}`;
    await fx.client.createBatch({ sku, size: 10 });
    await b.goto('#/campaigns', '[data-test=campaign-form]');
    await page.click('[data-test=template-points]');
    await b.fill('input[name=id]', cid);
    await b.fill('input[name=skus]', sku);
    await page.select('select[name=checkin]', 'required');
    await b.fill('input[name=checkinPoints]', '10');
    await b.fill('input[name=checkinChances]', 'x');
    await b.fill('input[name=perScans]', '3');
    await page.select('select[name=reveal]', 'in_shop');
    await page.click('[data-test=save-draft]');
    expect(await b.waitText('[data-test=error-checkin-chances]', (t) => t !== '')).toBe('请填写整数 A whole number');
    await b.fill('input[name=checkinChances]', '1');
    await page.click('[data-test=save-draft]');
    await b.waitText('[data-test=campaign-state]', (t) => t.includes('draft'));
    expect(await fx.client.get(`/v1/campaigns/${cid}`)).toMatchObject({ checkin: { position: 'required', points: 10, chances: 1 }, chances: { perScans: 3 }, reveal: 'in_shop' });
    // the detail page says the rules in words
    expect(await b.textOf('[data-test=store-rules]')).toBe('门店玩法 Store rules: 门店打卡（须在门店范围内）送 10 积分、1 次抽奖 Check-ins (within the shop) grant 10 points, 1 draws · 满 3 次扫码送一次抽奖 A draw every 3 first scans · 线上抽奖，线下开奖 Drawn online, revealed in the shop');
    await b.shoot('campaign-store-rules');

    // the draft's form comes back with the rules; check-ins switched off are gone after the save
    await page.click('[data-test=edit-draft]');
    await page.waitForSelector('select[name=checkin]');
    expect(await page.$eval('select[name=checkin]', (e) => (e as HTMLSelectElement).value)).toBe('required');
    expect(await page.$eval('input[name=perScans]', (e) => (e as HTMLInputElement).value)).toBe('3');
    expect(await page.$eval('select[name=reveal]', (e) => (e as HTMLSelectElement).value)).toBe('in_shop');
    await page.select('select[name=checkin]', 'off');
    await page.click('[data-test=save-draft]');
    // saved: the edit form closes (the flash of the first save is still shown, so it cannot tell)
    await page.waitForSelector('[data-test=campaign-form]', { hidden: true });
    const saved = await fx.client.get(`/v1/campaigns/${cid}`);
    expect(saved.checkin).toBeUndefined();
    expect(saved).toMatchObject({ chances: { perScans: 3 }, reveal: 'in_shop' });

    // the shop check-in draw template (门店打卡抽奖) starts from the rules; another template clears them
    await b.goto('#/campaigns', '[data-test=campaign-form]');
    await page.click('[data-test=template-store-draw]');
    // a field the form does not show reads as "(none)": the assertion below says which rule is missing
    const value = (sel: string): Promise<string> => page.evaluate((s) => (document.querySelector(s) as HTMLInputElement | null)?.value ?? '(none)', sel);
    expect([await value('select[name=checkin]'), await value('input[name=checkinChances]'), await value('select[name=reveal]'), await value('select[name=animation]'), await value('input[name="prizes.0.perDay"]')]).toEqual(['required', '1', 'in_shop', 'wheel', '1']);
    await page.click('[data-test=template-points]');
    expect([await value('select[name=checkin]'), await value('select[name=reveal]')]).toEqual(['off', 'instant']);
    expect(b.pageErrors).toEqual([]);
    expect(b.consoleErrors).toEqual([]);
  });

  it('edits a draft that collects a set (集卡): its cards keep their set, the set\'s prize is no row to draw', async () => {
    const page = b.page;
    const sku = uniqueSku();
    const cid = `cards-${sku}`;
    await fx.client.createBatch({ sku, size: 10 });
    await fx.client.createCampaign({
      ...liveCampaign(cid, sku, [
        { id: 'rat', name: '鼠卡', kind: 'card', set: 'zodiac', probability: 0.5 },
        { id: 'ox', name: '牛卡', kind: 'card', set: 'zodiac', probability: 0.5 },
      ]),
      state: 'draft',
      sets: [{ id: 'zodiac', prize: { id: 'box', name: '生肖礼盒', kind: 'gift', stock: 3 } }],
    });
    await b.goto(`#/campaigns/${cid}`, '[data-test=edit-draft]');
    await page.click('[data-test=edit-draft]');
    await page.waitForSelector('input[name="prizes.1.name"]');
    expect(await page.$('input[name="prizes.2.name"]')).toBeNull();
    await b.fill('input[name="prizes.0.name"]', '金鼠卡');
    await page.click('[data-test=save-draft]');
    await page.waitForSelector('[data-test=campaign-form]', { hidden: true });
    const saved = await fx.client.get<{ prizes: { id: string; name: string; set?: string }[]; sets: unknown[] }>(`/v1/campaigns/${cid}`);
    // the answer lists the set's prize among the prizes (with its live stock), once
    expect(saved.prizes.map((p) => [p.id, p.name, p.set ?? null])).toEqual([['rat', '金鼠卡', 'zodiac'], ['ox', '牛卡', 'zodiac'], ['box', '生肖礼盒', null]]);
    expect(saved.sets).toMatchObject([{ id: 'zodiac', prize: { id: 'box', stock: 3 } }]);
    expect(b.pageErrors).toEqual([]);
    expect(b.consoleErrors).toEqual([]);
  });
});
