// Redemptions, their report, payouts and points.
import { ApiError, badRequest, forbidden } from '../../errors.js';
import type { RedemptionGuard } from '../../limits/redemption-guard.js';
import type { RedeemTarget, Redemptions } from '../../fulfilment/redemptions.js';
import type { Payouts } from '../../fulfilment/payouts.js';
import type { Points } from '../../fulfilment/points.js';
import { redemptionCsv, redemptionReport, shopReport, withoutUser } from '../../fulfilment/redemption-report.js';
import { redemptionShop, reportShop } from '../../fulfilment/shop-scope.js';
import { VOUCHER_LENGTH } from '../../codes/voucher-codec.js';
import type { RedisClient } from '../../redis/scripts.js';
import { ID_RE, ID_WHAT, optString, parseJsonObject, reqInt, reqString, type JsonObject } from '../../validation/json-fields.js';
import { json, type HttpCall } from '../http-call.js';
import type { Route } from '../router.js';
import { EVENT_ID_RE } from '../../scan/event-ids.js';

const VOUCHER_RE = new RegExp(`^[A-Za-z0-9]{${VOUCHER_LENGTH}}$`);
const REASON_RE = /^[^\u0000-\u001f]{1,200}$/u;
const KEY_RE = /^[A-Za-z0-9_.:@-]{1,128}$/;
const REFERENCE_RE = /^[^\u0000-\u001f]{1,200}$/u;
const MAX_POINTS_DELTA = 1_000_000_000;

/** `from`/`to`: a date (YYYY-MM-DD, UTC; `to` includes the whole day) or a date-time with offset. */
function instant(call: HttpCall, name: 'from' | 'to', def: number): number {
  const raw = call.queryParam(name);
  if (raw === null || raw === '') return def;
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const ms = Date.parse(`${raw}T00:00:00Z`);
    if (Number.isFinite(ms)) return name === 'to' ? ms + 86_400_000 : ms;
  } else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})$/.test(raw)) {
    const ms = Date.parse(raw);
    if (Number.isFinite(ms)) return ms;
  }
  throw badRequest(name, 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time with offset');
}

function limitParam(call: HttpCall): number {
  const raw = call.queryParam('limit');
  if (raw === null) return 100;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > 1000) throw badRequest('limit', 'must be an integer from 1 to 1000');
  return Number(raw);
}

/** the shop of the caller's `shop` key; null for operator and admin credentials */
const shopOfKey = (call: HttpCall): string | null => (call.credential?.role === 'shop' ? call.credential.shop : null);

/**
 * what a failed redemption is: a voucher or event that is nobody's win (what guessing produces). Not
 * counted: 409 (the voucher was real, and a till retrying a redemption it made must not lock the shop
 * out) and 400 (input that is no voucher at all costs the engine nothing and finds nothing).
 */
const countsAsFailure = (err: unknown): boolean => err instanceof ApiError && err.code === 'not_found';

/** the win a redemption names: its voucher, or (operators and admins only) its event id */
function redeemTarget(o: JsonObject, keyShop: string | null): RedeemTarget {
  const voucher = optString(o, 'voucher', VOUCHER_RE, `${VOUCHER_LENGTH} characters of a voucher`);
  if (voucher !== null) return { voucher };
  if (o.eventId === undefined) throw badRequest('voucher', 'or eventId is required');
  // an event id names a win without proving the winner showed up with it: never from a shop
  if (keyShop !== null) throw forbidden('eventId: a shop key redeems by voucher only');
  return { eventId: reqString(o, 'eventId', EVENT_ID_RE, 'an event id') };
}

