// GET /v/{voucher}: the prize, the voucher as a QR code (SVG drawn by the qrcode package on the server:
// no script, no network), how to claim it and until when, and its state: open, or redeemed at which
// shop and when; times in the campaign's zone, in the page's language.
import QRCode from 'qrcode';
import type { WinState } from '../wins.js';
import { brandHeader, esc, page } from './html.js';
import { formatTime, type Lang } from './page-language.js';
import type { PageView } from './page-view.js';
import { prizeLine, WORDS } from './page-words.js';

/** the voucher as a QR code (SVG), for this page and for the scan page's <img> */
export const voucherQrSvg = (url: string): Promise<string> => QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });

/** true when a voucher's last day (a date in the campaign's zone, or a date-time) is behind `now` */
export function isExpired(redeemBy: string | undefined, timeZone: string, now: number): boolean {
  if (redeemBy === undefined) return false;
  if (/^\d{4}-\d{2}-\d{2}$/.test(redeemBy)) {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
    return today > redeemBy;
  }
  return now > Date.parse(redeemBy);
}

export async function voucherPage(voucher: string, url: string, s: WinState, view: PageView, expired: boolean): Promise<string> {
  const w = WORDS[view.lang];
  const svg = await voucherQrSvg(url);
  const prizeView = view.prizes[s.win.prize.id];
  const claim = prizeView?.claim ?? w.showInShop;
  const until = prizeView?.redeemBy ? `<p id="redeem-by">${w.redeemBy}: ${esc(prizeView.redeemBy)}${expired ? ` (${w.expired})` : ''}</p>` : '';
  const state = s.redemption
    ? `<h1 class="warn">${w.state.redeemed}</h1><p id="redeemed">${esc(w.redeemedAt(s.redemption.shop, formatTime(s.redemption.at, view.timeZone, view.lang)))}</p>`
    : expired
      ? `<h1 class="bad">${w.expired}</h1>${until}`
      : `<h1 class="ok">${w.state.open}</h1><p id="claim">${esc(claim)}</p>${until}`;
  return page(
    `${w.voucher} · ${s.win.prize.name}`,
    `<div class="card"><h1>${w.youWon}</h1><p id="prize">${esc(prizeLine(w, s.win.prize))}</p><p class="muted">${esc(w.wonAt(formatTime(s.win.at, view.timeZone, view.lang)))}</p></div>
<div class="card qr">${svg}<p><code id="voucher">${esc(voucher)}</code></p></div>
<div class="card" id="state">${state}</div>
<p><a href="/me">${w.myPrizes}</a></p>`,
    view.lang,
    brandHeader(view),
  );
}

export const voucherNotFoundPage = (lang: Lang): string =>
  page(WORDS[lang].invalidVoucher, `<div class="card"><h1 class="bad">${WORDS[lang].invalidVoucher}</h1><p class="muted">${WORDS[lang].invalidVoucherLine}</p></div>`, lang);
