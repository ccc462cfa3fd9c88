// The store as a place: shops and their scene codes, check-ins, draw chances, draws, reveals in the shop.
import QRCode from 'qrcode';
import { badRequest, forbidden } from '../../errors.js';
import type { SceneCodec } from '../../codes/scene-codec.js';
import type { ShopStore } from '../../shops/shop-store.js';
import type { Shop } from '../../shops/shop.js';
import { parseShopInput } from '../../shops/shop.js';
import type { CheckIns } from '../../shops/check-ins.js';
import type { Draws } from '../../chances/draws.js';
import type { ScanIdentity } from '../../identity/scan-identity.js';
import { CAMPAIGN_ID_RE } from '../../campaigns/campaign.js';
import { ID_RE, ID_WHAT, optNumber, optString, parseJsonObject, reqInt, reqString } from '../../validation/json-fields.js';
import { json, type HttpCall } from '../http-call.js';
import type { Route } from '../router.js';
import { requireJson } from './scan-routes.js';

const SCENE_RE = /^[A-Za-z0-9]{1,64}$/;
const REASON_RE = /^[^\u0000-\u001f]{1,200}$/u;
const KEY_RE = /^[A-Za-z0-9_.:@-]{1,128}$/;
const TICKET_RE = /^[A-Za-z0-9]{1,64}$/;

export interface StoreRouteDeps {
  shops: ShopStore;
  scenes: SceneCodec;
  checkIns: CheckIns;
  draws: Draws;
  identity: ScanIdentity;
}

/** a shop as the API shows it: with its scene code and the check-in URL it carries */
export function shopJson(shop: Shop, scenes: SceneCodec): Record<string, unknown> {
  const sceneCode = scenes.encode(shop.number);
  const { number: _n, ...rest } = shop;
  return { ...rest, sceneCode, url: scenes.urlOf(sceneCode) };
}

function idParam(call: HttpCall, name: string, re: RegExp, what: string): string {
  const raw = decodeURIComponent(call.params[0] ?? '');
  if (!re.test(raw)) throw badRequest(name, `must be ${what}`);
  return raw;
}

/** the consumer a check-in or draw is for, as for a scan (open: the `user` field; verified: token, gateway key or session) */
async function consumerOf(call: HttpCall, identity: ScanIdentity, bodyUser: string | null): Promise<string> {
  return identity.mode === 'open' ? identity.openUser(bodyUser, call.cookie) : identity.userOf(call, bodyUser);
}