export function fulfilmentRoutes(redis: RedisClient, redemptions: Redemptions, payouts: Payouts, points: Points, guard: RedemptionGuard, now: () => number): Route[] {
  return [
    {
      method: 'post',
      pattern: '/v1/redemptions',
      // a shop key redeems for its own shop (no `shop` field needed), by voucher only, and is never told
      // the winner's user id; failures are limited per credential (guessing costs the guesser)
      roles: ['operator', 'shop'],
      body: true,
      async handle(call, body) {
        const who = call.credential?.id ?? '';
        guard.before(who, now());
        try {
          const o = parseJsonObject(body as Buffer);
          const keyShop = shopOfKey(call);
          const shop = redemptionShop(o, keyShop);
          const record = await redemptions.redeem(redeemTarget(o, keyShop), shop);
          return json('201 Created', JSON.stringify(keyShop !== null ? withoutUser(record) : record));
        } catch (err) {
          if (countsAsFailure(err)) guard.failed(who, now());
          throw err;
        }
      },
    },
    {
      method: 'get',
      pattern: '/v1/reports/redemptions',
      // a shop key reads its own shop only
      roles: ['operator', 'shop'],
      async handle(call) {
        const asked = call.queryParam('shop');
        if (asked !== null && !ID_RE.test(asked)) throw badRequest('shop', `must be ${ID_WHAT}`);
        const shop = reportShop(asked, shopOfKey(call));
        const format = call.queryParam('format') ?? 'json';
        if (format !== 'json' && format !== 'csv') throw badRequest('format', 'must be json or csv');
        const fromMs = instant(call, 'from', 0);
        const toMs = instant(call, 'to', 8.64e15);
        if (toMs <= fromMs) throw badRequest('to', 'must be after from');
        const report = await redemptionReport(redis, { shop, fromMs, toMs });
        // a shop's report never names the winners
        const forShop = shopOfKey(call) !== null;
        if (format === 'csv') return { status: '200 OK', body: redemptionCsv(report, !forShop), type: 'text/csv; charset=utf-8' };
        return json('200 OK', JSON.stringify(forShop ? shopReport(report) : report));
      },
    },
    {
      method: 'get',
      pattern: '/v1/payouts',
      roles: ['operator', 'dcrm'],
      async handle(call) {
        const state = call.queryParam('state');
        if (state !== null && state !== 'pending' && state !== 'paid' && state !== 'failed') throw badRequest('state', 'must be pending, paid or failed');
        const after = call.queryParam('after');
        if (after !== null && !EVENT_ID_RE.test(after)) throw badRequest('after', 'must be a payout id (the win\'s event id)');
        return json('200 OK', JSON.stringify(await payouts.list(state, after, limitParam(call))));
      },
    },
    {
      method: 'post',
      pattern: '/v1/payouts/:eventId',
      roles: ['dcrm'],
      body: true,
      async handle(call, body) {
        const payoutId = decodeURIComponent(call.params[0] ?? '');
        if (!EVENT_ID_RE.test(payoutId)) throw badRequest('eventId', 'must be an event id');
        const o = parseJsonObject(body as Buffer);
        const state = o.state;
        if (state !== 'paid' && state !== 'failed') throw badRequest('state', 'must be paid or failed');
        const reference = optString(o, 'reference', REFERENCE_RE, '1-200 characters');
        return json('200 OK', JSON.stringify(await payouts.set(payoutId, state, reference)));
      },
    },
    {
      method: 'post',
      pattern: '/v1/members/:user/points',
      roles: ['dcrm'],
      body: true,
      async handle(call, body) {
        const user = decodeURIComponent(call.params[0] ?? '');
        if (!ID_RE.test(user)) throw badRequest('user', `must be ${ID_WHAT}`);
        if (user.startsWith('anon_')) throw badRequest('user', 'anonymous users hold no points');
        const o = parseJsonObject(body as Buffer);
        const delta = reqInt(o, 'delta', -MAX_POINTS_DELTA, MAX_POINTS_DELTA);
        if (delta === 0) throw badRequest('delta', 'must not be 0');
        const reason = reqString(o, 'reason', REASON_RE, '1-200 characters');
        const idempotencyKey = reqString(o, 'idempotencyKey', KEY_RE, '1-128 characters of [A-Za-z0-9_.:@-]');
        return json('200 OK', JSON.stringify({ points: await points.change(user, { delta, reason, idempotencyKey }) }));
      },
    },
  ];
}
