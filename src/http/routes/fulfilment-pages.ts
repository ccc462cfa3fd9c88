// GET /v/{voucher} and GET /me: pages for the winner, no script, strict CSP.
import type { VoucherCodec } from '../../fulfilment/voucher-codec.js';
import type { Wins } from '../../fulfilment/wins.js';
import { winsFor, type MeViewer } from '../../fulfilment/me-viewer.js';
import { voucherNotFoundPage, voucherPage } from '../../fulfilment/pages/voucher-page.js';
import { mePage, meJson } from '../../fulfilment/pages/me-page.js';
import { HTML_HEADERS, HTML_TYPE } from '../../fulfilment/pages/html.js';
import { JSON_TYPE, type Reply } from '../http-call.js';
import type { Route } from '../router.js';

const ME_LIMIT = 100;

/** `viewerOf`: who a request's Cookie header names: the landing page's signed session (src/identity/session-cookie.ts) */
export function fulfilmentPages(vouchers: VoucherCodec, wins: Wins, viewerOf: (cookieHeader: string) => MeViewer | null): Route[] {
  const notFound: Reply = { status: '404 Not Found', body: voucherNotFoundPage, type: HTML_TYPE, headers: HTML_HEADERS };
  return [
    {
      method: 'get',
      pattern: '/v/:voucher',
      async handle(call) {
        const voucher = vouchers.parse(call.params[0] ?? '');
        if (voucher === null) return notFound;
        const found = await wins.byVoucher(voucher);
        if (found === null) return notFound;
        const body = await voucherPage(voucher, vouchers.voucherOf(found.win.eventId).url, await wins.stateOf(found));
        return { status: '200 OK', body, type: HTML_TYPE, headers: HTML_HEADERS };
      },
    },
    {
      method: 'get',
      pattern: '/me',
      async handle(call) {
        const viewer = viewerOf(call.cookie);
        const user = viewer?.user ?? null;
        const list = viewer === null ? [] : winsFor(viewer, await wins.ofUser(viewer.user, ME_LIMIT));
        if (call.queryParam('format') === 'json') {
          return { status: '200 OK', body: meJson(user, list), type: JSON_TYPE, headers: [['cache-control', 'no-store']] };
        }
        return { status: '200 OK', body: mePage(list), type: HTML_TYPE, headers: HTML_HEADERS };
      },
    },
  ];
}
