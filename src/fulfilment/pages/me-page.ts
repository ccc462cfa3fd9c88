// GET /me: the session user's wins and what became of them (a voucher open or redeemed, a payout
// pending, paid or failed, points credited) and the points balance, as a page, or as JSON with
// `?format=json` (the scan page reads it to show a returning buyer's prize and its state).
import type { WinState } from '../wins.js';
import { isRedeemable } from '../win-record.js';
import { esc, page } from './html.js';
import { formatTime, type Lang } from './page-language.js';
import type { PageView } from './page-view.js';
import { prizeLine, WORDS, type WinStateName } from './page-words.js';

export type { WinStateName };

export function stateName(s: WinState): WinStateName {
  if (isRedeemable(s.win.prize)) return s.redemption ? 'redeemed' : 'open';
  if (s.win.prize.kind === 'cash') return s.payout?.state ?? 'pending';
  // a card (集卡) goes into the user's set, not into a points balance
  if (s.win.prize.kind === 'card') return 'collected';
  return 'credited';
}

export function meJson(user: string | null, wins: readonly WinState[], points: number | null): string {
  return JSON.stringify({
    user,
    // the balance of a signed-in visitor (the scan page shows it after a points win)
    ...(user === null ? {} : { points }),
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

/** `viewOf`: the campaign view of a win (its zone, its brand, its prize texts) */
/** `more`: HTML of further cards below the wins (the set progress: src/fulfilment/pages/set-progress.ts) */
export function mePage(wins: readonly WinState[], points: number | null, lang: Lang, viewOf: (campaignId: string | null) => PageView, more = ''): string {
  const w = WORDS[lang];
  const items = wins.map((s) => {
    const view = viewOf(s.win.campaignId);
    const name = stateName(s);
    const brand = view.page.brand === undefined ? '' : `<span class="muted">${esc(view.page.brand)}</span><br>`;
    const state = s.redemption ? w.redeemedAt(s.redemption.shop, formatTime(s.redemption.at, view.timeZone, lang)) : w.state[name];
    const prizeView = view.prizes[s.win.prize.id];
    const until = name === 'open' && prizeView?.redeemBy ? ` · ${w.redeemBy} ${prizeView.redeemBy}` : '';
    // where and how to redeem: the prize's own words, else the usual way for a voucher
    const claim = name === 'open' ? `<br><span class="muted claim">${esc(prizeView?.claim ?? w.showInShop)}</span>` : '';
    const url = s.win.prize.voucher?.url;
    const link = name === 'open' && url ? `<br><a href="${esc(url)}">${w.openVoucher}</a>` : '';
    return `<li>${brand}<strong>${esc(prizeLine(w, s.win.prize))}</strong><br><span class="muted">${esc(w.wonAt(formatTime(s.win.at, view.timeZone, lang)))}</span><br><span class="state-${name}">${esc(state + until)}</span>${claim}${link}</li>`;
  });
  const balance = points === null || points === 0 ? '' : `<p id="points">${w.points}: <strong>${points}</strong></p>`;
  return page(w.myPrizes, `<div class="card"><h1>${w.myPrizes}</h1>${balance}${items.length === 0 ? `<p class="muted">${w.noPrizes}</p>` : `<ul id="wins">${items.join('')}</ul>`}</div>${more}`, lang);
}
