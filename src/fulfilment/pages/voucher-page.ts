// GET /v/{voucher}: the prize, the voucher as a QR code (SVG drawn by the qrcode package on the server:
// no script, no network) and its state: open, or redeemed at which shop and when.
import QRCode from 'qrcode';
import type { WinState } from '../wins.js';
import { esc, page, prizeText } from './html.js';

export async function voucherPage(voucher: string, url: string, s: WinState): Promise<string> {
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const state = s.redemption
    ? `<h1 class="warn">已核销 · Redeemed</h1><p class="en">at shop <span id="shop">${esc(s.redemption.shop)}</span>, <time>${esc(s.redemption.at)}</time></p>`
    : `<h1 class="ok">未使用 · Open</h1><p class="en">Show this code in a shop to receive the prize.</p>`;
  return page(
    '兑奖券 · Voucher',
    `<div class="card"><h1>恭喜您获得 · You won</h1><p id="prize">${esc(prizeText(s.win.prize))}</p></div>
<div class="card qr">${svg}<p><code id="voucher">${esc(voucher)}</code></p></div>
<div class="card" id="state">${state}</div>`,
  );
}

export const voucherNotFoundPage = page(
  '无效的兑奖券 · Invalid voucher',
  `<div class="card"><h1 class="bad">无效的兑奖券</h1><p class="en">This is not a valid voucher.</p></div>`,
);
