// What a `shop` API key may do: redeem for its own shop and read its own shop's report.
// Operators and admins name the shop.
import { badRequest, forbidden } from '../errors.js';
import { ID_RE, ID_WHAT, type JsonObject } from '../validation/json-fields.js';

/** The shop a redemption is for: the key's (a `shop` field, if any, must be the same), else the body's. */
export function redemptionShop(body: JsonObject, keyShop: string | null): string {
  const given = body.shop;
  if (given !== undefined && given !== null && (typeof given !== 'string' || !ID_RE.test(given))) throw badRequest('shop', `must be ${ID_WHAT}`);
  if (keyShop !== null) {
    if (typeof given === 'string' && given !== keyShop) throw forbidden(`this key redeems for shop ${keyShop} only`);
    return keyShop;
  }
  if (typeof given !== 'string') throw badRequest('shop', 'is required');
  return given;
}

/** The shop a report covers: a shop key sees its own shop only; others see the shop asked for, or all (null). */
export function reportShop(asked: string | null, keyShop: string | null): string | null {
  if (keyShop === null) return asked;
  if (asked !== null && asked !== keyShop) throw forbidden(`this key reads shop ${keyShop} only`);
  return keyShop;
}
