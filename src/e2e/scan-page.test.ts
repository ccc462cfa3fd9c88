// The scan page as a buyer meets it, in real Chromium at 390x844 (and 1280x800 for the screenshots):
// every outcome in a buyer's words, the brand on the page, times in the campaign's time zone, Chinese
// unless the phone asks for English, the voucher's QR code on a win, a returning buyer's prize and its
// state, the reveal animation stopping on the server's result (skipped with reduced motion), hostile
// names shown as text, the strict CSP kept and no console errors. Screenshots go to screenshots/scan-page/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.js';
import { useEngine } from '../testing/engine-fixture.js';
import { liveCampaign, uniqueSku } from '../testing/fixtures.js';
import { CHROMIUM } from '../testing/headless-chromium.js';
import { expectFitsAndSafe, labelUnderPointer, phonePage, shootBothSizes, wasCovered, wheelSegments } from '../testing/phone-page.js';

const SHOTS = join(PROJECT_ROOT, 'screenshots', 'scan-page');
const HOSTILE = '<img src=x onerror="window.__pwned=1">好茶';
const HOSTILE_PRIZE = '<img src=x onerror="window.__pwned=2">茶卡';
const TZ = 'Asia/Shanghai';
let FORGED_MARK = 'no forged code yet';
const fx = useEngine();
let browser: Browser;
const problems: string[] = [];

const batches = new Map<string, { sku: string; batchId: number; next: number }>();
async function batchFor(name: string, campaign: ((sku: string) => Record<string, unknown>) | null): Promise<void> {
  const sku = uniqueSku();
  const { batchId } = await fx.client.createBatch({ sku, size: 50 });
  if (campaign) await fx.client.createCampaign(campaign(sku));
  batches.set(name, { sku, batchId, next: 0 });
}
const codeOf = (name: string): string => {
  const b = batches.get(name)!;
  return fx.engine.codec.encode(b.batchId, b.next++);
};

