// What the fulfilment pages share: text escaping (every user- or operator-given string is rendered as
// text), one stylesheet allowed by its hash in a CSP that allows nothing else (no script at all; images
// from the engine and, on a brand's page, from its logo's origin).
import { createHash } from 'node:crypto';
import type { Lang } from './page-language.js';
import type { PageView } from './page-view.js';
import { logoOrigin } from './page-view.js';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f6f6f4;color:#222}
main{max-width:28rem;margin:0 auto;padding:1rem 1.25rem}
.card{background:#fff;border-radius:12px;padding:1.25rem;margin:1rem 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.3rem;margin:.2rem 0}.muted{color:#666;font-size:.9rem}
.ok{color:#0a7d32}.warn{color:#b35c00}.bad{color:#b00020}
.qr svg{width:100%;max-width:16rem;display:block;margin:0 auto}
.brand{display:flex;align-items:center;gap:.75rem;max-width:28rem;margin:0 auto;padding:1rem 1.25rem 0}
.brand img{width:48px;height:48px;object-fit:contain;border-radius:8px;background:#fff}
.brand strong{display:block;font-size:1.1rem}.brand span{color:#555;font-size:.9rem}
code{font-size:1rem;letter-spacing:.08em;word-break:break-all}
ul{padding-left:1.1rem}li{margin:.75rem 0}a{color:#0b57d0}
.sets{padding:0}.sets li{list-style:none}.chip{display:inline-block;border-radius:999px;padding:.1rem .6rem;margin:.2rem .2rem 0 0;font-size:.9rem;overflow-wrap:anywhere}
.chip.held{background:#e6f4ea;color:#0a7d32}.chip.missing{background:#eee;color:#888}`;

const cspOf = (logo: string | null): string =>
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; ` +
  `img-src 'self'${logo === null ? '' : ` ${logo}`}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const OTHER_HEADERS: readonly (readonly [string, string])[] = [
  ['cache-control', 'no-store'],
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer'],
  ['vary', 'Accept-Language, Cookie'],
];

export const HTML_HEADERS: readonly (readonly [string, string])[] = [['content-security-policy', cspOf(null)], ...OTHER_HEADERS];

/** the headers of a page that may show a brand's logo (its origin only) */
export const htmlHeadersFor = (view: PageView | null): readonly (readonly [string, string])[] => [['content-security-policy', cspOf(view === null ? null : logoOrigin(view))], ...OTHER_HEADERS];

export const HTML_TYPE = 'text/html; charset=utf-8';

/** the brand above a page: logo, name, product; nothing when the campaign sets none */
export function brandHeader(view: PageView | null): string {
  const p = view?.page;
  if (!p || (p.brand === undefined && p.logoUrl === undefined)) return '';
  const logo = p.logoUrl === undefined ? '' : `<img src="${esc(p.logoUrl)}" alt="">`;
  return `<header class="brand">${logo}<div>${p.brand === undefined ? '' : `<strong>${esc(p.brand)}</strong>`}${p.productName === undefined ? '' : `<span>${esc(p.productName)}</span>`}</div></header>`;
}

/** The page around `body` (already escaped HTML). */
export function page(title: string, body: string, lang: Lang = 'zh', header = ''): string {
  return `<!doctype html>
<html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style></head>
<body>${header}<main>
${body}
</main></body></html>`;
}
