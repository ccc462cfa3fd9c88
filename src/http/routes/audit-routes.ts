// GET /v1/audit[?campaign=ID]: the reconciliation of Redis and SQLite (see src/audit/audit.ts).
import { notFound } from '../../errors.js';
import type { Auditor } from '../../audit/audit.js';
import { json } from '../http-call.js';
import type { Route } from '../router.js';

export function auditRoutes(auditor: Auditor): Route[] {
  return [
    {
      method: 'get',
      pattern: '/v1/audit',
      roles: ['operator'],
      async handle(call) {
        const campaign = call.queryParam('campaign');
        if (campaign !== null && !/^[A-Za-z0-9_.-]{1,64}$/.test(campaign)) throw notFound(`campaign ${campaign}`);
        return json('200 OK', JSON.stringify(await auditor.run(campaign === '' ? null : campaign)));
      },
    },
  ];
}
