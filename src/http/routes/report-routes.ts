// Reports and the console's overview, for the whole deployment.
import { badRequest } from '../../errors.js';
import type { CampaignStore } from '../../campaigns/campaign-store.js';
import { csvChunks, parseReportQuery, type ScanReports } from '../../reports/scan-report.js';
import type { Overview } from '../../reports/overview.js';
import { json } from '../http-call.js';
import type { Route } from '../router.js';
import { streamBody } from '../stream-body.js';
import { CAMPAIGN_ID_RE } from '../../campaigns/campaign.js';
import type { CompiledCampaign } from '../../campaigns/campaign-store.js';
import type { HttpCall } from '../http-call.js';
import { prizeReport } from '../../reports/prize-report.js';
import { winnerList, type WinnerRow } from '../../reports/winner-list.js';
import type { EventReports } from '../../reports/event-reports.js';
import { csvOf, type CsvColumn } from '../../reports/report-csv.js';
import { DAY_RE, dayInZone } from '../../reports/zone-day.js';
import { formatTime } from '../../fulfilment/pages/page-language.js';
import type { Wins } from '../../fulfilment/wins.js';
import type { ChinaPlaces } from '../../reports/china-places.js';
import { CampaignDay } from '../../campaigns/campaign-day.js';
import { storeReport, storeShopColumns } from '../../reports/store-report.js';

function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** what the newer reports read besides the scan aggregates */
export interface MoreReports {
  wins: Wins;
  events: EventReports;
  places: ChinaPlaces;
}

async function campaignParam(call: HttpCall, campaigns: CampaignStore): Promise<CompiledCampaign> {
  const id = call.queryParam('campaign');
  if (id === null || !CAMPAIGN_ID_RE.test(id)) throw badRequest('campaign', 'is required: a campaign id');
  return campaigns.require(id);
}

function formatParam(call: HttpCall): 'json' | 'csv' {
  const format = call.queryParam('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') throw badRequest('format', 'must be json or csv');
  return format;
}

/** the winner list's CSV: amounts name their unit, times both in UTC and in the campaign's zone */
const winnerColumns = (timeZone: string): CsvColumn<WinnerRow>[] => [
  { header: 'at_utc', cell: (r) => r.at },
  { header: `at_local(${timeZone})`, cell: (r) => formatTime(r.at, timeZone, 'zh') },
  { header: 'user', cell: (r) => r.user },
  { header: 'prize_id', cell: (r) => r.prizeId },
  { header: 'prize_name', cell: (r) => r.prizeName },
  { header: 'kind', cell: (r) => r.kind },
  { header: 'cash_yuan', cell: (r) => (r.kind === 'cash' && r.amount !== null ? (r.amount / 100).toFixed(2) : null) },
  { header: 'points', cell: (r) => (r.kind === 'points' ? r.amount : null) },
  { header: 'voucher', cell: (r) => r.voucher },
  { header: 'state', cell: (r) => r.state },
  { header: 'redeemed_shop', cell: (r) => r.shop },
  { header: 'redeemed_at_utc', cell: (r) => r.redeemedAt },
  { header: 'event_id', cell: (r) => r.eventId },
];

/** [from, to] days in the campaign's zone, as instants: from's midnight up to the midnight after `to` */
function dayRange(call: HttpCall, c: CompiledCampaign, now: number): { from: string; to: string; fromMs: number; toMs: number } {
  const tz = c.def.timezone;
  const from = call.queryParam('from') ?? dayInZone(c.def.startsAtMs, tz);
  const to = call.queryParam('to') ?? dayInZone(Math.min(now, c.def.endsAtMs - 1), tz);
  if (!DAY_RE.test(from) || !Number.isFinite(Date.parse(from))) throw badRequest('from', 'must be a date YYYY-MM-DD');
  if (!DAY_RE.test(to) || !Number.isFinite(Date.parse(to))) throw badRequest('to', 'must be a date YYYY-MM-DD');
  if (to < from) throw badRequest('to', 'must not be before from');
  // the zone's midnights: walk the zone's days from half a day before each date's UTC midnight
  const days = new CampaignDay(tz);
  const startOf = (day: string): { start: number; end: number } => {
    let b = days.bounds(Date.parse(`${day}T00:00:00Z`) - 14 * 3_600_000);
    while (b.day < day.replaceAll('-', '')) b = days.bounds(b.end);
    return b;
  };
  const fromMs = startOf(from).start;
  const toMs = startOf(to).end;
  return { from, to, fromMs, toMs };
}

