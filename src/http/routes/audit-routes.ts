// GET /v1/audit[?campaign=ID]: the reconciliation of Redis and SQLite (see src/audit/audit.ts).
import { notFound } from '../../errors.js';
import type { Auditor } from '../../audit/audit.js';
import { json } from '../http-call.js';
import type { Route } from '../router.js';
import { CAMPAIGN_ID_RE } from '../../campaigns/campaign.js';

export function auditRoutes(auditor: Auditor): Route[] {
  return [
    {
      method: 'get',
      pattern: '/v1/audit',
      roles: ['operator'],
      async handle(call) {
        const campaign = call.queryParam('campaign');
        if (campaign !== null && !CAMPAIGN_ID_RE.test(campaign)) throw notFound(`campaign ${campaign}`);
        return json('200 OK', JSON.stringify(await auditor.run(campaign === '' ? null : campaign)));
      },
    },
  ];
}
