// The store's pages as a shopper meets them, in real Chromium at 390x844 (screenshots also at 1280x800),
// in the style of the scan page: the campaign's brand, theme and reveal animation.
// - the check-in page (/s/{sceneCode}): checks in once a day, shows the chances it granted, and the
//   wheel comes to rest on the prize the server drew;
// - the draw page (/draw/{campaignId}): spends chances granted elsewhere (拼团成功); a set's prize is no
//   segment of the wheel, and the draw that completes the set says so; with reduced motion no animation;
// - the ticket page (/t/{ticket}): a sealed ticket's QR code, and the reveal in the shop uncovered on the
//   buyer's phone;
// - /me: the set progress (集卡).
// Hostile names (shop, brand, prize) are shown as text, the strict CSP holds, nothing logs an error,
// Chinese first and English by Accept-Language. Screenshots go to screenshots/store-page/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.js';
import { useEngine } from '../testing/engine-fixture.js';
import { CHROMIUM } from '../testing/headless-chromium.js';
import { expectFitsAndSafe, labelUnderPointer, phonePage, shootBothSizes, wasCovered, wheelSegments } from '../testing/phone-page.js';
import type { CampaignSetup } from '../testing/test-client.js';

const SHOTS = join(PROJECT_ROOT, 'screenshots', 'store-page');
const HOSTILE_SHOP = '<img src=x onerror="window.__pwned=1">天河店';
const HOSTILE_BRAND = '<img src=x onerror="window.__pwned=2">好茶';
const HOSTILE_CARD = '<img src=x onerror="window.__pwned=3">龙井卡';
const HOSTILE_CAMPAIGN = '<img src=x onerror="window.__pwned=4">中秋打卡';
const HOSTILE_BRAND_2 = '<img src=x onerror="window.__pwned=5">好扇';
const PAGE = { brand: HOSTILE_BRAND, productName: '西湖龙井 250g', color: '#1d6b3a', hotline: '400-800-1234' };
const fx = useEngine();
let browser: Browser;
const problems: string[] = [];
/** addresses of pages a test opens to see them refused (400, 404) */
const refusedPages = new Set<string>();
let sceneCode = '';
let checkinCampaign: CampaignSetup;
let setCampaign: CampaignSetup;
let shopCampaign: CampaignSetup;
let inShopCampaignId = '';

beforeAll(async () => {
  // the one campaign that takes check-ins: the check-in page shows its look
  checkinCampaign = await fx.client.batchWithLiveCampaign([{ id: 'cup', name: '定制保温杯', kind: 'gift', probability: 1, stock: 1, claim: '到任一门店出示兑奖码领取' }], {
    extra: { checkin: { chances: 2 }, page: PAGE, theme: 'spring-festival', animation: 'wheel' },
  });
  const shop = await fx.client.registerShop({ id: 'page_shop', name: HOSTILE_SHOP });
  expect(shop.status).toBe(201);
  sceneCode = shop.body.sceneCode as string;
  // 集卡: a set of one card (a hostile name), completed by a draw; its prize is never drawn itself
  setCampaign = await fx.client.batchWithLiveCampaign([{ id: 'longjing', name: HOSTILE_CARD, kind: 'card', set: 'tea', probability: 1 }], {
    extra: { sets: [{ id: 'tea', prize: { id: 'tea-box', name: '名茶礼盒', kind: 'gift', stock: 5 } }], page: PAGE, theme: 'mid-autumn', animation: 'wheel' },
  });
  // 线上抽奖,线下开奖: a draw is a sealed ticket, decided when a shop reveals it
  shopCampaign = await fx.client.batchWithLiveCampaign([{ id: 'tv', name: '智能电视', kind: 'gift', probability: 1, stock: 3 }], {
    extra: { reveal: 'in_shop', page: PAGE, theme: 'store-anniversary', animation: 'red-packet' },
  });
  if (!CHROMIUM) return;
  mkdirSync(SHOTS, { recursive: true });
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
});

