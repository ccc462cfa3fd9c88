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
import { PROJECT_ROOT } from '../../paths.js';
import { ID_RE } from '../../validation/json-fields.js';
import { clientIp } from '../client-ip.js';
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
}

const HTML = 'text/html; charset=utf-8';
const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['content-security-policy', "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"],
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer'],
  ['x-frame-options', 'DENY'],
  ['cache-control', 'no-store'],
];

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function page(code: string, user: string | null): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>正品验证 · Product check</title>
<link rel="stylesheet" href="/assets/landing.css">
</head>
<body><main id="scan" data-code="${escapeAttr(code)}"${user === null ? '' : ` data-user="${escapeAttr(user)}"`}>
<div class="card" id="verdict"><h1>正在验证… <span class="en">Checking…</span></h1></div>
<div class="card" id="prize" hidden></div>
<p><code>${escapeAttr(code)}</code></p>
</main>
<script src="/assets/landing.js"></script>
</body></html>`;
}

const messagePage = (title: string, zh: string, en: string): string => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><link rel="stylesheet" href="/assets/landing.css"></head>
<body><main><div class="card"><h1 class="bad">${zh}</h1><p>${en}</p></div></main></body></html>`;

const notFoundPage = messagePage('无效的码 · Invalid code', '无效的码，可能是假冒产品', 'This is not a valid code: the product may not be genuine.');

function asset(name: string, type: string): Reply {
  return { status: '200 OK', body: readFileSync(join(PROJECT_ROOT, 'assets', name)), type, headers: [['cache-control', 'public, max-age=300'], ['x-content-type-options', 'nosniff']] };
}

export function landingRoutes(d: LandingDeps): Route[] {
  const script = asset('landing.js', 'text/javascript; charset=utf-8');
  const style = asset('landing.css', 'text/css; charset=utf-8');
  const reply = (status: string, body: string, extra: readonly (readonly [string, string])[] = []): Reply => ({ status, body, type: HTML, headers: [...SECURITY_HEADERS, ...extra] });

  const handle = async (call: HttpCall, codeParam: string, gtin: string | null): Promise<Reply> => {
    const decoded = d.codec.decode(codeParam);
    let batch: Batch | null = null;
    try {
      batch = decoded === null ? null : (d.batches.cached(decoded.batchId) ?? (await d.batches.get(decoded.batchId)));
    } catch {
      return reply('503 Service Unavailable', messagePage('请稍后再试 · Try again', '暂时无法验证，请稍后再试', 'The check is unavailable for a moment: please try again.'));
    }
    if (decoded === null || batch === null || decoded.serial >= batch.size || (gtin !== null && gtin !== batch.sku)) {
      const err = d.guard.forged(clientIp(call, d.trustProxy), d.now(), new ApiError('invalid_code', 'not a valid code'));
      if (err.code === 'rate_limited') return reply(err.status, messagePage('请稍后再试 · Too many requests', '请求过多，请稍后再试', 'Too many invalid codes from this address: retry later.'), [['retry-after', String(err.retryAfterS)]]);
      return reply('404 Not Found', notFoundPage);
    }
    const code = canonicalCode(codeParam);
    if (d.mode === 'verified') {
      const token = call.queryParam('t');
      if (token !== null) {
        if (d.links === null) return reply('401 Unauthorized', messagePage('无法登录 · Sign-in failed', '无法确认您的身份', 'Sign-in is not configured on this engine.'));
        let user: string;
        try {
          user = await d.links.accept(token);
        } catch (err) {
          if (err instanceof ApiError && err.code === 'unavailable') return reply('503 Service Unavailable', messagePage('请稍后再试 · Try again', '暂时无法登录，请稍后再试', 'Sign-in is unavailable for a moment: please try again.'));
          const why = err instanceof ApiError ? err.message : 'consumer token: invalid';
          return reply('401 Unauthorized', messagePage('无法登录 · Sign-in failed', '无法确认您的身份', why.replace(/[<>&"]/g, '')));
        }
        // the token leaves the address bar (and history, and Referer) at once; a browser signed in as
        // someone else stays so (the link is spent either way)
        const held = d.sessions.read(call.cookie);
        const keep = held !== null && held.kind === 'verified' && held.user !== user;
        return { status: '302 Found', body: '', headers: [...SECURITY_HEADERS, ['location', call.url], ...(keep ? [] : [['set-cookie', d.sessions.issue(user, 'verified')] as const])] };
      }
      const session = d.sessions.read(call.cookie);
      if (session !== null && session.kind !== 'claimed') return reply('200 OK', page(code, null));
      return reply('200 OK', page(code, null), [['set-cookie', d.sessions.issue(newAnonymousId(), 'anonymous')]]);
    }
    // open mode takes an upstream id as sent; the session remembers it for GET /me
    const upstream = call.queryParam('user');
    if (upstream !== null && upstream.startsWith(ANON_PREFIX)) {
      return reply('400 Bad Request', messagePage('无效的链接 · Invalid link', '链接无效', `user: ids starting with ${ANON_PREFIX} are reserved for anonymous visitors the engine names.`));
    }
    if (upstream !== null && ID_RE.test(upstream)) return reply('200 OK', page(code, upstream), d.sessions.read(call.cookie)?.user === upstream ? [] : [['set-cookie', d.sessions.issue(upstream, 'claimed')]]);
    const session = d.sessions.read(call.cookie);
    if (session !== null) return reply('200 OK', page(code, session.user));
    const anon = newAnonymousId();
    return reply('200 OK', page(code, anon), [['set-cookie', d.sessions.issue(anon, 'anonymous')]]);
  };
  return [
    { method: 'get', pattern: '/c/:code', ip: true, handle: (call) => handle(call, call.params[0] ?? '', null) },
    { method: 'get', pattern: '/C/:code', ip: true, handle: (call) => handle(call, call.params[0] ?? '', null) },
    { method: 'get', pattern: '/01/:gtin/21/:code', ip: true, handle: (call) => handle(call, call.params[1] ?? '', call.params[0] ?? '') },
    { method: 'get', pattern: '/assets/landing.js', handle: () => script },
    { method: 'get', pattern: '/assets/landing.css', handle: () => style },
  ];
}
