// The HTML of the store's pages for people, in the style of the scan page: the campaign's brand, theme
// and reveal animation, one language, every name (the shop's, the brand's, a prize's) as text. The
// scripts (served files: the CSP allows no inline script) do the check-in and the draws; they read the
// campaign's look from a JSON data block whose `<` are escaped.
import type { Lang } from '../../fulfilment/pages/page-language.js';
import { viewJson, type PageView } from '../../fulfilment/pages/page-view.js';
import { brandHeader, escapeAttr, htmlLang, nextSteps } from './page-parts.js';

const T = {
  zh: {
    checkinTitle: '门店签到', checking: '正在签到…', drawTitle: '幸运大转盘', ticketTitle: '抽奖券',
    invalidScene: '无效的门店码', invalidSceneLine: '未查到此门店码，请扫描店内张贴的二维码。',
    unknownCampaign: '未找到此活动', unknownCampaignLine: '活动不存在或尚未开始。',
    unknownTicket: '未查到此抽奖券', unknownTicketLine: '请核对抽奖券链接后重试。',
    paused: '活动暂停中，恢复后即可抽奖，您的抽奖机会仍然保留。', ended: '活动已结束，感谢参与。', scheduled: '活动尚未开始，敬请期待。',
    shop: '门店', ticketOpen: '到店出示此券，店员扫码或您在店内扫描门店码后即可开奖。', ticketRevealed: '此券已开奖。', ticketCode: '券号',
  },
  en: {
    checkinTitle: 'Shop check-in', checking: 'Checking in…', drawTitle: 'Lucky wheel', ticketTitle: 'Draw ticket',
    invalidScene: 'Unknown shop code', invalidSceneLine: 'This shop code is unknown: scan the QR code displayed in the shop.',
    unknownCampaign: 'Promotion not found', unknownCampaignLine: 'This promotion does not exist or has not started.',
    unknownTicket: 'Unknown ticket', unknownTicketLine: 'Check the ticket\'s link and try again.',
    paused: 'The promotion is paused: your draw chances are kept for when it resumes.', ended: 'The promotion has ended: thank you for taking part.', scheduled: 'The promotion has not started yet.',
    shop: 'Shop', ticketOpen: 'Show this ticket in a shop: when the clerk scans it, or you scan the shop\'s code there, the draw is revealed.', ticketRevealed: 'This ticket has been revealed.', ticketCode: 'Ticket',
  },
} as const;

function shell(v: PageView, title: string, main: string, scripts: readonly string[]): string {
  const brand = v.page.brand === undefined ? '' : `${escapeAttr(v.page.brand)} · `;
  return `<!doctype html>
<html lang="${htmlLang(v.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${brand}${title}</title>
<link rel="stylesheet" href="/assets/landing.css">
<link rel="stylesheet" href="/assets/store.css">
</head>
<body class="theme-${escapeAttr(v.theme)}">${brandHeader(v)}${main}
<script type="application/json" id="view">${viewJson(v)}</script>
${scripts.map((s) => `<script src="/assets/${s}"></script>`).join('\n')}
</body></html>`;
}

/** the draw card: chances left, the stage the reveal plays on, the result, the button */
const drawCard = `<div class="card" id="draw-card" hidden><p id="chances"></p><div class="stage" id="stage"><div class="card result" id="draw-result" hidden></div></div><button type="button" class="button" id="draw"></button></div>`;

const userAttr = (user: string | null): string => (user === null ? '' : ` data-user="${escapeAttr(user)}"`);

/** GET /s/{sceneCode}: the shop, the check-in's verdict, the draw card, the tickets the check-in revealed */
export function checkInPage(v: PageView, sceneCode: string, shopName: string, user: string | null): string {
  const t = T[v.lang];
  return shell(
    v,
    t.checkinTitle,
    `<main id="checkin" data-scene="${escapeAttr(sceneCode)}"${userAttr(user)}>
<p class="shop">${t.shop} <strong id="shop-name">${escapeAttr(shopName)}</strong></p>
<div class="card" id="verdict"><h1>${t.checking}</h1></div>
${drawCard}
<div class="card" id="reveals" hidden><div class="stage" id="reveal-stage"><div class="card result" id="reveal-result" hidden></div></div></div>
${nextSteps(v)}
</main>`,
    ['reveal.js', 'draw.js', 'store.js'],
  );
}

/**
 * GET /draw/{campaignId}: spend a draw chance and see the wheel stop on the server's result. A campaign
 * that is not live says why, and its page offers no draw (`data-open="false"`).
 */
export function drawPage(v: PageView, chances: number, user: string | null, phase: 'live' | 'paused' | 'ended' | 'scheduled'): string {
  const t = T[v.lang];
  const name = v.campaign === null ? '' : `<h1 id="campaign-name">${escapeAttr(v.campaign.name)}</h1>`;
  const notice = phase === 'live' ? '' : `<p class="line warn" id="closed">${t[phase]}</p>`;
  return shell(
    v,
    t.drawTitle,
    `<main id="draw-page" data-chances="${chances}" data-open="${phase === 'live'}"${userAttr(user)}>
<div class="card" id="intro">${name}${notice}</div>
${drawCard}
${nextSteps(v)}
</main>`,
    ['reveal.js', 'draw.js', 'draw-page.js'],
  );
}

/** GET /t/{ticket}: the sealed ticket as a QR code while open; its result, revealed with the animation */
export function ticketPage(v: PageView, code: string, state: 'open' | 'revealed', qrSvg: string): string {
  const t = T[v.lang];
  return shell(
    v,
    t.ticketTitle,
    `<main id="ticket-page" data-ticket="${escapeAttr(code)}" data-state="${state}">
<div class="card" id="ticket"><h1>${t.ticketTitle}</h1><p class="line" id="ticket-line">${state === 'open' ? t.ticketOpen : t.ticketRevealed}</p>${qrSvg === '' ? '' : `<div class="qr-box" id="ticket-qr">${qrSvg}</div>`}<p class="code">${t.ticketCode} <code>${escapeAttr(code)}</code></p></div>
<div class="stage" id="stage"><div class="card result" id="draw-result" hidden></div></div>
${nextSteps(v)}
</main>`,
    ['reveal.js', 'draw.js', 'ticket.js'],
  );
}

const messagePage = (lang: Lang, head: string, line: string): string =>
  `<!doctype html><html lang="${htmlLang(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${head}</title><link rel="stylesheet" href="/assets/landing.css"></head><body><main><div class="card fake"><h1 class="bad">${head}</h1><p>${line}</p></div></main></body></html>`;

export const invalidScenePage = (lang: Lang): string => messagePage(lang, T[lang].invalidScene, T[lang].invalidSceneLine);
export const unknownCampaignPage = (lang: Lang): string => messagePage(lang, T[lang].unknownCampaign, T[lang].unknownCampaignLine);
export const unknownTicketPage = (lang: Lang): string => messagePage(lang, T[lang].unknownTicket, T[lang].unknownTicketLine);
