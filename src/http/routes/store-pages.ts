// The store's pages for people (门店场景码, 抽奖, 线上抽奖线下开奖), in the style of the scan page:
// - GET /s/{sceneCode}: the page a phone opens from a shop's scene code. The server checks the MAC (a
//   forged code gets a 404 page, no Redis call) and names the shop; the page's script checks the visitor
//   in through POST /v1/checkins and spends draw chances through POST /v1/draws, so link previews that
//   only fetch the page never check anyone in.
// - GET /draw/{campaignId}: the draw page: the visitor's chances, and the wheel that stops on the result
//   the server decided.
// - GET /t/{ticket}: a sealed ticket as a QR code for the shop to scan; GET /t/{ticket}/state tells its
//   page when the ticket was revealed and what it drew, for the page to reveal it on the buyer's phone.
// Each shows the look (brand, theme, animation) of its campaign: for a check-in, the campaign ?campaign=
// names, else the live campaign that takes check-ins when there is exactly one; with several, the page
// lists them (name and brand) for the visitor to choose. The visitor is kept in the same signed session cookie as
// the scan page's: open mode takes ?user= as sent (never an anon_ id), else the session's user, else a
// new anonymous id; verified mode the session.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import type { SceneCodec } from '../../codes/scene-codec.js';
import type { ShopStore } from '../../shops/shop-store.js';
import type { IdentityMode } from '../../identity/scan-identity.js';
import type { SessionCookies } from '../../identity/session-cookie.js';
import { ANON_PREFIX, newAnonymousId } from '../../identity/anonymous.js';
import type { CampaignStore } from '../../campaigns/campaign-store.js';
import { phaseOf } from '../../campaigns/campaign.js';
import { pageLanguage } from '../../fulfilment/pages/page-language.js';
import { logoOrigin, pageViewOf, type PageView } from '../../fulfilment/pages/page-view.js';
import { PROJECT_ROOT } from '../../paths.js';
import { ID_RE } from '../../validation/json-fields.js';
import type { Draws } from '../../chances/draws.js';
import { campaignsTakingCheckIns } from '../../shops/check-ins.js';
import { JSON_TYPE, type HttpCall, type Reply } from '../http-call.js';
import type { Route } from '../router.js';
import { csp, OTHER_HEADERS } from './page-parts.js';
import { checkInChoicePage, checkInPage, drawPage, invalidScenePage, noSuchCheckInPage, ticketPage, unknownCampaignPage, unknownTicketPage } from './store-page-html.js';

export interface StorePageDeps {
  scenes: SceneCodec;
  shops: ShopStore;
  mode: IdentityMode;
  sessions: SessionCookies;
  draws: Draws;
  campaigns: CampaignStore;
  /** a stored event's JSON (null until the persist step stored it): a revealed ticket's draw */
  eventBody: (eventId: string) => string | null;
  now: () => number;
}

const HTML = 'text/html; charset=utf-8';
type Headers = readonly (readonly [string, string])[];

/** who is looking: the user the page's script names (open mode), the user whose balance it shows, the cookie to set */
interface Visitor {
  readonly pageUser: string | null;
  readonly user: string | null;
  readonly setCookie: Headers;
}

function asset(name: string, type: string): Reply {
  return { status: '200 OK', body: readFileSync(join(PROJECT_ROOT, 'assets', name)), type, headers: [['cache-control', 'public, max-age=300'], ['x-content-type-options', 'nosniff']] };
}