const PAGE = { brand: HOSTILE, productName: '西湖龙井 250g', color: '#1d6b3a', hotline: '400-800-1234', cta: { text: '关注品牌公众号', url: 'https://example.com/follow' } };
const withPage = (id: string, sku: string, prizes: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => liveCampaign(`${id}-${sku}`, sku, prizes, { page: PAGE, ...extra });

beforeAll(async () => {
  await batchFor('gift', (sku) => withPage('gift', sku, [{ id: 'cup', name: '定制保温杯', kind: 'gift', probability: 1, stock: 100, claim: '到任一门店出示兑奖码领取', redeemBy: '2099-12-31' }], { theme: 'spring-festival', animation: 'red-packet' }));
  await batchFor('cash', (sku) => withPage('cash', sku, [{ id: 'red', name: '现金红包', kind: 'cash', probability: 1, amount: 188 }], { animation: 'wheel' }));
  await batchFor('points', (sku) => withPage('pts', sku, [{ id: 'pts', name: '会员积分', kind: 'points', probability: 1, amount: 50 }], { animation: 'scratch', theme: 'mid-autumn' }));
  await batchFor('lost', (sku) => withPage('lost', sku, []));
  // a wheel that can only stop on "thanks": its one prize is never drawn
  await batchFor('wheel-lost', (sku) => withPage('wlost', sku, [{ id: 'tv', name: '智能电视', kind: 'gift', probability: 0, stock: 1 }], { animation: 'wheel' }));
  // a wheel whose one drawable prize has a hostile name, beside a set's prize (won by completing the set,
  // never drawn) and a shop's prize (drawn for the shop): neither of those two is a segment
  await batchFor('wheel-set', (sku) => withPage('wset', sku, [
    { id: 'leaf', name: HOSTILE_PRIZE, kind: 'card', set: 'tea', probability: 1 },
    { id: 'shop-bonus', name: '门店奖励金', kind: 'cash', for: 'shop', probability: 1, amount: 100 },
  ], { animation: 'wheel', sets: [{ id: 'tea', prize: { id: 'tea-box', name: '名茶礼盒', kind: 'gift', stock: 5 } }] }));
  await batchFor('paused', (sku) => withPage('paused', sku, [{ id: 'g', name: 'Gift', kind: 'gift', probability: 1 }]));
  await fx.client.setCampaignState(`paused-${batches.get('paused')!.sku}`, 'paused');
  await batchFor('void', (sku) => withPage('void', sku, []));
  await fx.client.voidBatch(batches.get('void')!.batchId);
  await batchFor('plain', null);
  if (!CHROMIUM) return;
  mkdirSync(SHOTS, { recursive: true });
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
});

afterAll(async () => {
  await browser?.close();
});

interface Visit {
  page: Page;
  verdict: string;
  prize: string;
  next: string;
}

/** a buyer's phone: its own cookies (a browser context), its language, optionally reduced motion */
async function phone(lang = 'zh-CN,zh;q=0.9', reduced = false): Promise<(url: string, shot?: string) => Promise<Visit>> {
  const ctx = await browser.createBrowserContext();
  return async (url, shot) => {
    // the forged code's page is a 404 on purpose: Chromium logs that document's status as an error
    const page = await phonePage(ctx, { lang, reduced, problems, expected: (_text, at) => at.includes(FORGED_MARK) });
    await page.goto(url);
    await page.waitForFunction(() => !/正在验证|Checking/.test(document.getElementById('verdict')?.textContent ?? 'x'), { timeout: 15_000 }).catch(() => undefined);
    // the reveal animation ends on its own (or at once with reduced motion)
    await page.waitForFunction(() => document.getElementById('cover') === null, { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    const read = (sel: string): Promise<string> => page.$eval(sel, (e) => ((e as HTMLElement).hidden ? '' : (e.textContent ?? ''))).catch(() => '');
    if (shot) await shootBothSizes(page, SHOTS, shot);
    await expectFitsAndSafe(page, url);
    return { page, verdict: await read('#verdict'), prize: await read('#prize'), next: await read('#next') };
  };
}

const inZone = (iso: string, lang: 'zh' | 'en'): string =>
  new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: TZ, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

describe.skipIf(!CHROMIUM)('the scan page, buyer by buyer', () => {
  it('a gift: genuine, the prize, its voucher QR code and until when; the brand as text; a rescan shows it open, then redeemed at the shop; someone else is warned', async () => {
    const buyer = await phone();
    const code = codeOf('gift');
    const won = await buyer(`${fx.engine.url}/c/${code}`, 'gift-won');
    expect(won.verdict).toContain('正品验证通过');
    expect(won.prize).toContain('恭喜您获得');
    expect(won.prize).toContain('定制保温杯');
    expect(won.prize).toContain('到任一门店出示兑奖码领取');
    expect(won.prize).toContain('兑奖截止：2099年12月31日');
    expect(won.prize).not.toMatch(/[a-z]+_[a-z]+/); // no reason code
    // the QR code image loaded from the engine, and a button to the voucher page
    expect(await won.page.$eval('img.qr', (i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    const voucherHref = await won.page.$eval('#open-voucher', (a) => (a as HTMLAnchorElement).href);
    expect(voucherHref).toMatch(/\/v\/[0-9A-Z]{20}$/);
    // the brand: a hostile name shown as text, the product, the call to action, the hotline
    expect(await won.page.$eval('#brand-name', (e) => e.textContent)).toBe(HOSTILE);
    expect(await won.page.$$eval('img', (imgs) => imgs.map((i) => i.getAttribute('src')))).not.toContain('x');
    expect(await won.page.$eval('#product', (e) => e.textContent)).toBe('西湖龙井 250g');
    expect(won.next).toContain('关注品牌公众号');
    expect(won.next).toContain('400-800-1234');
    expect(await won.page.$eval('body', (b) => b.className)).toBe('theme-spring-festival');
    expect(await won.page.evaluate(() => document.documentElement.style.getPropertyValue('--brand'))).toBe('#1d6b3a');

    const again = await buyer(`${fx.engine.url}/c/${code}`, 'gift-repeat-open');
    expect(again.verdict).toMatch(/正品 · 您已于 .+ 查询过此码（共 2 次）/);
    expect(again.prize).toContain('您的奖品：定制保温杯');
    expect(again.prize).toContain('未使用');

    // "my prizes": the brand, the state, until when and where to redeem, the time in the campaign's zone
    const mine = await buyer(`${fx.engine.url}/me`, 'me-open');
    const meText = await mine.page.$eval('#wins', (e) => e.textContent ?? '');
    expect(meText).toContain(HOSTILE);
    expect(meText).toContain('未使用 · 兑奖截止 2099年12月31日');
    expect(meText).toContain('到任一门店出示兑奖码领取');
    expect(meText).not.toMatch(/\d{4}-\d\d-\d\dT/);

    // the voucher page before redemption: the brand, how to claim it and until when
    const voucherOpen = await buyer(voucherHref, 'voucher-open');
    expect(await voucherOpen.page.$eval('header.brand strong', (e) => e.textContent)).toBe(HOSTILE);
    expect(await voucherOpen.page.$eval('#claim', (e) => e.textContent)).toBe('到任一门店出示兑奖码领取');
    expect(await voucherOpen.page.$eval('#redeem-by', (e) => e.textContent)).toContain('2099年12月31日');
    expect(await voucherOpen.page.$eval('.qr svg', (e) => e.getBoundingClientRect().width)).toBeGreaterThan(100);

    const voucher = voucherHref.split('/v/')[1]!;
    await fx.client.redeem(voucher, 's_west_lake');
    const redeemed = await buyer(`${fx.engine.url}/c/${code}`, 'gift-repeat-redeemed');
    expect(redeemed.prize).toMatch(/已于 .+ 在门店 s_west_lake 核销/);
    expect(redeemed.prize).not.toContain('未使用');

    const voucherPage = await buyer(voucherHref, 'voucher-redeemed');
    expect(await voucherPage.page.$eval('#state', (e) => e.textContent)).toMatch(/已核销.*s_west_lake/);

    const stranger = await (await phone())(`${fx.engine.url}/c/${code}`, 'gift-someone-else');
    expect(stranger.verdict).toContain('谨防假冒');
    expect(stranger.verdict).toContain('400-800-1234');
    expect(await stranger.page.$eval('#verdict', (e) => e.className)).toContain('fake');
  });

  it('cash says where the money goes; points show the new balance; no prize thanks the buyer', async () => {
    const cash = await (await phone())(`${fx.engine.url}/c/${codeOf('cash')}`, 'cash-won');
    expect(cash.prize).toContain('现金红包 ¥1.88');
    expect(cash.prize).toContain('微信零钱');
    expect(cash.prize).toContain('24 小时内到账');

    // a member (an upstream identity) sees the new balance; an anonymous visitor learns how to collect
    await fx.client.changePoints('wx_points_fan', { delta: 30, reason: 'earlier', idempotencyKey: `pts-${Date.now()}` });
    const points = await (await phone())(`${fx.engine.url}/c/${codeOf('points')}?user=wx_points_fan`, 'points-won');
    expect(points.prize).toContain('会员积分 +50 积分');
    await points.page.waitForFunction(() => /当前积分余额：80/.test(document.getElementById('balance')?.textContent ?? ''), { timeout: 10_000 });
    const anon = await (await phone())(`${fx.engine.url}/c/${codeOf('points')}`);
    await anon.page.waitForFunction(() => /积分仅存入会员账户/.test(document.getElementById('balance')?.textContent ?? ''), { timeout: 10_000 });

    const lost = await (await phone())(`${fx.engine.url}/c/${codeOf('lost')}`, 'lost');
    expect(lost.verdict).toContain('正品验证通过');
    expect(lost.prize).toContain('谢谢参与');
  });

  it('a paused promotion says genuine and paused (the code stays unused); a voided batch warns with the hotline; no campaign: genuine; a forged code warns', async () => {
    const pausedCode = codeOf('paused');
    const paused = await (await phone())(`${fx.engine.url}/c/${pausedCode}`, 'paused');
    expect(paused.verdict).toContain('正品验证通过');
    expect(paused.verdict).toContain('活动暂停中');
    expect(paused.verdict).not.toContain('campaign_paused');
    expect((await fx.client.batch(batches.get('paused')!.batchId)).scanned).toBe(0);

    const voided = await (await phone())(`${fx.engine.url}/c/${codeOf('void')}`, 'void');
    expect(voided.verdict).toContain('此码已作废');
    expect(voided.verdict).toContain('请致电品牌热线：400-800-1234');
    expect(voided.verdict).not.toContain('batch_void');

    const plain = await (await phone())(`${fx.engine.url}/c/${codeOf('plain')}`, 'verified');
    expect(plain.verdict).toContain('正品验证通过');
    expect(plain.verdict).toContain('首次查询');

    const good = codeOf('plain');
    const forged = good.slice(0, 10) + (good[10] === 'A' ? 'B' : 'A') + good.slice(11);
    FORGED_MARK = forged;
    const fake = await (await phone())(`${fx.engine.url}/c/${forged}`, 'forged');
    expect(await fake.page.$eval('h1', (e) => e.textContent)).toContain('产品可能不是正品');
  });

  it('English when the phone asks for it (not both languages), times in the campaign zone', async () => {
    const code = codeOf('cash');
    const first = await fx.client.scan({ code, user: 'wx_en_buyer' });
    const enPhone = await phone('en-US,en;q=0.9,zh;q=0.5');
    const visit = await enPhone(`${fx.engine.url}/c/${code}?user=wx_en_buyer`, 'english-repeat');
    expect(visit.verdict).toContain(`Genuine product · you first checked this code on ${inZone(first.scan!.firstAt!, 'en')} (2 checks).`);
    expect(visit.prize).toContain('Your prize: 现金红包 ¥1.88');
    expect(visit.verdict).not.toMatch(/[\u4e00-\u9fff]/);
    expect(visit.next).toContain('Brand hotline');
    expect(visit.next).toContain('My prizes');
    expect(visit.verdict).not.toMatch(/\d{4}-\d\d-\d\dT/);
    expect(await visit.page.$eval('html', (h) => h.lang)).toBe('en');
    const zh = await (await phone())(`${fx.engine.url}/c/${codeOf('lost')}`);
    expect(zh.verdict).not.toContain('Genuine');
  });

  /** opens a wheel page, waits until the wheel rests, and reads which label is under the pointer on screen */
  async function spinWheel(url: string, shot: string): Promise<{ page: Page; under: string; stop: string; label: string; segments: string[] }> {
    const page = await phonePage(await browser.createBrowserContext(), { problems });
    await page.goto(url);
    await page.waitForSelector('#cover.cover-wheel #wheel');
    await page.waitForSelector('#stage[data-wheel-stop]', { timeout: 10_000 });
    const under = await labelUnderPointer(page);
    await page.screenshot({ path: join(SHOTS, `${shot}-phone.png`) });
    const segments = await wheelSegments(page);
    const stop = await page.$eval('#stage', (e) => e.getAttribute('data-wheel-stop') ?? '');
    const label = await page.$eval('#stage', (e) => e.getAttribute('data-wheel-label') ?? '');
    await page.waitForFunction(() => document.getElementById('cover') === null, { timeout: 10_000 });
    return { page, under, stop, label, segments };
  }

  it('the wheel names the campaign\'s prizes and stops on the one the server drew (on "thanks" for no prize); with reduced motion there is none', async () => {
    const code = codeOf('cash');
    const won = await spinWheel(`${fx.engine.url}/c/${code}`, 'wheel-stopped-won');
    expect(won.segments).toContain('现金红包');
    expect(won.segments).toContain('谢谢参与');
    expect(won.under).toBe('现金红包');
    expect(won.stop).toBe('red');
    expect(won.label).toBe('现金红包');
    expect(await won.page.$eval('#prize-name', (e) => e.textContent)).toBe('现金红包 ¥1.88');
    const answer = await fx.client.scan({ code, user: 'someone' });
    expect(answer.scan!.count).toBe(2);

    const lost = await spinWheel(`${fx.engine.url}/c/${codeOf('wheel-lost')}`, 'wheel-stopped-lost');
    expect(lost.segments).toContain('智能电视');
    expect(lost.under).toBe('谢谢参与');
    expect(lost.stop).toBe('');
    expect(await lost.page.$eval('#prize', (e) => e.textContent)).toContain('谢谢参与');

    // a hostile prize name is a segment's text; a set's prize and a shop's prize are no segment
    const card = await spinWheel(`${fx.engine.url}/c/${codeOf('wheel-set')}`, 'wheel-stopped-card');
    expect(card.under).toBe(HOSTILE_PRIZE);
    expect(card.stop).toBe('leaf');
    expect(card.segments).toContain(HOSTILE_PRIZE);
    expect(card.segments).not.toContain('名茶礼盒');
    expect(card.segments).not.toContain('门店奖励金');
    expect(await card.page.$eval('#prize-name', (e) => e.textContent)).toBe(HOSTILE_PRIZE);
    // the set has this one card: the scan completed it and won its prize too
    expect(await card.page.$eval('#set-done', (e) => e.textContent)).toBe('集齐一套！您还获得：名茶礼盒');
    await expectFitsAndSafe(card.page);

    // reduced motion: no wheel at all, the prize at once
    const calm = await (await phone('zh-CN', true))(`${fx.engine.url}/c/${codeOf('cash')}`);
    expect(await wasCovered(calm.page)).toBeUndefined();
    expect(await calm.page.$eval('#stage', (e) => e.hasAttribute('data-wheel-stop'))).toBe(false);
    expect(calm.prize).toContain('现金红包 ¥1.88');

    const animated = await (await phone())(`${fx.engine.url}/c/${codeOf('gift')}`);
    expect(await wasCovered(animated.page)).toBe(true);
    expect(animated.prize).toContain('定制保温杯');
    const reducedPage = await (await phone('zh-CN', true))(`${fx.engine.url}/c/${codeOf('gift')}`);
    expect(await wasCovered(reducedPage.page)).toBeUndefined();
    expect(reducedPage.prize).toContain('定制保温杯');
  });

  it('kept the CSP and logged no console errors on any page', () => {
    expect(problems).toEqual([]);
  });
});

describe('a SKU\'s own look', () => {
  it('shows on its codes without a campaign, and beneath a campaign\'s own settings', async () => {
    const sku = uniqueSku();
    const { batchId } = await fx.client.createBatch({ sku, size: 5 });
    const bad = await fx.engine.api('PUT', `/v1/skus/${sku}/page`, { theme: 'halloween' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('theme');
    await fx.client.setSkuLook(sku, { page: { brand: 'SKU 品牌', productName: '茉莉花茶', hotline: '400-100-2000' }, theme: 'store-anniversary', animation: 'wheel' });
    expect(await fx.client.skuLook(sku)).toMatchObject({ sku, page: { brand: 'SKU 品牌' }, theme: 'store-anniversary' });
    const page = async (serial: number): Promise<string> => (await fetch(`${fx.engine.url}/c/${fx.engine.codec.encode(batchId, serial)}`)).text();
    const alone = await page(1);
    expect(alone).toContain('<strong id="brand-name">SKU 品牌</strong>');
    expect(alone).toContain('class="theme-store-anniversary"');
    expect(alone).toContain('400-100-2000');
    await fx.client.createLiveCampaign(`skulook-${sku}`, sku, [], { page: { brand: 'Campaign 品牌' } });
    const covered = await page(2);
    expect(covered).toContain('<strong id="brand-name">Campaign 品牌</strong>');
    expect(covered).toContain('<span id="product">茉莉花茶</span>');
    expect(covered).toContain('class="theme-store-anniversary"');
    expect(covered).toContain('"animation":"wheel"');
  });
});

describe('scan page headers', () => {
  it('a brand logo adds only its origin to img-src; the page varies by Accept-Language', async () => {
    const sku = uniqueSku();
    const { batchId } = await fx.client.createBatch({ sku, size: 5 });
    await fx.client.createLiveCampaign(`logo-${sku}`, sku, [], { page: { brand: 'Logo Co', logoUrl: 'https://cdn.example.com/a/logo.png' } });
    const r = await fetch(`${fx.engine.url}/c/${fx.engine.codec.encode(batchId, 1)}`, { headers: { 'accept-language': 'en' } });
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("img-src 'self' data: https://cdn.example.com;");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe');
    expect(r.headers.get('vary')).toBe('Accept-Language');
    const html = await r.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('src="https://cdn.example.com/a/logo.png"');
  });
});
