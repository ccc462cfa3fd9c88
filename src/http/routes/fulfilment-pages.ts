// GET /v/{voucher}, its QR code as SVG, and GET /me: pages for the winner, no script, strict CSP, in the
// language Accept-Language asks for and the time zone of the win's campaign.
import type { CampaignStore } from '../../campaigns/campaign-store.js';
import type { VoucherCodec } from '../../codes/voucher-codec.js';
import type { Wins } from '../../fulfilment/wins.js';
import { isExpired, voucherNotFoundPage, voucherPage, voucherQrSvg } from '../../fulfilment/pages/voucher-page.js';
import { winsFor, type MeViewer } from '../../fulfilment/me-viewer.js';
import { mePage, meJson } from '../../fulfilment/pages/me-page.js';
import { setProgressHtml, type SetProgress } from '../../fulfilment/pages/set-progress.js';
import { HTML_HEADERS, HTML_TYPE, htmlHeadersFor } from '../../fulfilment/pages/html.js';
import { pageLanguage, type Lang } from '../../fulfilment/pages/page-language.js';
import { DEFAULT_TIME_ZONE, pageViewOf, type PageView } from '../../fulfilment/pages/page-view.js';
import { JSON_TYPE, type Reply } from '../http-call.js';
import type { Route } from '../router.js';

const ME_LIMIT = 100;

export interface FulfilmentPageDeps {
  campaigns: CampaignStore;
  /** the user's points balance */
  pointsOf: (user: string) => Promise<number>;
  /** 集卡: the user's progress in the sets of every campaign (absent: no such section) */
  setsOf?: (user: string) => Promise<SetProgress[]>;
  now: () => number;
  /** PUBLIC_BASE_URL: a voucher's QR code holds its page's address */
  publicBaseUrl: string;
}

/** `viewerOf`: who a request's Cookie header names: the landing page's signed session (src/identity/session-cookie.ts) */
export function fulfilmentPages(vouchers: VoucherCodec, wins: Wins, viewerOf: (cookieHeader: string) => MeViewer | null, d: FulfilmentPageDeps): Route[] {
  const notFound = (lang: Lang): Reply => ({ status: '404 Not Found', body: voucherNotFoundPage(lang), type: HTML_TYPE, headers: HTML_HEADERS });
  const viewOf = (campaignId: string | null, lang: Lang): PageView => pageViewOf(campaignId === null ? null : (d.campaigns.get(campaignId)?.def ?? null), lang);
  return [
    {
      method: 'get',
      pattern: '/v/:voucher',
      language: true,
      async handle(call) {
        const lang = pageLanguage(call.acceptLanguage);
        const voucher = vouchers.parse(call.params[0] ?? '');
        if (voucher === null) return notFound(lang);
        const found = await wins.byVoucher(voucher);
        if (found === null) return notFound(lang);
        const view = viewOf(found.win.campaignId, lang);
        const def = found.win.campaignId === null ? undefined : d.campaigns.get(found.win.campaignId)?.def;
        const redeemBy = def?.prizes.find((p) => p.id === found.win.prize.id)?.redeemBy;
        const body = await voucherPage(voucher, vouchers.voucherOf(found.win.eventId).url, await wins.stateOf(found), view, isExpired(redeemBy, def?.timezone ?? DEFAULT_TIME_ZONE, d.now()));
        return { status: '200 OK', body, type: HTML_TYPE, headers: htmlHeadersFor(view) };
      },
    },
    {
      // the voucher's QR code alone, for the scan page to show on a win (an image of the engine's own origin)
      method: 'get',
      pattern: '/v/:voucher/qr.svg',
      async handle(call) {
        const voucher = vouchers.parse(call.params[0] ?? '');
        // only the code of a voucher that was won: a made-up one (even with a valid check) is 404
        if (voucher === null || (await wins.byVoucher(voucher)) === null) return { status: '404 Not Found', body: '', headers: [['cache-control', 'no-store']] };
        return { status: '200 OK', body: await voucherQrSvg(`${d.publicBaseUrl.replace(/\/+$/, '')}/v/${voucher}`), type: 'image/svg+xml', headers: [['cache-control', 'private, max-age=3600'], ['x-content-type-options', 'nosniff']] };
      },
    },
    {
      method: 'get',
      pattern: '/me',
      language: true,
      async handle(call) {
        const lang = pageLanguage(call.acceptLanguage);
        const viewer = viewerOf(call.cookie);
        const user = viewer?.user ?? null;
        const list = viewer === null ? [] : winsFor(viewer, await wins.ofUser(viewer.user, ME_LIMIT));
        const points = user === null ? null : await d.pointsOf(user);
        if (call.queryParam('format') === 'json') {
          return { status: '200 OK', body: meJson(user, list, points), type: JSON_TYPE, headers: [['cache-control', 'no-store']] };
        }
        const sets = user === null || d.setsOf === undefined ? [] : await d.setsOf(user);
        return { status: '200 OK', body: mePage(list, points, lang, (id) => viewOf(id, lang), setProgressHtml(sets, lang)), type: HTML_TYPE, headers: HTML_HEADERS };
      },
    },
  ];
}
