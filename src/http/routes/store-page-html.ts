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
    choose: '请选择签到活动', chooseLine: '本店有多个活动可以签到，选择一个参加：', pausedTag: '（暂停中）',
    noSuchCheckIn: '未找到此签到活动', noSuchCheckInLine: '此活动不存在、已结束或不接受本店签到。', badCheckIn: '活动链接有误', backToList: '查看本店的签到活动',
  },
  en: {
    checkinTitle: 'Shop check-in', checking: 'Checking in…', drawTitle: 'Lucky wheel', ticketTitle: 'Draw ticket',
    invalidScene: 'Unknown shop code', invalidSceneLine: 'This shop code is unknown: scan the QR code displayed in the shop.',
    unknownCampaign: 'Promotion not found', unknownCampaignLine: 'This promotion does not exist or has not started.',
    unknownTicket: 'Unknown ticket', unknownTicketLine: 'Check the ticket\'s link and try again.',
    paused: 'The promotion is paused: your draw chances are kept for when it resumes.', ended: 'The promotion has ended: thank you for taking part.', scheduled: 'The promotion has not started yet.',
    shop: 'Shop', ticketOpen: 'Show this ticket in a shop: when the clerk scans it, or you scan the shop\'s code there, the draw is revealed.', ticketRevealed: 'This ticket has been revealed.', ticketCode: 'Ticket',
    choose: 'Choose a promotion', chooseLine: 'Several promotions take check-ins at this shop: choose the one to check in for.', pausedTag: ' (paused)',
    noSuchCheckIn: 'Promotion not found', noSuchCheckInLine: 'This promotion does not exist, has ended or takes no check-ins at this shop.', badCheckIn: 'This promotion link is not valid', backToList: 'See this shop\'s promotions',
  },
} as const;

/** the page around a store page's main part: one language, the scan page's style, the look's theme; `view` for the scripts */
function shell(o: { lang: Lang; title: string; theme: string; header: string; main: string; view: PageView | null; scripts: readonly string[] }): string {
  return `<!doctype html>
<html lang="${htmlLang(o.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${o.title}</title>
<link rel="stylesheet" href="/assets/landing.css">
<link rel="stylesheet" href="/assets/store.css">
</head>
<body class="theme-${escapeAttr(o.theme)}">${o.header}${o.main}
${o.view === null ? '' : `<script type="application/json" id="view">${viewJson(o.view)}</script>\n`}${o.scripts.map((s) => `<script src="/assets/${s}"></script>`).join('\n')}
</body></html>`;
}

/** a page wearing the campaign's look: its brand in the title and header, its theme, the view for the scripts */
function branded(v: PageView, title: string, main: string, scripts: readonly string[]): string {
  const brand = v.page.brand === undefined ? '' : `${escapeAttr(v.page.brand)} · `;
  return shell({ lang: v.lang, title: `${brand}${title}`, theme: v.theme, header: brandHeader(v), main, view: v, scripts });
}

/** the draw card: chances left, the stage the reveal plays on, the result, the button */
const drawCard = `<div class="card" id="draw-card" hidden><p id="chances"></p><div class="stage" id="stage"><div class="card result" id="draw-result" hidden></div></div><button type="button" class="button" id="draw"></button></div>`;

const userAttr = (user: string | null): string => (user === null ? '' : ` data-user="${escapeAttr(user)}"`);

/** GET /s/{sceneCode}: the shop, the check-in's verdict, the draw card, the tickets the check-in revealed */
export function checkInPage(v: PageView, sceneCode: string, shopName: string, user: string | null): string {
  const t = T[v.lang];
  return branded(
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
  return branded(
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
  return branded(
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

/** a page that only says something went wrong (and, when given, where to go instead) */
const messagePage = (lang: Lang, head: string, line: string, link: { href: string; text: string } | null = null): string =>
  shell({
    lang,
    title: head,
    theme: 'default',
    header: '',
    main: `<main><div class="card fake" id="message"><h1 class="bad">${head}</h1><p>${line}</p>${link === null ? '' : `<a class="button" id="back" href="${escapeAttr(link.href)}">${link.text}</a>`}</div></main>`,
    view: null,
    scripts: [],
  });

/** a live (or paused) campaign a shop's visitor may check in for, as the choice lists it */
export interface CheckInChoice {
  readonly id: string;
  readonly name: string;
  readonly brand: string | null;
  readonly paused: boolean;
}

/** the check-in page's address for one campaign (`user`: the open-mode user the visitor came with) */
export const checkInHref = (sceneCode: string, campaignId: string | null, user: string | null): string => {
  const q = [campaignId === null ? '' : `campaign=${encodeURIComponent(campaignId)}`, user === null ? '' : `user=${encodeURIComponent(user)}`].filter((x) => x !== '');
  return `/s/${encodeURIComponent(sceneCode)}${q.length === 0 ? '' : `?${q.join('&')}`}`;
};

/**
 * GET /s/{sceneCode} when several campaigns take check-ins: the visitor picks one (each campaign's name and
 * brand as text); nobody is checked in until then. No script: the choices are links.
 */
export function checkInChoicePage(v: PageView, sceneCode: string, shopName: string, choices: readonly CheckInChoice[], user: string | null): string {
  const t = T[v.lang];
  const items = choices.map((c) => {
    const brand = c.brand === null ? '' : `<span class="choice-brand">${escapeAttr(c.brand)}</span>`;
    return `<li><a class="choice" href="${escapeAttr(checkInHref(sceneCode, c.id, user))}" data-campaign="${escapeAttr(c.id)}"><strong class="choice-name">${escapeAttr(c.name)}</strong>${c.paused ? t.pausedTag : ''}${brand}</a></li>`;
  });
  return shell({
    lang: v.lang,
    title: t.choose,
    theme: v.theme,
    header: brandHeader(v),
    main: `<main id="checkin-choice" data-scene="${escapeAttr(sceneCode)}">
<p class="shop">${t.shop} <strong id="shop-name">${escapeAttr(shopName)}</strong></p>
<div class="card" id="verdict"><h1>${t.choose}</h1><p class="line">${t.chooseLine}</p><ul class="choices" id="campaigns">${items.join('')}</ul></div>
${nextSteps(v)}
</main>`,
    view: null,
    scripts: [],
  });
}

/** ?campaign= names no campaign taking check-ins now (`malformed`: not even an id): where to choose instead */
export const noSuchCheckInPage = (lang: Lang, sceneCode: string, user: string | null, malformed: boolean): string =>
  messagePage(lang, malformed ? T[lang].badCheckIn : T[lang].noSuchCheckIn, T[lang].noSuchCheckInLine, { href: checkInHref(sceneCode, null, user), text: T[lang].backToList });

export const invalidScenePage = (lang: Lang): string => messagePage(lang, T[lang].invalidScene, T[lang].invalidSceneLine);
export const unknownCampaignPage = (lang: Lang): string => messagePage(lang, T[lang].unknownCampaign, T[lang].unknownCampaignLine);
export const unknownTicketPage = (lang: Lang): string => messagePage(lang, T[lang].unknownTicket, T[lang].unknownTicketLine);
