// GET /s/{sceneCode}: the page a phone opens from a shop's scene code (门店场景码). The server checks the
// MAC (a forged code gets a 404 page, no Redis call) and names the shop; the page's script (a served file:
// the CSP allows no inline script) checks the visitor in through POST /v1/checkins and lets them spend a
// draw chance through POST /v1/draws, so link previews that only fetch the page never check anyone in.
// The visitor is kept in the same signed session cookie as the scan page's: open mode takes ?user= as
// sent (never an anon_ id), else the session's user, else a new anonymous id; verified mode the session.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SceneCodec } from '../../codes/scene-codec.js';
import type { ShopStore } from '../../shops/shop-store.js';
import type { IdentityMode } from '../../identity/scan-identity.js';
import type { SessionCookies } from '../../identity/session-cookie.js';
import { ANON_PREFIX, newAnonymousId } from '../../identity/anonymous.js';
import { pageLanguage, type Lang } from '../../fulfilment/pages/page-language.js';
import { PROJECT_ROOT } from '../../paths.js';
import { ID_RE } from '../../validation/json-fields.js';
import QRCode from 'qrcode';
import type { Draws } from '../../chances/draws.js';
import type { HttpCall, Reply } from '../http-call.js';
import type { Route } from '../router.js';

export interface StorePageDeps {
  scenes: SceneCodec;
  shops: ShopStore;
  mode: IdentityMode;
  sessions: SessionCookies;
  draws: Draws;
}

const HTML = 'text/html; charset=utf-8';
const HEADERS: readonly (readonly [string, string])[] = [
  ['content-security-policy', "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"],
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer'],
  ['x-frame-options', 'DENY'],
  ['cache-control', 'no-store'],
  ['vary', 'Accept-Language'],
];

const T = {
  zh: { title: '门店签到', checking: '正在签到…', invalid: '无效的门店码', invalidLine: '未查到此门店码，请扫描店内张贴的二维码。' },
  en: { title: 'Shop check-in', checking: 'Checking in…', invalid: 'Unknown shop code', invalidLine: 'This shop code is unknown: scan the QR code displayed in the shop.' },
} as const;

const TICKET = {
  zh: { title: '抽奖券', open: '到店出示此券，店员扫码后开奖。', revealed: '此券已开奖。', unknown: '未查到此抽奖券。' },
  en: { title: 'Draw ticket', open: 'Show this ticket in a shop: the clerk scans it and the draw is revealed.', revealed: 'This ticket has been revealed.', unknown: 'This ticket is unknown.' },
} as const;

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function page(lang: Lang, sceneCode: string, shopName: string, user: string | null): string {
  const t = T[lang];
  return `<!doctype html>
<html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${t.title}</title>
<link rel="stylesheet" href="/assets/landing.css">
<link rel="stylesheet" href="/assets/store.css">
</head>
<body><main id="checkin" data-scene="${escape(sceneCode)}" data-lang="${lang}"${user === null ? '' : ` data-user="${escape(user)}"`}>
<header class="brand"><div><strong id="shop-name">${escape(shopName)}</strong></div></header>
<div class="card" id="verdict"><h1>${t.checking}</h1></div>
<div class="card" id="draw-card" hidden><p id="chances"></p><div class="wheel" id="wheel" aria-hidden="true"></div><button type="button" class="button" id="draw"></button><div id="draw-result"></div></div>
<ul class="card" id="reveals" hidden></ul>
<p><a href="/me" id="mine"></a></p>
</main>
<script src="/assets/store.js"></script>
</body></html>`;
}

function asset(name: string, type: string): Reply {
  return { status: '200 OK', body: readFileSync(join(PROJECT_ROOT, 'assets', name)), type, headers: [['cache-control', 'public, max-age=300'], ['x-content-type-options', 'nosniff']] };
}

export function storePages(d: StorePageDeps): Route[] {
  const script = asset('store.js', 'text/javascript; charset=utf-8');
  const style = asset('store.css', 'text/css; charset=utf-8');
  const reply = (status: string, body: string, extra: readonly (readonly [string, string])[] = []): Reply => ({ status, body, type: HTML, headers: [...HEADERS, ...extra] });

  const handle = async (call: HttpCall): Promise<Reply> => {
    const lang = pageLanguage(call.acceptLanguage);
    const t = T[lang];
    const raw = call.params[0] ?? '';
    const n = d.scenes.decode(raw);
    const shop = n === null ? null : await d.shops.byNumber(n);
    if (n === null || shop === null) {
      return reply('404 Not Found', `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${t.invalid}</title><link rel="stylesheet" href="/assets/landing.css"></head><body><main><div class="card fake"><h1 class="bad">${t.invalid}</h1><p>${t.invalidLine}</p></div></main></body></html>`);
    }
    const sceneCode = d.scenes.encode(n);
    const session = d.sessions.read(call.cookie);
    if (d.mode === 'verified') {
      if (session !== null && session.kind !== 'claimed') return reply('200 OK', page(lang, sceneCode, shop.name, null));
      return reply('200 OK', page(lang, sceneCode, shop.name, null), [['set-cookie', d.sessions.issue(newAnonymousId(), 'anonymous')]]);
    }
    const upstream = call.queryParam('user');
    if (upstream !== null && ID_RE.test(upstream) && !upstream.startsWith(ANON_PREFIX)) {
      return reply('200 OK', page(lang, sceneCode, shop.name, upstream), session?.user === upstream ? [] : [['set-cookie', d.sessions.issue(upstream, 'claimed')]]);
    }
    if (session !== null) return reply('200 OK', page(lang, sceneCode, shop.name, session.user));
    const anon = newAnonymousId();
    return reply('200 OK', page(lang, sceneCode, shop.name, anon), [['set-cookie', d.sessions.issue(anon, 'anonymous')]]);
  };
  // GET /t/{ticket}: a sealed ticket (线上抽奖,线下开奖) as a QR code for the shop to scan, and its state
  const ticketPage = async (call: HttpCall): Promise<Reply> => {
    const lang = pageLanguage(call.acceptLanguage);
    const t = TICKET[lang];
    const ticket = await d.draws.ticketState(call.params[0] ?? '');
    const shell = (body: string): string =>
      `<!doctype html><html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${t.title}</title><link rel="stylesheet" href="/assets/landing.css"></head><body><main>${body}</main></body></html>`;
    if (ticket === null) return reply('404 Not Found', shell(`<div class="card fake"><h1 class="bad">${t.unknown}</h1></div>`));
    const svg = ticket.state === 'open' ? await QRCode.toString(ticket.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) : '';
    return reply(
      '200 OK',
      shell(`<div class="card" id="ticket" data-state="${ticket.state}"><h1>${t.title}</h1><p>${ticket.state === 'open' ? t.open : t.revealed}</p>${svg === '' ? '' : `<div class="qr">${svg}</div>`}<p class="code"><code>${escape(ticket.code)}</code></p></div>`),
    );
  };
  return [
    { method: 'get', pattern: '/s/:code', language: true, handle },
    { method: 'get', pattern: '/t/:ticket', language: true, handle: ticketPage },
    { method: 'get', pattern: '/assets/store.js', handle: () => script },
    { method: 'get', pattern: '/assets/store.css', handle: () => style },
  ];
}
