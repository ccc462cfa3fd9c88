// API keys: create, list, revoke; admin only.
import { badRequest, notFound } from '../../errors.js';
import type { ApiKeyStore } from '../../identity/api-key-store.js';
import { isRole, ROLES } from '../../identity/roles.js';
import { ID_RE, ID_WHAT, optString, parseJsonObject, reqString } from '../../validation/json-fields.js';
import { json } from '../http-call.js';
import type { Route } from '../router.js';

const NAME_RE = /^[^\u0000-\u001f]{1,100}$/u;
const KEY_ID_RE = /^key_[0-9a-f]{16}$/;

export function keyRoutes(store: ApiKeyStore): Route[] {
  return [
    {
      method: 'post',
      pattern: '/v1/keys',
      roles: [],
      body: true,
      async handle(_call, body) {
        const o = parseJsonObject(body as Buffer);
        if (!isRole(o.role)) throw badRequest('role', `must be one of ${ROLES.join(', ')}`);
        const name = reqString(o, 'name', NAME_RE, '1-100 printable characters');
        const shop = optString(o, 'shop', ID_RE, ID_WHAT);
        if (o.role === 'shop' && shop === null) throw badRequest('shop', 'is required for a shop key');
        if (o.role !== 'shop' && shop !== null) throw badRequest('shop', 'is only for a shop key');
        return json('201 Created', JSON.stringify(await store.create(o.role, name, shop)));
      },
    },
    {
      method: 'get',
      pattern: '/v1/keys',
      roles: [],
      async handle() {
        return json('200 OK', JSON.stringify({ keys: await store.list() }));
      },
    },
    {
      method: 'del',
      pattern: '/v1/keys/:id',
      roles: [],
      async handle(call) {
        const id = call.params[0] ?? '';
        if (!KEY_ID_RE.test(id) || !(await store.revoke(id))) throw notFound(`key ${id}`);
        return { status: '204 No Content', body: '' };
      },
    },
  ];
}
