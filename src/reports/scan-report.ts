// GET /v1/reports/scans: the rows of a campaign's report, read from the report
// aggregates of every shard (so they cover every engine of the deployment, whichever SQLite file
// stored an event) and grouped by the chosen dimensions. sku and region are derived from the batch.
import { badRequest } from '../errors.js';
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { Batch } from '../batches/batch.js';
import type { CompiledCampaign } from '../campaigns/compiled-campaign.js';
import { FIGURE_OF, FIGURES, zeroFigures, type Figures } from './scan-figures.js';
import { DAY_RE, dayInZone, daysBetween } from './zone-day.js';

export const DIMENSIONS = ['day', 'sku', 'shop', 'region', 'batch'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type ReportRow = Partial<Record<Dimension, string | number | null>> & Figures;

export interface ReportQuery {
  from: string;
  to: string;
  by: Dimension[];
}

const MAX_DAYS = 400;

/** "lat,lng/radiusKm km" of the batch's sales region, "none" without one */
export function regionLabel(batch: Batch | null): string {
  const r = batch?.region;
  return r ? `${r.lat},${r.lng}/${r.radiusKm}km` : 'none';
}

export function parseReportQuery(param: (name: string) => string | null, c: CompiledCampaign, now: number): ReportQuery {
  const tz = c.def.timezone;
  const from = param('from') ?? dayInZone(c.def.startsAtMs, tz);
  const to = param('to') ?? dayInZone(Math.min(now, c.def.endsAtMs - 1), tz);
  if (!DAY_RE.test(from) || !Number.isFinite(Date.parse(from))) throw badRequest('from', 'must be a date YYYY-MM-DD');
  if (!DAY_RE.test(to) || !Number.isFinite(Date.parse(to))) throw badRequest('to', 'must be a date YYYY-MM-DD');
  if (to < from) throw badRequest('to', 'must not be before from');
  if (daysBetween(from, to).length > MAX_DAYS) throw badRequest('to', `must be at most ${MAX_DAYS} days after from`);
  const byRaw = param('by') ?? 'day';
  const by = byRaw.split(',');
  for (const d of by) if (!DIMENSIONS.includes(d as Dimension)) throw badRequest('by', `must be a list of ${DIMENSIONS.join(', ')}`);
  if (new Set(by).size !== by.length) throw badRequest('by', 'names a dimension twice');
  return { from, to, by: by as Dimension[] };
}

export class ScanReports {
  constructor(
    private readonly redis: RedisClient,
    private readonly batchOf: (id: number) => Promise<Batch | null>,
  ) {}

  async rows(c: CompiledCampaign, q: ReportQuery): Promise<{ rows: ReportRow[]; totals: Figures }> {
    const groups = new Map<string, ReportRow>();
    const totals = zeroFigures();
    const batches = new Map<number, Batch | null>();
    for (const day of daysBetween(q.from, q.to)) {
      for (const t of ALL_SHARDS) {
        const h = await this.redis.hgetall(keys.reportDay(t, c.def.id, day));
        for (const [field, value] of Object.entries(h)) {
          const [batchText, shop, letter] = field.split('|') as [string, string, string];
          const figure = FIGURE_OF[letter];
          if (figure === undefined) continue;
          const batchId = Number(batchText);
          if (!batches.has(batchId)) batches.set(batchId, await this.batchOf(batchId));
          const batch = batches.get(batchId) ?? null;
          const dims: Record<Dimension, string | number | null> = { day, sku: batch?.sku ?? null, shop: shop === '' ? null : shop, region: regionLabel(batch), batch: batchId };
          const key = q.by.map((d) => String(dims[d])).join('\u0000');
          let row = groups.get(key);
          if (!row) {
            row = { ...Object.fromEntries(q.by.map((d) => [d, dims[d]])), ...zeroFigures() } as ReportRow;
            groups.set(key, row);
          }
          const n = Number(value);
          row[figure] += n;
          totals[figure] += n;
        }
      }
    }
    const rows = [...groups.values()].sort((a, b) => {
      for (const d of q.by) {
        const x = a[d] ?? '';
        const y = b[d] ?? '';
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    });
    return { rows, totals };
  }
}

// a spreadsheet runs a cell that starts with one of these as a formula
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const safe = FORMULA_START.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The report as CSV, produced in chunks of about 64 KiB: the header row, then the rows. */
export function csvChunks(by: readonly Dimension[], rows: readonly ReportRow[]): () => Buffer | null {
  const columns = [...by, ...FIGURES];
  let i = -1;
  return () => {
    if (i >= rows.length) return null;
    let text = '';
    if (i < 0) {
      text = `${columns.join(',')}\n`;
      i = 0;
    }
    while (i < rows.length && text.length < 65_536) {
      const row = rows[i++] as ReportRow;
      text += `${columns.map((col) => csvCell(row[col as keyof ReportRow])).join(',')}\n`;
    }
    return Buffer.from(text);
  };
}
