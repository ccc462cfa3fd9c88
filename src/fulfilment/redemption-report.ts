// GET /v1/reports/redemptions: what the brand reimburses each shop for, over the whole deployment (every
// engine's redemptions, indexed in Redis by the redemption source), as JSON or CSV.
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { RedemptionRecord } from './win-record.js';

export interface RedemptionQuery {
  readonly shop: string | null;
  readonly fromMs: number;
  /** exclusive */
  readonly toMs: number;
}

export interface RedemptionReport {
  readonly redemptions: RedemptionRecord[];
  readonly total: number;
  /** per prize id: redemptions and their summed amount (null amounts count 0) */
  readonly byPrize: Record<string, { count: number; amount: number }>;
}

export async function redemptionReport(redis: RedisClient, q: RedemptionQuery): Promise<RedemptionReport> {
  const out: RedemptionRecord[] = [];
  for (const tag of ALL_SHARDS) {
    const index = q.shop === null ? keys.redemptionsByTime(tag) : keys.redemptionsOfShop(tag, q.shop);
    const ids = await redis.zrangebyscore(index, q.fromMs, `(${q.toMs}`);
    if (ids.length === 0) continue;
    const records = await redis.hmget(keys.redeemed(tag), ...ids);
    for (const r of records) if (r !== null) out.push(JSON.parse(r) as RedemptionRecord);
  }
  out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.redemptionId < b.redemptionId ? -1 : 1));
  const byPrize: RedemptionReport['byPrize'] = {};
  for (const r of out) {
    const p = (byPrize[r.prize.id] ??= { count: 0, amount: 0 });
    p.count++;
    p.amount += r.prize.amount ?? 0;
  }
  return { redemptions: out, total: out.length, byPrize };
}

const CSV_COLUMNS = ['redemptionId', 'at', 'shop', 'eventId', 'voucher', 'user', 'campaignId', 'prizeId', 'prizeName', 'prizeKind', 'amount'] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  // a cell a spreadsheet would run as a formula is prefixed with a quote (CSV injection)
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function cellOf(r: RedemptionRecord, c: CsvColumn): string | number | null {
  switch (c) {
    case 'prizeId': return r.prize.id;
    case 'prizeName': return r.prize.name;
    case 'prizeKind': return r.prize.kind;
    case 'amount': return r.prize.amount;
    default: return r[c];
  }
}

/** `withUsers`: false for a shop's own report, which never names the winners */
export function redemptionCsv(report: RedemptionReport, withUsers = true): string {
  const columns = withUsers ? CSV_COLUMNS : CSV_COLUMNS.filter((c) => c !== 'user');
  const lines = [columns.join(',')];
  for (const r of report.redemptions) lines.push(columns.map((c) => csvCell(cellOf(r, c))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** A redemption as a shop may see it: everything but the winner's user id. */
export type ShopRedemption = Omit<RedemptionRecord, 'user'>;

export function withoutUser(r: RedemptionRecord): ShopRedemption {
  const { user: _user, ...rest } = r;
  return rest;
}

/** The report as a shop key reads it: no user ids. */
export function shopReport(report: RedemptionReport): Omit<RedemptionReport, 'redemptions'> & { redemptions: ShopRedemption[] } {
  return { ...report, redemptions: report.redemptions.map(withoutUser) };
}
