// The operator console in Debian's Chromium (puppeteer-core), as the console journeys drive it: sign in,
// go to a page, fill a field, wait for a text, take screenshots at 1280x800 and 390x844 (checking that
// nothing is wider than the window and that no hostile name became an element), collect downloads, and
// every page error, console error and CSP violation (a refusal a journey provokes on purpose is let
// through by its status).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { CHROMIUM } from './headless-chromium.js';

export const CONSOLE_SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

export class ConsoleBrowser {
  readonly pageErrors: string[] = [];
  /** console errors and CSP violations */
  readonly consoleErrors: string[] = [];
  /** the HTTP status of a refusal the journey provokes on purpose: Chromium logs it as an error */
  expectedHttpError: number | null = null;

  private constructor(readonly browser: Browser, readonly page: Page, readonly downloads: string, readonly shots: string) {}

  static async launch(shots: string): Promise<ConsoleBrowser> {
    if (!CHROMIUM) throw new Error('chromium is not installed (apt-get install chromium)');
    mkdirSync(shots, { recursive: true });
    const downloads = mkdtempSync(join(tmpdir(), 'scanlot-downloads-'));
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const cdp = await browser.target().createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    const page = await browser.newPage();
    const b = new ConsoleBrowser(browser, page, downloads, shots);
    page.on('pageerror', (e) => b.pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (b.expectedHttpError !== null && m.text().includes(`status of ${b.expectedHttpError}`)) return;
      b.consoleErrors.push(`${m.text()} ${m.location().url ?? ''}`);
    });
    await page.evaluateOnNewDocument(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP ${e.violatedDirective} ${e.blockedURI}`));
    });
    page.on('dialog', (d) => void d.accept());
    await page.setViewport({ width: 1280, height: 800 });
    return b;
  }

  async close(): Promise<void> {
    await this.browser.close();
    if (existsSync(this.downloads)) rmSync(this.downloads, { recursive: true, force: true });
  }

  /** opens the console and signs in with `credential` */
  async signIn(engineUrl: string, credential: string): Promise<void> {
    await this.page.goto(`${engineUrl}/console`);
    await this.fill('input[name=credential]', credential);
    await this.page.click('[data-test=signin]');
    await this.page.waitForSelector('[data-test=today-scans]');
  }

  async fill(selector: string, value: string): Promise<void> {
    await this.page.waitForSelector(selector);
    await this.page.$eval(selector, (el, v) => {
      (el as HTMLInputElement).value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, value);
  }

  textOf(selector: string): Promise<string> {
    return this.page.$eval(selector, (el) => el.textContent ?? '');
  }

  async waitText(selector: string, ok: (text: string) => boolean, timeout = 15_000): Promise<string> {
    const until = Date.now() + timeout;
    for (;;) {
      const t = await this.page.$eval(selector, (el) => el.textContent ?? '').catch(() => '');
      if (ok(t)) return t;
      if (Date.now() > until) throw new Error(`${selector}: still "${t}"`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async goto(hash: string, ready: string): Promise<void> {
    await this.page.evaluate((h) => { location.hash = h; }, hash);
    await this.page.waitForSelector(ready);
  }

  /** screenshots at both sizes; at each, nothing wider than the window, and no element made of a hostile name */
  async shoot(name: string): Promise<void> {
    // a hostile name rendered as HTML would make an <img src=x> (its onerror is also stopped by the CSP)
    expect(await this.page.$$eval('img', (imgs) => imgs.map((i) => i.getAttribute('src'))), name).not.toContain('x');
    for (const s of CONSOLE_SIZES) {
      await this.page.setViewport({ width: s.width, height: s.height });
      await new Promise((r) => setTimeout(r, 150));
      await this.page.screenshot({ path: join(this.shots, `${name}-${s.name}.png`), fullPage: true });
      const overflow = await this.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} at ${s.width}px`).toBeLessThanOrEqual(0);
    }
    await this.page.setViewport({ width: 1280, height: 800 });
  }

  /** the text of the first finished download whose name starts with `prefix` */
  async downloaded(prefix: string): Promise<string> {
    return (await this.downloadedBytes(prefix)).toString('utf8');
  }

  /** the bytes of the first finished download whose name starts with `prefix` */
  async downloadedBytes(prefix: string): Promise<Buffer> {
    const until = Date.now() + 15_000;
    for (;;) {
      const f = readdirSync(this.downloads).find((n) => n.startsWith(prefix) && !n.endsWith('.crdownload'));
      if (f) return readFileSync(join(this.downloads, f));
      if (Date.now() > until) throw new Error(`no download ${prefix}* in ${this.downloads}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
