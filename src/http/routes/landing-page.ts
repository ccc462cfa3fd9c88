// GET /c/{code} (and /C/{code}, /01/{GTIN}/21/{code}): the page a phone opens from the QR code.
// The server checks the MAC (a forged code gets a 404 page, no Redis call) and sends a small page
// whose script (a served file: the CSP allows no inline script) runs the scan through POST /v1/scans,
// so link previews and crawlers that only fetch the page never consume a code.
// The visitor is kept in a signed session cookie: in `verified` mode the user of a
// consumer token given once as ?t= (fresh and used once: src/identity/link-tokens.ts; then the page
// redirects to itself without it), else an anonymous id the engine makes up; a ?t= for another user
// than the browser's verified session keeps that session (a link must not move a visitor's wins to the
// link maker's account). In `open` mode ?user= is taken as sent (but never an `anon_` id: those are the
// engine's to make) and the session remembers it as merely claimed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../errors.js';
import type { BatchStore } from '../../batches/batch-store.js';
import type { Batch } from '../../batches/batch.js';
import type { CodeCodec } from '../../codes/code-codec.js';
import { canonicalCode } from '../../codes/code-codec.js';
import type { LinkTokens } from '../../identity/link-tokens.js';
import type { IdentityMode } from '../../identity/scan-identity.js';
import type { SessionCookies } from '../../identity/session-cookie.js';
import { ANON_PREFIX, newAnonymousId } from '../../identity/anonymous.js';
import type { ScanGuard } from '../../limits/scan-guard.js';
import type { CampaignStore } from '../../campaigns/campaign-store.js';
import type { SkuPages } from '../../campaigns/sku-pages.js';
import { pageLanguage, type Lang } from '../../fulfilment/pages/page-language.js';
import { logoOrigin, pageViewOf, viewJson, type PageView } from '../../fulfilment/pages/page-view.js';
import { PROJECT_ROOT } from '../../paths.js';
import { ID_RE } from '../../validation/json-fields.js';
import { clientIp } from '../client-ip.js';
import { brandHeader, csp, escapeAttr, nextSteps, OTHER_HEADERS } from './page-parts.js';
import type { HttpCall, Reply } from '../http-call.js';
import type { Route } from '../router.js';

export interface LandingDeps {
  codec: CodeCodec;
  batches: BatchStore;
  mode: IdentityMode;
  links: LinkTokens | null;
  sessions: SessionCookies;
  guard: ScanGuard;
  trustProxy: number;
  now: () => number;
  /** the campaign whose brand, theme and prize texts the page shows */
  campaigns: CampaignStore;
  /** the SKU's own look, beneath the campaign's */
  skuPages: SkuPages;
}

const HTML = 'text/html; charset=utf-8';
const SECURITY_HEADERS: readonly (readonly [string, string])[] = [['content-security-policy', csp(null)], ...OTHER_HEADERS];

const T = {
  zh: { title: '正品验证', checking: '正在验证…', code: '防伪码', hotline: '品牌热线', mine: '我的奖品', invalidTitle: '无效的码', invalid: '未查到此码，产品可能不是正品', invalidNext: '请勿购买或使用，并向购买渠道或品牌方核实。', busyTitle: '请稍后再试', busy: '暂时无法验证，请稍后再试', tooMany: '请求过多，请一分钟后再试', signIn: '无法确认您的身份，请重新扫码', signInBusy: '暂时无法登录，请稍后再试', invalidLinkTitle: '链接无效', invalidLink: '此链接无效，请直接扫描产品上的二维码' },
  en: { title: 'Product check', checking: 'Checking…', code: 'Code', hotline: 'Brand hotline', mine: 'My prizes', invalidTitle: 'Invalid code', invalid: 'This code is unknown: the product may not be genuine', invalidNext: 'Do not use it; check with the seller or the brand.', busyTitle: 'Try again', busy: 'The check is unavailable for a moment: please try again', tooMany: 'Too many invalid codes from this address: retry in a minute', signIn: 'We could not confirm who you are: scan the code again', signInBusy: 'Sign-in is unavailable for a moment: please try again', invalidLinkTitle: 'Invalid link', invalidLink: 'This link is not valid: scan the QR code on the product' },
} as const;

function page(code: string, user: string | null, v: PageView): string {
  const t = T[v.lang];
  return `<!doctype html>
<html lang="${v.lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${v.page.brand === undefined ? '' : `${escapeAttr(v.page.brand)} · `}${t.title}</title>
<link rel="stylesheet" href="/assets/landing.css">
</head>
<body class="theme-${escapeAttr(v.theme)}">${brandHeader(v)}<main id="scan" data-code="${escapeAttr(code)}"${user === null ? '' : ` data-user="${escapeAttr(user)}"`}>
<div class="card" id="verdict"><h1>${t.checking}</h1></div>
<div class="stage" id="stage"><div class="card" id="prize" hidden></div></div>
${nextSteps(v)}
<p class="code">${t.code} <code>${escapeAttr(code)}</code></p>
</main>
<script type="application/json" id="view">${viewJson(v)}</script>
<script src="/assets/reveal.js"></script>
<script src="/assets/landing.js"></script>
</body></html>`;
}

const messagePage = (lang: Lang, title: string, head: string, line: string): string => `<!doctype html><html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><link rel="stylesheet" href="/assets/landing.css"></head>
<body><main><div class="card fake"><h1 class="bad">${head}</h1><p>${line}</p></div></main></body></html>`;

const notFoundPage = (lang: Lang): string => messagePage(lang, T[lang].invalidTitle, T[lang].invalid, T[lang].invalidNext);