export function reportRoutes(campaigns: CampaignStore, reports: ScanReports, overview: Overview, now: () => number, more: MoreReports): Route[] {
  return [
    {
      method: 'get',
      pattern: '/v1/reports/prizes',
      roles: ['operator'],
      async handle(call) {
        return json('200 OK', JSON.stringify(await prizeReport(campaigns, await campaignParam(call, campaigns), now())));
      },
    },
    {
      method: 'get',
      pattern: '/v1/reports/winners',
      roles: ['operator'],
      async handle(call) {
        const c = await campaignParam(call, campaigns);
        const format = formatParam(call);
        const rows = await winnerList(more.wins, c.def.id);
        if (format === 'json') return json('200 OK', JSON.stringify({ campaign: c.def.id, timezone: c.def.timezone, winners: rows }));
        streamBody(call, '200 OK', [['content-type', 'text/csv; charset=utf-8'], ['content-disposition', `attachment; filename="winners-${c.def.id}.csv"`]], csvOf(winnerColumns(c.def.timezone), rows));
        return null;
      },
    },
    {
      method: 'get',
      pattern: '/v1/reports/hours',
      roles: ['operator'],
      async handle(call) {
        const c = await campaignParam(call, campaigns);
        const r = dayRange(call, c, now());
        const { rows, stores } = await more.events.byHour(c.def.id, c.def.timezone, r.fromMs, r.toMs);
        const hours = rows.filter((h) => h.hour.slice(0, 10) >= r.from && h.hour.slice(0, 10) <= r.to);
        return json('200 OK', JSON.stringify({ campaign: c.def.id, timezone: c.def.timezone, from: r.from, to: r.to, store: 'deployment', stores, hours }));
      },
    },
    {
      method: 'get',
      pattern: '/v1/reports/places',
      roles: ['operator'],
      async handle(call) {
        const c = await campaignParam(call, campaigns);
        const r = dayRange(call, c, now());
        const { rows, stores } = await more.events.byPlace((lat, lng) => more.places.locate(lat, lng), c.def.id, r.fromMs, r.toMs);
        return json('200 OK', JSON.stringify({ campaign: c.def.id, from: r.from, to: r.to, store: 'deployment', stores, source: more.places.source, places: rows }));
      },
    },
    {
      method: 'get',
      pattern: '/v1/reports/store',
      roles: ['operator'],
      async handle(call) {
        const c = await campaignParam(call, campaigns);
        const format = formatParam(call);
        const report = await storeReport(campaigns, more.events, c, dayRange(call, c, now()));
        if (format === 'json') return json('200 OK', JSON.stringify(report));
        streamBody(call, '200 OK', [['content-type', 'text/csv; charset=utf-8'], ['content-disposition', `attachment; filename="store-${c.def.id}-${report.from}-${report.to}.csv"`]], csvOf(storeShopColumns(c.def.timezone), report.shops));
        return null;
      },
    },
    {
      method: 'get',
      pattern: '/v1/reports/changes',
      roles: ['operator'],
      async handle(call) {
        const id = call.queryParam('campaign');
        if (id !== null && !CAMPAIGN_ID_RE.test(id)) throw badRequest('campaign', 'must be a campaign id');
        const limitText = call.queryParam('limit') ?? '200';
        const limit = Number(limitText);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw badRequest('limit', 'must be an integer from 1 to 10000');
        const { rows, stores } = await more.events.changes(id, limit);
        return json('200 OK', JSON.stringify({ store: 'deployment', stores, changes: rows }));
      },
    },
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
      async handle(call) {
        const tz = call.queryParam('timezone') ?? 'UTC';
        if (!isTimeZone(tz)) throw badRequest('timezone', 'must be an IANA time zone');
        return json('200 OK', JSON.stringify(await overview.read(tz)));
      },
    },
  ];
}