afterAll(async () => {
  await browser?.close();
});

async function open(url: string, opts: { lang?: string; reduced?: boolean } = {}): Promise<Page> {
  const page = await phonePage(await browser.createBrowserContext(), {
    ...opts,
    problems,
    // a second check-in the same day is answered 409 on purpose, and a page of a refused address 400 or
    // 404: Chromium logs those statuses as errors
    expected: (text, at) => /status of 409/.test(text) || refusedPages.has(at),
  });
  await page.goto(url);
  return page;
}

const text = (page: Page, sel: string): Promise<string> => page.$eval(sel, (e) => ((e as HTMLElement).hidden ? '' : (e.textContent ?? '')));
const clean = (page: Page): Promise<void> => expectFitsAndSafe(page);
const shoot = (page: Page, name: string): Promise<void> => shootBothSizes(page, SHOTS, name);

/** spins the draw card's wheel: the segments, the label under the pointer (measured on screen), where it rested */
async function spin(page: Page): Promise<{ segments: string[]; under: string; stop: string }> {
  await page.click('#draw');
  await page.waitForSelector('#cover.cover-wheel #wheel', { timeout: 10_000 });
  const segments = await wheelSegments(page);
  await page.waitForSelector('#stage[data-wheel-stop]', { timeout: 10_000 });
  const under = await labelUnderPointer(page);
  const stop = await page.$eval('#stage', (e) => e.getAttribute('data-wheel-stop') ?? '');
  await page.waitForFunction(() => document.getElementById('draw-result')?.hasAttribute('data-outcome') && document.getElementById('cover') === null, { timeout: 10_000 });
  return { segments, under, stop };
}