function asset(name: string, type: string): Reply {
  return { status: '200 OK', body: readFileSync(join(PROJECT_ROOT, 'assets', name)), type, headers: [['cache-control', 'public, max-age=300'], ['x-content-type-options', 'nosniff']] };
}

export function landingRoutes(d: LandingDeps): Route[] {
  const script = asset('landing.js', 'text/javascript; charset=utf-8');
  const revealScript = asset('reveal.js', 'text/javascript; charset=utf-8');
  const style = asset('landing.css', 'text/css; charset=utf-8');
  const reply = (status: string, body: string, extra: readonly (readonly [string, string])[] = []): Reply => ({ status, body, type: HTML, headers: [...SECURITY_HEADERS, ...extra] });

  const handle = async (call: HttpCall, codeParam: string, gtin: string | null): Promise<Reply> => {
    const lang = pageLanguage(call.acceptLanguage);
    const t = T[lang];
    const decoded = d.codec.decode(codeParam);
    let batch: Batch | null = null;
    try {
      batch = decoded === null ? null : (d.batches.cached(decoded.batchId) ?? (await d.batches.get(decoded.batchId)));
    } catch {
      return reply('503 Service Unavailable', messagePage(lang, t.busyTitle, t.busy, ''));
    }
    if (decoded === null || batch === null || decoded.serial >= batch.size || (gtin !== null && gtin !== batch.sku)) {
      const err = d.guard.forged(clientIp(call, d.trustProxy), d.now(), new ApiError('invalid_code', 'not a valid code'));
      if (err.code === 'rate_limited') return reply(err.status, messagePage(lang, t.busyTitle, t.tooMany, ''), [['retry-after', String(err.retryAfterS)]]);
      return reply('404 Not Found', notFoundPage(lang));
    }
    const code = canonicalCode(codeParam);
    let skuLook = null;
    try {
      skuLook = await d.skuPages.get(batch.sku);
    } catch {
      // Redis away for a moment: the page goes on without the SKU's look (the scan itself will say more)
    }
    const view = pageViewOf(d.campaigns.brandFor(batch, d.now())?.def ?? null, lang, skuLook);
    const logo = logoOrigin(view);
    const branded = (status: string, body: string, extra: readonly (readonly [string, string])[] = []): Reply => ({ status, body, type: HTML, headers: [['content-security-policy', csp(logo)], ...OTHER_HEADERS, ...extra] });
    if (d.mode === 'verified') {
      const token = call.queryParam('t');
      if (token !== null) {
        if (d.links === null) return reply('401 Unauthorized', messagePage(lang, t.title, t.signIn, 'Sign-in is not configured on this engine.'));
        let user: string;
        try {
          user = await d.links.accept(token);
        } catch (err) {
          if (err instanceof ApiError && err.code === 'unavailable') return reply('503 Service Unavailable', messagePage(lang, t.busyTitle, t.signInBusy, ''));
          const why = err instanceof ApiError ? err.message : 'consumer token: invalid';
          return reply('401 Unauthorized', messagePage(lang, t.title, t.signIn, why.replace(/[<>&"]/g, '')));
        }
        // the token leaves the address bar (and history, and Referer) at once; a browser signed in as
        // someone else stays so (the link is spent either way)
        const held = d.sessions.read(call.cookie);
        const keep = held !== null && held.kind === 'verified' && held.user !== user;
        return { status: '302 Found', body: '', headers: [...SECURITY_HEADERS, ['location', call.url], ...(keep ? [] : [['set-cookie', d.sessions.issue(user, 'verified')] as const])] };
      }
      const session = d.sessions.read(call.cookie);
      if (session !== null && session.kind !== 'claimed') return branded('200 OK', page(code, null, view));
      return branded('200 OK', page(code, null, view), [['set-cookie', d.sessions.issue(newAnonymousId(), 'anonymous')]]);
    }
    // open mode takes an upstream id as sent; the session remembers it for GET /me
    const upstream = call.queryParam('user');
    if (upstream !== null && upstream.startsWith(ANON_PREFIX)) {
      return reply('400 Bad Request', messagePage(lang, t.invalidLinkTitle, t.invalidLink, `user: ids starting with ${ANON_PREFIX} are reserved for anonymous visitors the engine names.`));
    }
    if (upstream !== null && ID_RE.test(upstream)) return branded('200 OK', page(code, upstream, view), d.sessions.read(call.cookie)?.user === upstream ? [] : [['set-cookie', d.sessions.issue(upstream, 'claimed')]]);
    const session = d.sessions.read(call.cookie);
    if (session !== null) return branded('200 OK', page(code, session.user, view));
    const anon = newAnonymousId();
    return branded('200 OK', page(code, anon, view), [['set-cookie', d.sessions.issue(anon, 'anonymous')]]);
  };
  return [
    { method: 'get', pattern: '/c/:code', ip: true, language: true, handle: (call) => handle(call, call.params[0] ?? '', null) },
    { method: 'get', pattern: '/C/:code', ip: true, language: true, handle: (call) => handle(call, call.params[0] ?? '', null) },
    { method: 'get', pattern: '/01/:gtin/21/:code', ip: true, language: true, handle: (call) => handle(call, call.params[1] ?? '', call.params[0] ?? '') },
    { method: 'get', pattern: '/assets/landing.js', handle: () => script },
    // the reveal animations, shared with the store's pages
    { method: 'get', pattern: '/assets/reveal.js', handle: () => revealScript },
    { method: 'get', pattern: '/assets/landing.css', handle: () => style },
    // every phone browser asks for it: an empty answer rather than a 404 in its console
    { method: 'get', pattern: '/favicon.ico', handle: () => ({ status: '204 No Content', body: '', headers: [['cache-control', 'public, max-age=86400']] }) },
  ];
}
