// What a page for people shows of the campaign behind a code or a win: the brand, the product, the call
// to action, the theme and animation, how each prize is claimed and until when, and the time zone and
// language the page speaks. The scan page's script reads it as JSON; the voucher page and /me render it.
import type { Campaign } from '../../campaigns/campaign.js';
import type { PageSettings } from '../../campaigns/page-settings.js';
import { formatRedeemBy, type Lang } from './page-language.js';

/** the zone of a page with no campaign behind it: the platform's buyers are in China */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export interface PrizeView {
  /** the prize's name: the wheel reveal writes one segment per prize */
  name: string;
  kind: string;
  /**
   * whether a buyer's draw can give it, so the wheel shows it: not a set's prize (won by completing the
   * set, never drawn) nor a shop's or clerk's prize (drawn for them, not for the buyer)
   */
  wheel: boolean;
  claim: string | null;
  /** the last day a voucher is honoured, already written out in the page's language and zone */
  redeemBy: string | null;
}

export interface PageView {
  lang: Lang;
  timeZone: string;
  campaign: { id: string; name: string } | null;
  page: PageSettings;
  theme: string;
  animation: string;
  prizes: Record<string, PrizeView>;
}

/** a SKU's own look, beneath the campaign's settings */
export interface BaseLook {
  page: PageSettings;
  theme: string;
  animation: string;
}

export function pageViewOf(def: Campaign | null, lang: Lang, base: BaseLook | null = null): PageView {
  const timeZone = def?.timezone ?? DEFAULT_TIME_ZONE;
  // a Map first, then an object of own properties: a prize id may be any allowed string
  const prizes = new Map<string, PrizeView>();
  for (const p of def?.prizes ?? []) {
    prizes.set(p.id, { name: p.name, kind: p.kind, wheel: p.completes === undefined && p.for === 'consumer', claim: p.claim ?? null, redeemBy: p.redeemBy === undefined ? null : formatRedeemBy(p.redeemBy, timeZone, lang) });
  }
  return {
    lang,
    timeZone,
    campaign: def === null ? null : { id: def.id, name: def.name },
    // the campaign's settings over the SKU's, field by field; a campaign's default look leaves the SKU's
    page: { ...(base?.page ?? {}), ...(def?.page ?? {}) },
    theme: def?.theme !== undefined && def.theme !== 'default' ? def.theme : (base?.theme ?? 'default'),
    animation: def?.animation !== undefined && def.animation !== 'plain' ? def.animation : (base?.animation ?? 'plain'),
    prizes: Object.fromEntries(prizes),
  };
}

/** JSON safe inside <script type="application/json">: no `<` can close the element */
export const viewJson = (v: PageView): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** the logo's origin, the one image source a page allows beyond its own (its CSP names it) */
export function logoOrigin(v: PageView): string | null {
  if (v.page.logoUrl === undefined) return null;
  try {
    return new URL(v.page.logoUrl).origin;
  } catch {
    return null;
  }
}
