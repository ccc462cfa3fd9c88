// The event as it travels: written into the shard's Redis stream, read back by the persist worker,
// stored in SQLite and delivered to the DCRM as the event JSON of docs/dcrm.md. Both sides live here.
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

/**
 * Reads the values the persist step needs from a head that scanEventHead wrote, in its order, without
 * parsing the whole event: id, batchId, serial, kind, user, campaignId, clerk (the fields after clerk are
 * only carried in the body). A string written by JSON.stringify ends at the first quote no backslash
 * escapes; one holding an escape is decoded with JSON.parse. null when the head is not in that shape
 * (another writer's): the caller then parses the whole event.
 */
function readScanHead(h: string): { id: string; batchId: number; serial: number; kind: string; user: string; campaignId: string | null; clerk: string | null } | null {
  let i = 0;
  let ok = true;
  const key = (name: string): void => {
    const k = `"${name}":`;
    if (ok && h.startsWith(k, i)) i += k.length;
    else ok = false;
  };
  const str = (): string => {
    if (!ok || h.charCodeAt(i) !== 34) {
      ok = false;
      return '';
    }
    let j = i + 1;
    let escaped = false;
    for (;;) {
      const c = h.charCodeAt(j);
      if (Number.isNaN(c)) {
        ok = false;
        return '';
      }
      if (c === 92) {
        escaped = true;
        j += 2;
      } else if (c === 34) break;
      else j++;
    }
    const raw = h.slice(i, j + 1);
    i = j + 2; // past the quote and the comma
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };
  const strOrNull = (): string | null => {
    if (ok && h.startsWith('null', i)) {
      i += 5;
      return null;
    }
    return str();
  };
  const num = (): number => {
    const end = h.indexOf(',', i);
    const v = ok && end > i ? Number(h.slice(i, end)) : NaN;
    if (!Number.isFinite(v)) ok = false;
    i = end + 1;
    return v;
  };
  const skipNumOrNull = (): void => {
    const end = h.indexOf(',', i);
    if (end < 0) ok = false;
    i = end + 1;
  };
  key('id');
  const id = str();
  key('type');
  if (str() !== 'scan') ok = false;
  key('code');
  str();
  key('batchId');
  const batchId = num();
  key('serial');
  const serial = num();
  key('sku');
  str();
  key('kind');
  const kind = str();
  key('user');
  const user = str();
  key('campaignId');
  const campaignId = strOrNull();
  key('lat');
  skipNumOrNull();
  key('lng');
  skipNumOrNull();
  key('clerk');
  const clerk = strOrNull();
  return ok ? { id, batchId, serial, kind, user, campaignId, clerk } : null;
}

/**
 * A scan entry as the scan script writes it: b, t, o, r, p, n in this order, then s, d, k when any of
 * them is set. The event holds what the persist step reads (columns, figures); the body is the whole
 * event. null when the entry is not in that shape: the caller parses it whole.
 */
function readScanEntry(f: readonly string[]): EventRow | null {
  if (f[0] !== 'b' || f[2] !== 't' || f[4] !== 'o' || f[6] !== 'r' || f[8] !== 'p' || f[10] !== 'n') return null;
  if (f.length !== 12 && (f.length !== 18 || f[12] !== 's' || f[14] !== 'd' || f[16] !== 'k')) return null;
  const head = readScanHead(f[1] as string);
  const atMs = Number(f[3]);
  if (head === null || !Number.isFinite(atMs)) return null;
  const at = new Date(atMs).toISOString();
  const reason = f[7] as string;
  const prize = f[9] as string;
  const shop = f.length === 18 && f[13] !== '' ? (f[13] as string) : null;
  const clerkPrize = f.length === 18 && f[17] !== '' ? (f[17] as string) : null;
  const outcome = f[5] as string;
  const diverted = f.length === 18 && f[15] === '1';
  const count = f[11] as string;
  const body =
    `{${f[1]},"at":"${at}","outcome":"${outcome}","reason":${reason === '' ? 'null' : `"${reason}"`},` +
    `"prize":${prize === '' ? 'null' : prize},"clerkPrize":${clerkPrize ?? 'null'},` +
    `"scanCount":${count},"shop":${shop === null ? 'null' : JSON.stringify(shop)},"diverted":${diverted}}`;
  let prizeValue: unknown = null;
  let clerkValue: unknown = null;
  try {
    prizeValue = prize === '' ? null : JSON.parse(prize);
    clerkValue = clerkPrize === null ? null : JSON.parse(clerkPrize);
  } catch {
    return null;
  }
  const event: StoredEvent = {
    id: head.id, type: 'scan', at, atMs, batchId: head.batchId, serial: head.serial, kind: head.kind, user: head.user,
    campaignId: head.campaignId, clerk: head.clerk, outcome, reason: reason === '' ? null : reason, prize: prizeValue,
    clerkPrize: clerkValue, scanCount: Number(count), shop, diverted,
  };
  return { event, body };
}

/**
 * The stored form of a stream entry. Scan events as the scan script writes them are read without
 * parsing the whole event (the persist step's cost per event, see bench:persist): their `event` holds the
 * fields the columns and the figures read, plus `atMs`; every other entry is parsed whole.
 */
export function readEntry(fields: readonly string[]): EventRow {
  const scan = readScanEntry(fields);
  if (scan !== null) return scan;
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
