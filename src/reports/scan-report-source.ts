// The aggregate source of scan reports and the overview (see src/aggregates/aggregate-op.ts): each scan
// event adds its figures to
//   - the report hash of its campaign and campaign day, field "<batchId>|<shop>|<figure>": sku and
//     region are functions of the batch, so they are derived when a report is read, and the hash holds
//     at most batches × shops × 5 fields per campaign day;
//   - the minutes hash of its UTC day, field "<minute of the day>|<figure>" (at most 1440 × 5 fields),
//     for the overview's scans per minute and today's totals, campaign or not; it expires two days
//     after its last scan.
// Figures that are zero are not written.
import { eventTime, type AggregateOp, type AggregateSource } from '../aggregates/aggregate-op.js';
import { keys } from '../redis/keys.js';
import { FIELD_OF, FIGURES, figuresOfScan } from './scan-figures.js';

const MINUTE = 60_000;
/** the overview reads the last hour: a UTC day's minutes are kept two days after their last scan */
export const MINUTES_TTL_S = 2 * 86_400;
const DAY = 86_400_000;

// the day's text is formatted once per UTC day, not once per event (a persist step holds hundreds)
let lastDay = Number.NaN;
let lastDayText = '';

/** "YYYYMMDD" of the UTC day, and the minute within it. */
export function utcMinute(atMs: number): { day: string; minute: number } {
  const dayNumber = Math.floor(atMs / DAY);
  if (dayNumber !== lastDay) {
    lastDay = dayNumber;
    lastDayText = new Date(dayNumber * DAY).toISOString().slice(0, 10).replaceAll('-', '');
  }
  return { day: lastDayText, minute: Math.floor((atMs - dayNumber * DAY) / MINUTE) };
}

export const scanReportSource: AggregateSource = (event, tag, ctx) => {
  if (event.type !== 'scan') return [];
  const atMs = eventTime(event);
  if (!Number.isFinite(atMs)) return [];
  const figures = figuresOfScan(event);
  const ops: AggregateOp[] = [];
  const { day: utcDay, minute } = utcMinute(atMs);
  const minutes = keys.minutes(tag, utcDay);
  for (const f of FIGURES) if (figures[f] !== 0) ops.push({ kind: 'hincrby', key: minutes, field: `${minute}|${FIELD_OF[f]}`, by: figures[f] });
  ops.push({ kind: 'expire', key: minutes, seconds: MINUTES_TTL_S });

  const campaignId = event.campaignId;
  if (typeof campaignId !== 'string') return ops;
  const day = ctx.campaignDay(campaignId, atMs);
  if (day === null) return ops;
  const batchId = typeof event.batchId === 'number' ? event.batchId : 0;
  const shop = typeof event.shop === 'string' ? event.shop : '';
  const report = keys.reportDay(tag, campaignId, day);
  for (const f of FIGURES) if (figures[f] !== 0) ops.push({ kind: 'hincrby', key: report, field: `${batchId}|${shop}|${FIELD_OF[f]}`, by: figures[f] });
  return ops;
};