export function storeRoutes(d: StoreRouteDeps): Route[] {
  return [
    {
      method: 'post',
      pattern: '/v1/shops',
      roles: ['operator'],
      body: true,
      async handle(_call, body) {
        const shop = await d.shops.create(parseShopInput(parseJsonObject(body as Buffer)));
        return json('201 Created', JSON.stringify(shopJson(shop, d.scenes)));
      },
    },
    {
      method: 'get',
      pattern: '/v1/shops',
      roles: ['operator'],
      async handle() {
        return json('200 OK', JSON.stringify({ shops: (await d.shops.list()).map((s) => shopJson(s, d.scenes)) }));
      },
    },
    {
      method: 'get',
      pattern: '/v1/shops/:id',
      roles: ['operator'],
      async handle(call) {
        return json('200 OK', JSON.stringify(shopJson(await d.shops.get(idParam(call, 'id', ID_RE, ID_WHAT)), d.scenes)));
      },
    },
    {
      method: 'get',
      pattern: '/v1/shops/:id/scene-code',
      roles: ['operator'],
      async handle(call) {
        const shop = await d.shops.get(idParam(call, 'id', ID_RE, ID_WHAT));
        const format = call.queryParam('format') ?? 'svg';
        const url = d.scenes.urlOf(d.scenes.encode(shop.number));
        // upper case: the whole URL fits the QR alphanumeric mode only in capitals, which the base URL may not be; keep it as printed
        if (format === 'url') return json('200 OK', JSON.stringify({ shop: shop.id, sceneCode: d.scenes.encode(shop.number), url }));
        if (format === 'svg') {
          const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
          return { status: '200 OK', body: svg, type: 'image/svg+xml', headers: [['x-content-type-options', 'nosniff']] };
        }
        if (format === 'png') {
          const png = await QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 512 });
          return { status: '200 OK', body: png, type: 'image/png' };
        }
        throw badRequest('format', 'must be one of svg, png, url');
      },
    },
    {
      method: 'post',
      pattern: '/v1/checkins',
      body: true,
      async handle(call, body) {
        requireJson(call);
        const o = parseJsonObject(body as Buffer);
        const sceneCode = reqString(o, 'sceneCode', SCENE_RE, 'a scene code (letters and digits)');
        const user = await consumerOf(call, d.identity, optString(o, 'user', ID_RE, ID_WHAT));
        const lat = optNumber(o, 'lat', -90, 90);
        const lng = optNumber(o, 'lng', -180, 180);
        if ((lat === null) !== (lng === null)) throw badRequest(lat === null ? 'lat' : 'lng', 'must be given with the other coordinate');
        const campaignId = optString(o, 'campaignId', CAMPAIGN_ID_RE, 'a campaign id');
        const r = await d.checkIns.checkIn({ sceneCode, user, lat, lng, campaignId });
        if (r.outcome === 'blocked') {
          return json('200 OK', JSON.stringify({ outcome: 'blocked', reason: r.reason, checkin: null, granted: null, shop: { id: r.shop.id, name: r.shop.name }, campaignId: r.campaign.def.id }));
        }
        const ticket = await d.draws.revealAtCheckIn(user, r.shop.id, r.campaign.def.id);
        return json(
          '201 Created',
          JSON.stringify({
            outcome: 'checked_in',
            reason: null,
            checkin: { eventId: r.eventId, at: r.at, user, shop: { id: r.shop.id, name: r.shop.name }, campaignId: r.campaign.def.id, day: r.day },
            granted: r.granted,
            chances: r.chances,
            reveals: ticket,
          }),
        );
      },
    },
    {
      method: 'post',
      pattern: '/v1/campaigns/:id/chances',
      roles: ['dcrm', 'operator'],
      body: true,
      async handle(call, body) {
        const campaignId = idParam(call, 'id', CAMPAIGN_ID_RE, 'a campaign id');
        const o = parseJsonObject(body as Buffer);
        const user = reqString(o, 'user', ID_RE, ID_WHAT);
        const count = reqInt(o, 'count', 1, 1000);
        const reason = reqString(o, 'reason', REASON_RE, '1-200 characters');
        const idempotencyKey = reqString(o, 'idempotencyKey', KEY_RE, '1-128 characters of [A-Za-z0-9_.:@-]');
        const chances = await d.draws.grant(campaignId, { user, count, reason, idempotencyKey }, call.credential?.role ?? 'operator');
        return json('200 OK', JSON.stringify({ user, campaignId, chances }));
      },
    },
    {
      method: 'post',
      pattern: '/v1/draws',
      body: true,
      async handle(call, body) {
        requireJson(call);
        const o = parseJsonObject(body as Buffer);
        const campaignId = reqString(o, 'campaignId', CAMPAIGN_ID_RE, 'a campaign id');
        const user = await consumerOf(call, d.identity, optString(o, 'user', ID_RE, ID_WHAT));
        const a = await d.draws.draw(campaignId, user);
        const { random: _r, ...answer } = a;
        return json('200 OK', JSON.stringify(answer));
      },
    },
    {
      method: 'post',
      pattern: '/v1/tickets/:ticket/reveal',
      roles: ['shop', 'operator'],
      async handle(call) {
        const ticket = idParam(call, 'ticket', TICKET_RE, 'a ticket code');
        const shop = call.credential?.role === 'shop' ? call.credential.shop : (call.queryParam('shop') ?? null);
        if (shop === null) throw forbidden('shop: a shop key reveals tickets in its own shop (operators name it in ?shop=)');
        if (!ID_RE.test(shop)) throw badRequest('shop', `must be ${ID_WHAT}`);
        const a = await d.draws.reveal(ticket, { shop, user: null });
        const { random: _r, ...answer } = a;
        return json('200 OK', JSON.stringify(answer));
      },
    },
  ];
}
