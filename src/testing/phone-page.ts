// A buyer's phone in Debian's Chromium, as the tests of the pages for people drive it (the scan page, the
// store's pages): a page at 390x844 in the phone's language, optionally with reduced motion, that reports
// every page error, console error and CSP violation and remembers whether a reveal cover was ever shown;
// screenshots at both sizes; what every such page must hold (it fits the phone's width, no hostile name
// ran as markup); and which wheel label rests under the pointer, measured on screen rather than taken
// from the page's script.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'puppeteer-core';
import { expect } from 'vitest';

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

export interface PhoneOptions {
  /** the phone's Accept-Language; Chinese when not given */
  lang?: string;
  reduced?: boolean;
  /** where page errors, console errors and CSP violations go */
  problems: string[];
  /** a console error the test provokes on purpose (a refused page's own status): not a problem */
  expected?: (text: string, url: string) => boolean;
}

/** a new page of the phone `ctx` (its cookies are the buyer's), not yet at any address */
export async function phonePage(ctx: BrowserContext, o: PhoneOptions): Promise<Page> {
  const page = await ctx.newPage();
  await page.setViewport(PHONE);
  await page.setExtraHTTPHeaders({ 'accept-language': o.lang ?? 'zh-CN,zh;q=0.9' });
  if (o.reduced) await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
  page.on('pageerror', (e) => o.problems.push(`pageerror ${String(e)}`));
  page.on('console', (m) => {
    const url = m.location().url ?? '';
    if (m.type() === 'error' && !(o.expected?.(m.text(), url) ?? false)) o.problems.push(`console ${m.text()} ${url}`);
  });
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP ${e.violatedDirective} ${e.blockedURI}`));
    // remembers whether a reveal cover was ever shown (it removes itself when the animation ends)
    new MutationObserver(() => {
      if (document.getElementById('cover')) (window as unknown as { __covered?: boolean }).__covered = true;
    }).observe(document, { childList: true, subtree: true });
  });
  return page;
}

/** whether a reveal cover was ever shown on the page */
export const wasCovered = (page: Page): Promise<boolean | undefined> => page.evaluate(() => (window as unknown as { __covered?: boolean }).__covered);

/** `<dir>/<name>-phone.png` and `<dir>/<name>-desktop.png`, then back to the phone's size */
export async function shootBothSizes(page: Page, dir: string, name: string): Promise<void> {
  await page.screenshot({ path: join(dir, `${name}-phone.png`), fullPage: true });
  await page.setViewport(DESKTOP);
  await page.screenshot({ path: join(dir, `${name}-desktop.png`), fullPage: true });
  await page.setViewport(PHONE);
}

/** what a page for people must always hold: nothing wider than the phone, and no hostile name ran as markup */
export async function expectFitsAndSafe(page: Page, what = page.url()): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), `${what} fits ${PHONE.width}px`).toBeLessThanOrEqual(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), `${what}: a hostile name ran`).toBeUndefined();
  expect(await page.$$eval('img', (imgs) => imgs.filter((i) => i.getAttribute('src') === 'x').length), `${what}: a hostile name became an image`).toBe(0);
}

/** the wheel label whose middle is nearest the pointer's tip, measured on screen */
export function labelUnderPointer(page: Page): Promise<string> {
  return page.evaluate(() => {
    const tip = document.querySelector('.wheel-pointer')!.getBoundingClientRect();
    const x = tip.left + tip.width / 2, y = tip.bottom;
    let best = '', dist = Infinity;
    for (const l of Array.from(document.querySelectorAll('.wheel-label'))) {
      const r = l.getBoundingClientRect();
      const d = Math.hypot(r.left + r.width / 2 - x, r.top + r.height / 2 - y);
      if (d < dist) { dist = d; best = l.textContent ?? ''; }
    }
    return best;
  });
}

/** the labels of the wheel's segments, in order */
export const wheelSegments = (page: Page): Promise<string[]> => page.$$eval('.wheel-label', (ls) => ls.map((l) => l.textContent ?? ''));
