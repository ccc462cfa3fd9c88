// How a campaign's scan page looks: the brand, the product, a call to action, a seasonal theme and the
// animation that reveals a result. None of it decides anything: the page shows what the server decided.
import { badRequest } from '../errors.js';
import { asObject, oneOf, optString, type JsonObject } from '../validation/json-fields.js';

export const THEMES = ['default', 'spring-festival', 'mid-autumn', 'store-anniversary'] as const;
export const ANIMATIONS = ['plain', 'red-packet', 'scratch', 'wheel'] as const;
export type Theme = (typeof THEMES)[number];
export type Animation = (typeof ANIMATIONS)[number];

export interface PageSettings {
  brand?: string;
  productName?: string;
  logoUrl?: string;
  color?: string;
  hotline?: string;
  cta?: { text: string; url: string };
}

const TEXT_RE = /^[^\u0000-\u001f]{1,80}$/u; // shown as text on every page, so any character is safe
const COLOR_RE = /^#[0-9A-Fa-f]{6}$/;
const HOTLINE_RE = /^[0-9+\- ()]{3,32}$/;

/** an https address (a page served over http may link to it), at most 500 characters */
function httpsUrl(o: JsonObject, field: string, path: string): string | null {
  const v = o[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length > 500) throw badRequest(path, 'must be an https URL of at most 500 characters');
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw badRequest(path, 'must be an https URL');
  }
  if (u.protocol !== 'https:' || u.username !== '' || u.password !== '') throw badRequest(path, 'must be an https URL');
  return u.href;
}

export function parsePageSettings(body: JsonObject): PageSettings | null {
  if (body.page === undefined || body.page === null) return null;
  const o = asObject(body.page, 'page');
  for (const k of Object.keys(o)) {
    if (!['brand', 'productName', 'logoUrl', 'color', 'hotline', 'cta'].includes(k)) throw badRequest(`page.${k}`, 'is not a page setting (brand, productName, logoUrl, color, hotline, cta)');
  }
  const out: PageSettings = {};
  const brand = optString(o, 'brand', TEXT_RE, '1-80 characters', 'page.brand');
  if (brand !== null) out.brand = brand;
  const productName = optString(o, 'productName', TEXT_RE, '1-80 characters', 'page.productName');
  if (productName !== null) out.productName = productName;
  const logoUrl = httpsUrl(o, 'logoUrl', 'page.logoUrl');
  if (logoUrl !== null) out.logoUrl = logoUrl;
  const color = optString(o, 'color', COLOR_RE, 'a colour as #RRGGBB', 'page.color');
  if (color !== null) out.color = color.toLowerCase();
  const hotline = optString(o, 'hotline', HOTLINE_RE, 'a telephone number (digits, spaces, + - ( ))', 'page.hotline');
  if (hotline !== null) out.hotline = hotline;
  if (o.cta !== undefined && o.cta !== null) {
    const c = asObject(o.cta, 'page.cta');
    const text = optString(c, 'text', TEXT_RE, '1-80 characters', 'page.cta.text');
    const url = httpsUrl(c, 'url', 'page.cta.url');
    if (text === null) throw badRequest('page.cta.text', 'is required');
    if (url === null) throw badRequest('page.cta.url', 'is required');
    out.cta = { text, url };
  }
  return out;
}

export const parseTheme = (body: JsonObject): Theme => oneOf(body, 'theme', THEMES, 'default');
export const parseAnimation = (body: JsonObject): Animation => oneOf(body, 'animation', ANIMATIONS, 'plain');

/** `claim`: how a winner claims the prize, shown with the win */
export const parseClaim = (p: JsonObject, path: string): string | null => optString(p, 'claim', /^[^\u0000-\u0008\u000b-\u001f]{1,300}$/u, '1-300 characters', `${path}.claim`);

/**
 * `redeemBy`: the last day a voucher is honoured, `YYYY-MM-DD` (to the end of that day in the campaign's
 * time zone) or a date-time with offset. Only gifts and coupons have vouchers.
 */
export function parseRedeemBy(p: JsonObject, path: string, kind: string): string | null {
  const v = optString(p, 'redeemBy', /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2}))?$/, 'a date YYYY-MM-DD or an ISO 8601 date-time with offset', `${path}.redeemBy`);
  if (v === null) return null;
  if (!Number.isFinite(Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v))) throw badRequest(`${path}.redeemBy`, 'is not a valid date');
  if (kind !== 'gift' && kind !== 'coupon') throw badRequest(`${path}.redeemBy`, 'applies to gift and coupon prizes (their vouchers)');
  return v;
}
