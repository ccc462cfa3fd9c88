// The check-in page as a shopper meets it, in real Chromium at 390x844: scanning the shop's scene code
// checks in (once a day), shows the draw chances it granted, the wheel turns and stops on the server's
// result; the shop's name is shown as text; the strict CSP holds and nothing logs an error. A forged
// scene code gets the 404 page. /me shows the set progress (集卡).  Screenshots go to screenshots/store-page/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.js';
import { useEngine } from '../testing/engine-fixture.js';
import { CHROMIUM } from '../testing/headless-chromium.js';

const SHOTS = join(PROJECT_ROOT, 'screenshots', 'store-page');
const HOSTILE = '<img src=x onerror="window.__pwned=1">天河店';
const fx = useEngine();
let browser: Browser;
const problems: string[] = [];
let sceneCode = '';

beforeAll(async () => {
  await fx.client.batchWithLiveCampaign([{ id: 'cup', name: '定制保温杯', kind: 'gift', probability: 1, stock: 1 }], { extra: { checkin: { chances: 2 } } });
  sceneCode = (await fx.engine.api('POST', '/v1/shops', { id: 'page_shop', name: HOSTILE })).body.sceneCode as string;
  if (!CHROMIUM) return;
  mkdirSync(SHOTS, { recursive: true });
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
});

afterAll(async () => {
  await browser?.close();
});

async function open(url: string, lang = 'zh-CN,zh;q=0.9'): Promise<Page> {
  const ctx = await browser.createBrowserContext();
  const page = await ctx.newPage();
  await page.setViewport({ width: 390, height: 844 });
  await page.setExtraHTTPHeaders({ 'accept-language': lang });
  page.on('pageerror', (e) => problems.push(`pageerror ${String(e)}`));
  page.on('console', (m) => {
    // a second check-in the same day is answered 409 on purpose: Chromium logs that status as an error
    if (m.type() === 'error' && !(m.location().url ?? '').includes('/s/000') && !/status of 409/.test(m.text())) problems.push(`console ${m.text()}`);
  });
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP ${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  return page;
}

const text = (page: Page, sel: string): Promise<string> => page.$eval(sel, (e) => ((e as HTMLElement).hidden ? '' : (e.textContent ?? '')));

describe.skipIf(!CHROMIUM)('the check-in page', () => {
  it('checks in, shows the chances, and spins the wheel to the server\'s result', async () => {
    const page = await open(`${fx.engine.url}/s/${sceneCode}?user=shopper_1`);
    await page.waitForFunction(() => !/正在签到/.test(document.getElementById('verdict')?.textContent ?? '正在签到'), { timeout: 15_000 });
    expect(await text(page, '#verdict')).toContain('签到成功');
    expect(await text(page, '#shop-name')).toBe(HOSTILE);
    expect(await text(page, '#chances')).toBe('剩余抽奖机会：2');
    await page.screenshot({ path: join(SHOTS, 'checked-in-phone.png'), fullPage: true });
    await page.click('#draw');
    await page.waitForFunction(() => (document.getElementById('draw-result')?.getAttribute('data-outcome') ?? '') !== '', { timeout: 15_000 });
    expect(await text(page, '#draw-result')).toContain('恭喜您获得：定制保温杯');
    expect(await text(page, '#chances')).toBe('剩余抽奖机会：1');
    await page.screenshot({ path: join(SHOTS, 'won-phone.png'), fullPage: true });
    // the one cup is gone: the second draw loses
    await page.click('#draw');
    await page.waitForFunction(() => document.getElementById('draw-result')?.getAttribute('data-outcome') === 'lost', { timeout: 15_000 });
    expect(await text(page, '#draw-result')).toContain('谢谢参与');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // 集卡 on /me: a set of one card, completed by a draw
    const sets = await fx.client.batchWithLiveCampaign([{ id: 'longjing', name: '龙井卡', kind: 'card', set: 'tea', probability: 1 }], { extra: { sets: [{ id: 'tea', prize: { id: 'tea-box', name: '名茶礼盒', kind: 'gift', stock: 5 } }] } });
    await fx.engine.api('POST', `/v1/campaigns/${sets.campaignId}/chances`, { user: 'shopper_1', count: 1, reason: '拼团成功', idempotencyKey: 'group-1' });
    expect((await fx.engine.api('POST', '/v1/draws', { campaignId: sets.campaignId, user: 'shopper_1' })).body.set).toMatchObject({ id: 'tea', completed: 1, prize: { id: 'tea-box' } });
    await page.goto(`${fx.engine.url}/me`);
    const progress = await text(page, '#sets');
    expect(progress).toContain('龙井卡 ×1');
    expect(progress).toContain('已集齐 1 套');
    expect(progress).toContain('名茶礼盒');
    await page.screenshot({ path: join(SHOTS, 'me-sets-phone.png'), fullPage: true });

    // the same day again: already checked in (in English for a phone that asks for it)
    const again = await open(`${fx.engine.url}/s/${sceneCode}?user=shopper_1`, 'en-US,en;q=0.9');
    await again.waitForFunction(() => !/Checking in/.test(document.getElementById('verdict')?.textContent ?? 'Checking in'), { timeout: 15_000 });
    expect(await text(again, '#verdict')).toContain('checked in at this shop today already');
    expect((await fx.engine.api('GET', '/v1/members/shopper_1')).body.chances).toEqual({});
    expect(problems).toEqual([]);
  });

  it('answers a forged scene code with the 404 page', async () => {
    const r = await fetch(`${fx.engine.url}/s/000000000000000000000000`);
    expect(r.status).toBe(404);
    expect(await r.text()).toContain('无效的门店码');
  });
});
