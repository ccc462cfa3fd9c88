// GET /me: the session user's wins and what became of them (a voucher open or redeemed, a payout
// pending, paid or failed, points credited), as a page, or as JSON with `?format=json`.
import type { WinState } from '../wins.js';
import { isRedeemable } from '../win-record.js';
import { esc, page, prizeText } from './html.js';

export type WinStateName = 'open' | 'redeemed' | 'pending' | 'paid' | 'failed' | 'credited';

export function stateName(s: WinState): WinStateName {
  if (isRedeemable(s.win.prize)) return s.redemption ? 'redeemed' : 'open';
  if (s.win.prize.kind === 'cash') return s.payout?.state ?? 'pending';
  return 'credited';
}

export function meJson(user: string | null, wins: readonly WinState[]): string {
  return JSON.stringify({
    user,
    wins: wins.map((s) => ({
      eventId: s.win.eventId,
      campaignId: s.win.campaignId,
      at: s.win.at,
      prize: { id: s.win.prize.id, name: s.win.prize.name, kind: s.win.prize.kind, amount: s.win.prize.amount },
      state: stateName(s),
      voucher: s.win.prize.voucher ?? null,
      redemption: s.redemption ? { shop: s.redemption.shop, at: s.redemption.at } : null,
    })),
  });
}

const STATE_TEXT: Record<WinStateName, string> = {
  open: '未使用 · open',
  redeemed: '已核销 · redeemed',
  pending: '待发放 · payout pending',
  paid: '已发放 · paid',
  failed: '发放失败 · payout failed',
  credited: '已到账 · credited',
};

export function mePage(wins: readonly WinState[]): string {
  const items = wins.map((s) => {
    const name = stateName(s);
    const where = s.redemption ? ` (${esc(s.redemption.shop)}, ${esc(s.redemption.at)})` : '';
    const url = s.win.prize.voucher?.url;
    const link = name === 'open' && url ? ` · <a href="${esc(url)}">兑奖券 voucher</a>` : '';
    return `<li><strong>${esc(prizeText(s.win.prize))}</strong><br><span class="en">${esc(s.win.at)} · ${STATE_TEXT[name]}${where}</span>${link}</li>`;
  });
  return page(
    '我的奖品 · My prizes',
    `<div class="card"><h1>我的奖品 <span class="en">My prizes</span></h1>${
      items.length === 0 ? '<p class="en">还没有奖品 · No prizes yet.</p>' : `<ul id="wins">${items.join('')}</ul>`
    }</div>`,
  );
}
