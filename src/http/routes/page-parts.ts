// What the scripted pages for people share (the scan page and the store's pages): the strict CSP (a
// brand's logo adds its one origin to img-src), the other security headers, text escaping, the brand's
// header and the next steps (call to action, hotline, "my prizes"): every brand string as text.
import type { Lang } from '../../fulfilment/pages/page-language.js';
import type { PageView } from '../../fulfilment/pages/page-view.js';

export const csp = (logo: string | null): string =>
  `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:${logo === null ? '' : ` ${logo}`}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export const OTHER_HEADERS: readonly (readonly [string, string])[] = [
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer'],
  ['x-frame-options', 'DENY'],
  ['cache-control', 'no-store'],
  // the page speaks the language Accept-Language asks for: caches must keep them apart
  ['vary', 'Accept-Language'],
];

export const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** the <html> element's language */
export const htmlLang = (lang: Lang): string => (lang === 'en' ? 'en' : 'zh-CN');

const NEXT = {
  zh: { hotline: '品牌热线', mine: '我的奖品' },
  en: { hotline: 'Brand hotline', mine: 'My prizes' },
} as const;

/** the brand's header: rendered on the server, every string as text; nothing when the look names no brand */
export function brandHeader(v: PageView): string {
  const p = v.page;
  if (p.brand === undefined && p.productName === undefined && p.logoUrl === undefined) return '';
  const logo = p.logoUrl === undefined ? '' : `<img class="logo" src="${escapeAttr(p.logoUrl)}" alt="">`;
  return `<header class="brand" id="brand">${logo}<div>${p.brand === undefined ? '' : `<strong id="brand-name">${escapeAttr(p.brand)}</strong>`}${p.productName === undefined ? '' : `<span id="product">${escapeAttr(p.productName)}</span>`}</div></header>`;
}

/** the call to action, the hotline and the way to "my prizes" */
export function nextSteps(v: PageView): string {
  const t = NEXT[v.lang];
  const cta = v.page.cta === undefined ? '' : `<a class="button" id="cta" href="${escapeAttr(v.page.cta.url)}">${escapeAttr(v.page.cta.text)}</a>`;
  const tel = v.page.hotline === undefined ? '' : `<p>${t.hotline} <a id="hotline" href="tel:${escapeAttr(v.page.hotline.replace(/[^0-9+]/g, ''))}">${escapeAttr(v.page.hotline)}</a></p>`;
  return `<div class="card next" id="next">${cta}${tel}<p><a href="/me" id="mine">${t.mine}</a></p></div>`;
}
