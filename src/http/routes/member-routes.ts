// Members (CONTRACT §4.3), pushed by the DCRM.
import { notFound } from '../../errors.js';
import { parseMemberUpdate, type MemberStore } from '../../members/member-store.js';
import { ID_RE, parseJsonObject } from '../../validation/json-fields.js';
import { json } from '../http-call.js';
import type { HttpCall } from '../http-call.js';
import type { Route } from '../router.js';

function userParam(call: HttpCall): string {
  const raw = decodeURIComponent(call.params[0] ?? '');
  if (!ID_RE.test(raw)) throw notFound(`member ${raw}`);
  return raw;
}

export function memberRoutes(members: MemberStore): Route[] {
  return [
    {
      method: 'put',
      pattern: '/v1/members/:user',
      admin: true,
      body: true,
      async handle(call, body) {
        const user = userParam(call);
        const m = await members.update(user, parseMemberUpdate(parseJsonObject(body as Buffer)));
        return json('200 OK', JSON.stringify(m));
      },
    },
    {
      method: 'get',
      pattern: '/v1/members/:user',
      admin: true,
      async handle(call) {
        return json('200 OK', JSON.stringify(await members.get(userParam(call))));
      },
    },
  ];
}
