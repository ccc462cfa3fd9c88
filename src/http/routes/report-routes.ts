// Reports and the console's overview, for the whole deployment.
import { badRequest } from '../../errors.js';
import type { CampaignStore } from '../../campaigns/campaign-store.js';
import { csvChunks, parseReportQuery, type ScanReports } from '../../reports/scan-report.js';
import type { Overview } from '../../reports/overview.js';
import { json } from '../http-call.js';
import type { Route } from '../router.js';
import { streamBody } from '../stream-body.js';
import { CAMPAIGN_ID_RE } from '../../campaigns/campaign.js';

export function reportRoutes(campaigns: CampaignStore, reports: ScanReports, overview: Overview, now: () => number): Route[] {
  return [
    {
      method: 'get',
      pattern: '/v1/reports/scans',
      roles: ['operator'],
      async handle(call) {
        const id = call.queryParam('campaign');
        if (id === null || !CAMPAIGN_ID_RE.test(id)) throw badRequest('campaign', 'is required: a campaign id');
        const format = call.queryParam('format') ?? 'json';
        if (format !== 'json' && format !== 'csv') throw badRequest('format', 'must be json or csv');
        const c = await campaigns.require(id);
        const q = parseReportQuery((n) => call.queryParam(n), c, now());
        const { rows, totals } = await reports.rows(c, q);
        if (format === 'json') return json('200 OK', JSON.stringify({ campaign: id, timezone: c.def.timezone, from: q.from, to: q.to, by: q.by, rows, totals }));
        const name = `scans-${id}-${q.from}-${q.to}.csv`;
        streamBody(call, '200 OK', [['content-type', 'text/csv; charset=utf-8'], ['content-disposition', `attachment; filename="${name}"`]], csvChunks(q.by, rows));
        return null;
      },
    },
    {
      method: 'get',
      pattern: '/v1/overview',
      roles: ['operator'],
      async handle() {
        return json('200 OK', JSON.stringify(await overview.read()));
      },
    },
  ];
}