describe.skipIf(!CHROMIUM)('the store\'s pages in Chromium', () => {
  it('the check-in page: the brand and theme, the chances granted, the wheel stops on the server\'s prize, then on thanks; once a day', async () => {
    const page = await open(`${fx.engine.url}/s/${sceneCode}?user=shopper_1`);
    await page.waitForFunction(() => !/正在签到/.test(document.getElementById('verdict')?.textContent ?? '正在签到'), { timeout: 15_000 });
    expect(await text(page, '#verdict')).toBe('签到成功获得 2 次抽奖机会。');
    expect(await text(page, '#shop-name')).toBe(HOSTILE_SHOP);
    expect(await text(page, '#brand-name')).toBe(HOSTILE_BRAND);
    expect(await text(page, '#product')).toBe('西湖龙井 250g');
    expect(await text(page, '#hotline')).toBe('400-800-1234');
    expect(await page.$eval('body', (b) => b.className)).toBe('theme-spring-festival');
    expect(await page.evaluate(() => document.documentElement.style.getPropertyValue('--brand'))).toBe('#1d6b3a');
    expect(await page.$eval('html', (h) => h.lang)).toBe('zh-CN');
    expect(await text(page, '#chances')).toBe('剩余抽奖机会：2');
    await shoot(page, 'checked-in');

    const won = await spin(page);
    expect(won.segments).toContain('定制保温杯');
    expect(won.segments).toContain('谢谢参与');
    expect(won.under).toBe('定制保温杯');
    expect(won.stop).toBe('cup');
    expect(await page.$eval('#draw-result', (e) => e.getAttribute('data-outcome'))).toBe('won');
    expect(await text(page, '#prize-name')).toBe('定制保温杯');
    expect(await text(page, '#draw-result')).toContain('到任一门店出示兑奖码领取');
    expect(await page.$eval('#open-voucher', (a) => (a as HTMLAnchorElement).href)).toMatch(/\/v\/[0-9A-Z]{20}$/);
    expect(await page.$eval('#draw-result img.qr', (i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(await text(page, '#chances')).toBe('剩余抽奖机会：1');
    await shoot(page, 'checkin-won');

    // the one cup is gone: the second draw loses, and the wheel rests on thanks
    const lost = await spin(page);
    expect(lost.under).toBe('谢谢参与');
    expect(lost.stop).toBe('');
    expect(await page.$eval('#draw-result', (e) => e.getAttribute('data-outcome'))).toBe('lost');
    expect(await text(page, '#draw-result')).toContain('谢谢参与');
    expect(await text(page, '#chances')).toBe('剩余抽奖机会：0');
    expect(await page.$eval('#draw', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    expect(await text(page, '#no-chances')).toContain('到店签到');
    await clean(page);

    // the same day again: already checked in, in English for a phone that asks for it
    const again = await open(`${fx.engine.url}/s/${sceneCode}?user=shopper_1`, { lang: 'en-US,en;q=0.9' });
    await again.waitForFunction(() => !/Checking in/.test(document.getElementById('verdict')?.textContent ?? 'Checking in'), { timeout: 15_000 });
    expect(await text(again, '#verdict')).toContain('checked in at this shop today already');
    expect(await again.$eval('html', (h) => h.lang)).toBe('en');
    // one language: no Chinese beyond the brand's and the shop's own names
    expect(await text(again, '#verdict')).not.toMatch(/[\u4e00-\u9fff]/);
    expect(await text(again, '#next')).not.toMatch(/[\u4e00-\u9fff]/);
    expect(await text(again, '#mine')).toBe('My prizes');
    await clean(again);
  });

  it('the draw page: chances granted elsewhere, the set\'s prize is no segment, the draw that completes the set says so; reduced motion shows the result at once', async () => {
    expect((await fx.client.grantChances(setCampaign.campaignId, { user: 'shopper_2', count: 1, reason: '拼团成功', idempotencyKey: 'group-2' })).status).toBe(200);
    const page = await open(`${fx.engine.url}/draw/${setCampaign.campaignId}?user=shopper_2`);
    expect(await text(page, '#chances')).toBe('剩余抽奖机会：1');
    expect(await text(page, '#brand-name')).toBe(HOSTILE_BRAND);
    expect(await page.$eval('body', (b) => b.className)).toBe('theme-mid-autumn');
    await shoot(page, 'draw-page');
    const drawn = await spin(page);
    expect(drawn.segments).toContain(HOSTILE_CARD);
    expect(drawn.segments).not.toContain('名茶礼盒');
    expect(drawn.under).toBe(HOSTILE_CARD);
    expect(drawn.stop).toBe('longjing');
    expect(await text(page, '#prize-name')).toBe(HOSTILE_CARD);
    expect(await text(page, '#set-done')).toBe('集齐一套！您还获得：名茶礼盒');
    await shoot(page, 'draw-set-done');
    await clean(page);

    // /me: the set progress (集卡)
    await page.goto(`${fx.engine.url}/me`);
    const progress = await text(page, '#sets');
    expect(progress).toContain(`${HOSTILE_CARD} ×1`);
    expect(progress).toContain('已集齐 1 套');
    expect(progress).toContain('名茶礼盒');
    expect(progress).toContain('下一套：0/1 张');
    // the card is in the set, not a points credit
    expect(await text(page, '#wins')).toContain('已放入集卡册');
    expect(await text(page, '#wins')).not.toContain('积分');
    await shoot(page, 'me-sets');
    await clean(page);

    // reduced motion: no cover, no wheel; the result at once
    expect((await fx.client.grantChances(setCampaign.campaignId, { user: 'shopper_3', count: 1, reason: '支付有礼', idempotencyKey: 'pay-3' })).status).toBe(200);
    const calm = await open(`${fx.engine.url}/draw/${setCampaign.campaignId}?user=shopper_3`, { reduced: true });
    await calm.click('#draw');
    await calm.waitForFunction(() => document.getElementById('draw-result')?.getAttribute('data-outcome') === 'won', { timeout: 10_000 });
    expect(await wasCovered(calm)).toBeUndefined();
    expect(await calm.$eval('#stage', (e) => e.hasAttribute('data-wheel-stop'))).toBe(false);
    expect(await text(calm, '#prize-name')).toBe(HOSTILE_CARD);

    // a visitor without chances is told how to earn some
    const none = await open(`${fx.engine.url}/draw/${setCampaign.campaignId}?user=shopper_4`, { lang: 'en' });
    expect(await text(none, '#chances')).toBe('Draw chances left: 0');
    expect(await none.$eval('#draw', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    expect(await text(none, '#no-chances')).toContain('check in at a shop');

    // a paused promotion says so and offers no draw; the chances are kept
    await fx.client.setCampaignState(setCampaign.campaignId, 'paused');
    expect((await fx.client.grantChances(setCampaign.campaignId, { user: 'shopper_7', count: 1, reason: '拼团成功', idempotencyKey: 'group-7' })).status).toBe(200);
    const paused = await open(`${fx.engine.url}/draw/${setCampaign.campaignId}?user=shopper_7`);
    expect(await text(paused, '#closed')).toBe('活动暂停中，恢复后即可抽奖，您的抽奖机会仍然保留。');
    expect(await paused.$eval('#draw-card', (e) => (e as HTMLElement).hidden)).toBe(true);
    await fx.client.setCampaignState(setCampaign.campaignId, 'live');
  });

  it('the ticket page: a sealed ticket\'s QR code; revealed in the shop, the phone uncovers the prize with the campaign\'s animation', async () => {
    expect((await fx.client.grantChances(shopCampaign.campaignId, { user: 'shopper_5', count: 1, reason: '拼团成功', idempotencyKey: 'group-5' })).status).toBe(200);
    const sealed = await fx.client.draw(shopCampaign.campaignId, 'shopper_5');
    expect(sealed.body.outcome).toBe('ticket');
    const code = sealed.body.ticket.code as string;
    const page = await open(`${fx.engine.url}/t/${code}`);
    expect(await page.$eval('#ticket-page', (e) => e.getAttribute('data-state'))).toBe('open');
    expect(await page.$eval('#ticket-qr svg', (e) => e.getBoundingClientRect().width)).toBeGreaterThan(100);
    expect(await text(page, '#ticket-line')).toContain('到店出示此券');
    expect(await page.$eval('body', (b) => b.className)).toBe('theme-store-anniversary');
    await shoot(page, 'ticket-open');
    expect((await fx.client.revealTicket(code, await fx.client.shopKey('s_tianhe'))).status).toBe(200);
    await page.waitForFunction(() => document.getElementById('draw-result')?.getAttribute('data-outcome') === 'won', { timeout: 20_000 });
    expect(await wasCovered(page)).toBe(true);
    expect(await text(page, '#prize-name')).toBe('智能电视');
    expect(await text(page, '#ticket-line')).toBe('已在门店开奖：s_tianhe');
    expect(await page.$('#ticket-qr')).toBeNull();
    await shoot(page, 'ticket-revealed');
    await clean(page);
  });

  it('a check-in at the shop reveals the shopper\'s sealed ticket there, uncovered with the campaign\'s animation', async () => {
    // the check-in page wears the one campaign that takes check-ins: the first one ends, this one starts
    await fx.client.setCampaignState(checkinCampaign.campaignId, 'ended');
    const inShop = await fx.client.batchWithLiveCampaign([{ id: 'tea-set', name: '茶具套装', kind: 'gift', probability: 1, stock: 2 }], {
      extra: { checkin: {}, reveal: 'in_shop', page: PAGE, animation: 'scratch' },
    });
    inShopCampaignId = inShop.campaignId;
    expect((await fx.client.grantChances(inShop.campaignId, { user: 'shopper_6', count: 1, reason: '支付有礼', idempotencyKey: 'pay-6' })).status).toBe(200);
    expect((await fx.client.draw(inShop.campaignId, 'shopper_6')).body.outcome).toBe('ticket');
    const page = await open(`${fx.engine.url}/s/${sceneCode}?user=shopper_6`);
    await page.waitForFunction(() => document.getElementById('reveal-result')?.getAttribute('data-outcome') === 'won', { timeout: 15_000 });
    expect(await wasCovered(page)).toBe(true);
    expect(await text(page, '#verdict')).toBe('签到成功感谢光临。');
    expect(await text(page, '#reveals')).toContain('您的抽奖券已在本店开奖');
    expect(await text(page, '#reveal-result #prize-name')).toBe('茶具套装');
    expect(await page.$eval('#draw-card', (e) => (e as HTMLElement).hidden)).toBe(true);
    await shoot(page, 'checkin-revealed');
    await clean(page);
  });

  it('several campaigns take check-ins: the page lists them to choose from (name and brand as text), checks in for the one chosen, in its look; an unknown or malformed ?campaign= gets a clear page', async () => {
    // the in-shop campaign of the test before still takes check-ins; a second one starts beside it
    const second = await fx.client.batchWithLiveCampaign([{ id: 'fan', name: '团扇', kind: 'gift', probability: 1, stock: 5 }], {
      extra: { name: HOSTILE_CAMPAIGN, checkin: { chances: 1 }, page: { brand: HOSTILE_BRAND_2 }, theme: 'mid-autumn', animation: 'scratch' },
    });
    const page = await open(`${fx.engine.url}/s/${sceneCode}?user=shopper_8`);
    expect(await text(page, '#shop-name')).toBe(HOSTILE_SHOP);
    expect(await text(page, '#verdict h1')).toBe('请选择签到活动');
    const choices = await page.$$eval('#campaigns .choice', (as) => as.map((a) => ({ id: a.getAttribute('data-campaign'), name: a.querySelector('.choice-name')?.textContent ?? '', brand: a.querySelector('.choice-brand')?.textContent ?? '' })));
    expect(choices.map((c) => c.id).sort()).toEqual([second.campaignId, inShopCampaignId].sort());
    expect(choices.find((c) => c.id === second.campaignId)).toEqual({ id: second.campaignId, name: HOSTILE_CAMPAIGN, brand: HOSTILE_BRAND_2 });
    expect(choices.find((c) => c.id === inShopCampaignId)?.brand).toBe(HOSTILE_BRAND);
    await shoot(page, 'checkin-choice');
    await clean(page);

    // the chosen campaign's page checks in for it, in its look; the list itself checked nobody in
    await Promise.all([page.waitForNavigation(), page.click(`a[data-campaign="${second.campaignId}"]`)]);
    expect(new URL(page.url()).search).toBe(`?campaign=${second.campaignId}&user=shopper_8`);
    await page.waitForFunction(() => !/正在签到/.test(document.getElementById('verdict')?.textContent ?? '正在签到'), { timeout: 15_000 });
    expect(await text(page, '#verdict')).toBe('签到成功获得 1 次抽奖机会。');
    expect(await text(page, '#brand-name')).toBe(HOSTILE_BRAND_2);
    expect(await page.$eval('body', (b) => b.className)).toBe('theme-mid-autumn');
    expect(await text(page, '#chances')).toBe('剩余抽奖机会：1');
    await shoot(page, 'checkin-chosen');
    await clean(page);
    expect((await fx.client.checkIn({ sceneCode, user: 'shopper_8', campaignId: inShopCampaignId })).status).toBe(201);

    // a campaign that is no check-in campaign, an unknown one, a malformed id: a page that says so and leads back to the list
    for (const [campaign, status, head] of [[setCampaign.campaignId, 404, '未找到此签到活动'], ['no-such-campaign', 404, '未找到此签到活动'], ['%3Cscript%3E', 400, '活动链接有误']] as const) {
      const url = `${fx.engine.url}/s/${sceneCode}?campaign=${campaign}&user=shopper_8`;
      refusedPages.add(url);
      const answer = await page.goto(url);
      expect(answer?.status()).toBe(status);
      expect(await text(page, '#message h1')).toBe(head);
      expect(await page.$eval('#back', (a) => (a as HTMLAnchorElement).getAttribute('href'))).toBe(`/s/${sceneCode}?user=shopper_8`);
      await clean(page);
    }
    await shoot(page, 'checkin-unknown-campaign');
  });

  it('the draw page shows the balance each draw leaves: the second draw\'s button still offers the last chance, none left disables it; back in view it reads the balance again', async () => {
    expect((await fx.client.grantChances(setCampaign.campaignId, { user: 'shopper_9', count: 2, reason: '拼团成功', idempotencyKey: 'group-9' })).status).toBe(200);
    const page = await open(`${fx.engine.url}/draw/${setCampaign.campaignId}?user=shopper_9`, { reduced: true });
    expect(await text(page, '#chances')).toBe('剩余抽奖机会：2');
    // a chance granted while the page is open (支付有礼): the balance the draw answers counts it
    expect((await fx.client.grantChances(setCampaign.campaignId, { user: 'shopper_9', count: 1, reason: '支付有礼', idempotencyKey: 'pay-9' })).status).toBe(200);
    await page.click('#draw');
    await page.waitForFunction(() => document.getElementById('draw-result')?.getAttribute('data-outcome') === 'won', { timeout: 10_000 });
    expect(await text(page, '#chances')).toBe('剩余抽奖机会：2');
    expect(await page.$eval('#draw', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    // a chance spent in another tab: the page still shows 2, and its draw answers the 0 left
    expect((await fx.client.draw(setCampaign.campaignId, 'shopper_9')).body.chances).toBe(1);
    await page.click('#draw');
    await page.waitForFunction(() => document.getElementById('chances')?.textContent === '剩余抽奖机会：0', { timeout: 10_000 });
    expect(await page.$eval('#draw', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    expect(await text(page, '#no-chances')).toContain('到店签到');
    await clean(page);

    // a chance granted while the buyer was elsewhere: the page reads the balance again when it comes back into view
    expect((await fx.client.grantChances(setCampaign.campaignId, { user: 'shopper_9', count: 1, reason: '拼团成功', idempotencyKey: 'group-9b' })).status).toBe(200);
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await page.waitForFunction(() => document.getElementById('chances')?.textContent === '剩余抽奖机会：1', { timeout: 10_000 });
    expect(await page.$eval('#draw', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    expect(await page.$('#no-chances')).toBeNull();
  });

  it('kept the CSP and logged no console errors on any page', () => {
    expect(problems).toEqual([]);
  });
});

describe('the store\'s pages over plain HTTP', () => {
  it('a forged scene code, an unknown campaign and an unknown ticket get 404 pages; the draw page keeps the strict CSP', async () => {
    const forged = await fetch(`${fx.engine.url}/s/000000000000000000000000`);
    expect(forged.status).toBe(404);
    expect(await forged.text()).toContain('无效的门店码');
    expect((await fetch(`${fx.engine.url}/draw/no-such-campaign`)).status).toBe(404);
    expect((await fetch(`${fx.engine.url}/t/00000000000000000000`)).status).toBe(404);
    const draw = await fetch(`${fx.engine.url}/draw/${setCampaign.campaignId}`, { headers: { 'accept-language': 'en' } });
    const policy = draw.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self';");
    expect(policy).not.toContain('unsafe');
    expect(draw.headers.get('vary')).toBe('Accept-Language');
    const html = await draw.text();
    expect(html).toContain('<html lang="en">');
    // the brand reaches the script as JSON whose `<` are escaped, and the page as text
    expect(html).not.toContain(HOSTILE_BRAND);
    expect(html).toContain('&lt;img src=x');
  });
});
