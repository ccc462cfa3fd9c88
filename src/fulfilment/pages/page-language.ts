// The language of a page for people: Chinese unless the phone's Accept-Language prefers English.
// One language per page, not both on every line.
export type Lang = 'zh' | 'en';

/** The highest-weighted language tag of an Accept-Language header decides; ties keep the header's order. */
export function pageLanguage(acceptLanguage: string): Lang {
  let best: { tag: string; q: number } | null = null;
  for (const part of acceptLanguage.split(',').slice(0, 20)) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    if (tag === '' || tag === '*') continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= 0) continue;
    if (best === null || q > best.q) best = { tag, q };
  }
  return best !== null && (best.tag === 'en' || best.tag.startsWith('en-')) ? 'en' : 'zh';
}

/** Intl locale of a page language */
export const localeOf = (lang: Lang): string => (lang === 'en' ? 'en-GB' : 'zh-CN');

/** A moment in a campaign's time zone, e.g. 2027年3月1日 16:00 or 1 Mar 2027, 16:00 (the zone named in English). */
export function formatTime(iso: string, timeZone: string, lang: Lang): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return new Intl.DateTimeFormat(localeOf(lang), { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
}

/** A voucher's last day: a bare date is that whole day in the campaign's zone; a date-time is shown in the zone. */
export function formatRedeemBy(redeemBy: string, timeZone: string, lang: Lang): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(redeemBy)) {
    const [y, m, d] = redeemBy.split('-').map(Number) as [number, number, number];
    return lang === 'en' ? new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium' }).format(Date.UTC(y, m - 1, d)) : `${y}年${m}月${d}日`;
  }
  return formatTime(redeemBy, timeZone, lang);
}
