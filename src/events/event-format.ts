// The event as it travels: written into the shard's Redis stream, read back by the persist worker,
// stored in SQLite and delivered to the DCRM as the JSON of CONTRACT §5. Both sides live here.
//
// A scan event is written in two parts. The engine knows most of it before the draw and builds that
// part once, as a JSON fragment without braces (`scanEventHead`); the scan script appends it unchanged
// and adds what the draw decided in short fields. Every other event type (campaign, redemption, payout,
// points) is complete when it is written, and travels as one field `j`.
//
// Stream fields of a scan event (see lua/scanCodes-1.lua):
//   b  the head fragment            t  the time of the decision, ms of the shared clock
//   o  outcome                      r  reason ('' none)
//   p  prize JSON ('' none)         n  scan count of the code
//   s  shop the scan is attributed to: given, or inherited from the opened box (absent: none)
//   d  '1' when diverted (absent: not)   k  the clerk's prize JSON (absent: none)
// Stream field of any other event: j = the whole event JSON.
import type { StoredEvent } from '../aggregates/aggregate-op.js';

export const WHOLE_EVENT_FIELD = 'j';

export interface ScanEventHead {
  id: string;
  code: string;
  batchId: number;
  serial: number;
  /** `"sku":…,"kind":…` of the batch, built once per batch */
  skuKind: string;
  user: string;
  campaignId: string | null;
  lat: number | null;
  lng: number | null;
  clerk: string | null;
  device: string | null;
  ip: string;
  random: number;
  clerkRandom: number | null;
}

const jsonStr = (s: string | null): string => (s === null ? 'null' : JSON.stringify(s));
const jsonNum = (n: number | null): string => (n === null ? 'null' : String(n));

/** The part of a scan event known before the draw. `user`, `id`, `at`, `code` never need escaping (checked charsets). */
export function scanEventHead(e: ScanEventHead): string {
  return (
    `"id":"${e.id}","type":"scan","code":"${e.code}",` +
    `"batchId":${e.batchId},"serial":${e.serial},${e.skuKind},` +
    `"user":"${e.user}","campaignId":${jsonStr(e.campaignId)},` +
    `"lat":${jsonNum(e.lat)},"lng":${jsonNum(e.lng)},"clerk":${jsonStr(e.clerk)},` +
    `"device":${jsonStr(e.device)},"ip":${JSON.stringify(e.ip)},"random":${e.random},"clerkRandom":${jsonNum(e.clerkRandom)}`
  );
}

/** The JSON of a stream entry's event, whatever its type. */
export function eventJsonOf(fields: readonly string[]): string {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
  const whole = f[WHOLE_EVENT_FIELD];
  if (whole !== undefined) return whole;
  const reason = f.r ?? '';
  const prize = f.p ?? '';
  const t = Number(f.t);
  return (
    `{${f.b ?? ''},"at":${Number.isFinite(t) ? `"${new Date(t).toISOString()}"` : 'null'},"outcome":"${f.o ?? ''}","reason":${reason === '' ? 'null' : `"${reason}"`},` +
    `"prize":${prize === '' ? 'null' : prize},"clerkPrize":${f.k ? f.k : 'null'},` +
    `"scanCount":${f.n ?? '0'},"shop":${f.s ? JSON.stringify(f.s) : 'null'},"diverted":${f.d === '1'}}`
  );
}

/** A stored event and the columns SQLite indexes or the audit reads. */
export interface EventRow {
  readonly event: StoredEvent;
  readonly body: string;
}

export class MalformedEvent extends Error {}

export function readEntry(fields: readonly string[]): EventRow {
  const body = eventJsonOf(fields);
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    throw new MalformedEvent(`stream entry is not an event: ${body.slice(0, 120)}`);
  }
  const e = event as Partial<StoredEvent> | null;
  if (e === null || typeof e !== 'object' || typeof e.id !== 'string' || typeof e.type !== 'string' || typeof e.at !== 'string') {
    throw new MalformedEvent(`stream entry lacks id, type or at: ${body.slice(0, 120)}`);
  }
  return { event: e as StoredEvent, body };
}

/** Column values of an event (null where the type has none). */
export function columnsOf(e: StoredEvent): [string, string, string, number | null, number | null, string | null, string | null, string | null, string | null] {
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const prize = e.prize as { id?: unknown } | null | undefined;
  return [e.id, e.type, e.at, num(e.batchId), num(e.serial), str(e.user), str(e.campaignId), str(e.outcome), prize ? str(prize.id) : null];
}
