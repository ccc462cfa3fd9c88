// Members, pushed by the DCRM.
import { notFound } from '../../errors.js';
import { memberId, parseMemberBulk, parseMemberUpdate, type MemberStore } from '../../members/member-store.js';
import { ID_RE, parseJsonObject } from '../../validation/json-fields.js';
import { json } from '../http-call.js';
import type { HttpCall } from '../http-call.js';
import type { Route } from '../router.js';

function userParam(call: HttpCall): string {
  const raw = decodeURIComponent(call.params[0] ?? '');
  if (!ID_RE.test(raw)) throw notFound(`member ${raw}`);
  return raw;
}

/**
 * Body limit of the bulk PUT only: 10,000 members of 64-character ids are about 1 MiB of JSON, which the
 * contract's 64 KiB limit cannot hold. Every other route keeps 64 KiB.
 */
export const BULK_MEMBERS_MAX_BODY = 2 * 1024 * 1024;

/**
 * `winsOf`: how many wins the user has (counted in the event stores); `storeOf`: what the user holds of the
 * store as a place (draw chances, cards per set: src/chances), shown with the member
 */
export function memberRoutes(
  members: MemberStore,
  winsOf: (user: string) => Promise<number>,
  storeOf: (user: string) => Promise<{ chances: Record<string, number>; cards: Record<string, unknown> }>,
): Route[] {
  return [
    {
      method: 'put',
      pattern: '/v1/members',
      roles: ['dcrm'],
      body: true,
      maxBody: BULK_MEMBERS_MAX_BODY,
      async handle(_call, body) {
        const updated = await members.updateMany(parseMemberBulk(parseJsonObject(body as Buffer)));
        return json('200 OK', JSON.stringify({ updated }));
      },
    },
    {
      method: 'put',
      pattern: '/v1/members/:user',
      roles: ['dcrm'],
      body: true,
      async handle(call, body) {
        const user = memberId(userParam(call), 'user');
        const m = await members.update(user, parseMemberUpdate(parseJsonObject(body as Buffer)));
        return json('200 OK', JSON.stringify({ ...m, wins: await winsOf(user) }));
      },
    },
    {
      method: 'get',
      pattern: '/v1/members/:user',
      roles: ['operator', 'dcrm'],
      async handle(call) {
        const user = userParam(call);
        const [member, wins, store] = await Promise.all([members.get(user), winsOf(user), storeOf(user)]);
        return json('200 OK', JSON.stringify({ ...member, wins, ...store }));
      },
    },
  ];
}