export function storePages(d: StorePageDeps): Route[] {
  const js = 'text/javascript; charset=utf-8';
  const files = { 'store.js': asset('store.js', js), 'draw.js': asset('draw.js', js), 'draw-page.js': asset('draw-page.js', js), 'ticket.js': asset('ticket.js', js), 'store.css': asset('store.css', 'text/css; charset=utf-8') };
  const reply = (status: string, body: string, view: PageView | null, extra: Headers = []): Reply => ({
    status,
    body,
    type: HTML,
    headers: [['content-security-policy', csp(view === null ? null : logoOrigin(view))], ...OTHER_HEADERS, ...extra],
  });

  const visitorOf = (call: HttpCall): Visitor => {
    const session = d.sessions.read(call.cookie);
    if (d.mode === 'verified') {
      if (session !== null && session.kind !== 'claimed') return { pageUser: null, user: session.user, setCookie: [] };
      return { pageUser: null, user: null, setCookie: [['set-cookie', d.sessions.issue(newAnonymousId(), 'anonymous')]] };
    }
    const upstream = call.queryParam('user');
    if (upstream !== null && ID_RE.test(upstream) && !upstream.startsWith(ANON_PREFIX)) {
      return { pageUser: upstream, user: upstream, setCookie: session?.user === upstream ? [] : [['set-cookie', d.sessions.issue(upstream, 'claimed')]] };
    }
    if (session !== null) return { pageUser: session.user, user: session.user, setCookie: [] };
    const anon = newAnonymousId();
    return { pageUser: anon, user: null, setCookie: [['set-cookie', d.sessions.issue(anon, 'anonymous')]] };
  };

  // the check-in page: for the campaign ?campaign= names, else the only one taking check-ins; with several
  // and none named, the visitor chooses (a check-in must name its campaign then)
  const checkIn = async (call: HttpCall): Promise<Reply> => {
    const lang = pageLanguage(call.acceptLanguage);
    const n = d.scenes.decode(call.params[0] ?? '');
    const shop = n === null ? null : await d.shops.byNumber(n);
    if (n === null || shop === null) return reply('404 Not Found', invalidScenePage(lang), null);
    const code = d.scenes.encode(n);
    const v = visitorOf(call);
    // the links of the page keep the user the visitor came with (open mode)
    const linkUser = v.pageUser !== null && v.pageUser === call.queryParam('user') ? v.pageUser : null;
    const open = campaignsTakingCheckIns(d.campaigns.all(), d.now());
    const wanted = call.queryParam('campaign');
    if (wanted !== null) {
      const malformed = !ID_RE.test(wanted);
      const c = malformed ? undefined : open.find((x) => x.def.id === wanted);
      if (c === undefined) return reply(malformed ? '400 Bad Request' : '404 Not Found', noSuchCheckInPage(lang, code, linkUser, malformed), null, v.setCookie);
      const view = pageViewOf(c.def, lang);
      return reply('200 OK', checkInPage(view, code, shop.name, v.pageUser), view, v.setCookie);
    }
    if (open.length > 1) {
      const now = d.now();
      const choices = open.map((c) => ({ id: c.def.id, name: c.def.name, brand: c.def.page?.brand ?? null, paused: phaseOf(c.def, now) === 'paused' }));
      const plain = pageViewOf(null, lang);
      return reply('200 OK', checkInChoicePage(plain, code, shop.name, choices, linkUser), plain, v.setCookie);
    }
    const view = pageViewOf(open[0]?.def ?? null, lang);
    return reply('200 OK', checkInPage(view, code, shop.name, v.pageUser), view, v.setCookie);
  };

  const draw = async (call: HttpCall): Promise<Reply> => {
    const lang = pageLanguage(call.acceptLanguage);
    const c = d.campaigns.get(call.params[0] ?? '');
    if (c === undefined || c.def.state === 'draft') return reply('404 Not Found', unknownCampaignPage(lang), null);
    const view = pageViewOf(c.def, lang);
    const v = visitorOf(call);
    const chances = v.user === null ? 0 : ((await d.draws.balances(v.user))[c.def.id] ?? 0);
    const phase = phaseOf(c.def, d.now());
    return reply('200 OK', drawPage(view, chances, v.pageUser, phase === 'draft' ? 'scheduled' : phase), view, v.setCookie);
  };

  // the visitor's chances in a campaign, for the draw page to read again when it comes back into view
  // (chances granted or spent elsewhere meanwhile: a check-in, 拼团, another tab)
  const drawChances = async (call: HttpCall): Promise<Reply> => {
    const c = d.campaigns.get(call.params[0] ?? '');
    if (c === undefined || c.def.state === 'draft') return { status: '404 Not Found', body: '{"error":{"code":"not_found","message":"campaignId: no such campaign"}}', type: JSON_TYPE, headers: [['cache-control', 'no-store']] };
    const v = visitorOf(call);
    const chances = v.user === null ? 0 : ((await d.draws.balances(v.user))[c.def.id] ?? 0);
    return { status: '200 OK', body: JSON.stringify({ campaignId: c.def.id, chances }), type: JSON_TYPE, headers: [['cache-control', 'no-store'], ...v.setCookie] };
  };

  const ticket = async (call: HttpCall): Promise<Reply> => {
    const lang = pageLanguage(call.acceptLanguage);
    const t = await d.draws.ticketState(call.params[0] ?? '');
    if (t === null) return reply('404 Not Found', unknownTicketPage(lang), null);
    const view = pageViewOf(d.campaigns.get(t.campaignId)?.def ?? null, lang);
    const svg = t.state === 'open' ? await QRCode.toString(t.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) : '';
    return reply('200 OK', ticketPage(view, t.code, t.state, svg), view);
  };

  // the ticket's state for its page: `result` is the reveal's draw, from the event the reveal kept in the
  // ticket's record in Redis (every engine reads it, whichever stored the event); a ticket revealed before
  // the record kept it has its event looked up in this engine's store
  const ticketState = async (call: HttpCall): Promise<Reply> => {
    const t = await d.draws.ticketState(call.params[0] ?? '');
    if (t === null) return { status: '404 Not Found', body: '{"error":{"code":"not_found","message":"ticket: no such ticket"}}', type: JSON_TYPE, headers: [['cache-control', 'no-store']] };
    const body = t.revealEvent ?? (t.revealEventId === null ? null : d.eventBody(t.revealEventId));
    const event = body === null ? null : (JSON.parse(body) as { draw?: { set?: unknown }; shop?: unknown });
    // a set the reveal's card completed is in the event's draw
    const result = event === null ? null : { draw: event.draw ?? null, shop: event.shop ?? null, set: event.draw?.set ?? null };
    return { status: '200 OK', body: JSON.stringify({ ticket: t.code, state: t.state, result }), type: JSON_TYPE, headers: [['cache-control', 'no-store']] };
  };

  return [
    { method: 'get', pattern: '/s/:code', language: true, handle: checkIn },
    { method: 'get', pattern: '/draw/:campaignId', language: true, handle: draw },
    { method: 'get', pattern: '/draw/:campaignId/chances', handle: drawChances },
    { method: 'get', pattern: '/t/:ticket', language: true, handle: ticket },
    { method: 'get', pattern: '/t/:ticket/state', handle: ticketState },
    ...Object.entries(files).map(([name, file]): Route => ({ method: 'get', pattern: `/assets/${name}`, handle: () => file })),
  ];
}
