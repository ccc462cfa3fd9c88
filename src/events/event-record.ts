// Turns a stream entry written by the scan script into the event JSON of CONTRACT §5.
// The script writes the fields known before the draw as one JSON fragment (b) and adds what the draw
// decided: outcome (o), reason (r), prize JSON (p), scan count (n), the shop the scan is attributed
// to (s: given, or inherited from the opened box), diverted (d), the clerk's prize JSON (k).

export interface EventRow {
  id: string;
  at: string;
  batchId: number;
  serial: number;
  user: string;
  campaignId: string | null;
  outcome: string;
  prizeId: string | null;
  body: string;
}

export function fieldsToEvent(fields: readonly string[]): EventRow {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
  const reason = f.r ?? '';
  const prize = f.p ?? '';
  const body =
    `{${f.b ?? ''},"outcome":"${f.o ?? ''}","reason":${reason === '' ? 'null' : `"${reason}"`},` +
    `"prize":${prize === '' ? 'null' : prize},"clerkPrize":${f.k ? f.k : 'null'},` +
    `"scanCount":${f.n ?? '0'},"shop":${f.s ? JSON.stringify(f.s) : 'null'},"diverted":${f.d === '1'}}`;
  const b = f.b ?? '';
  const id = quotedValue(b, 'id');
  const at = quotedValue(b, 'at');
  const user = quotedValue(b, 'user');
  const batchId = numberValue(b, 'batchId');
  const serial = numberValue(b, 'serial');
  const campaignId = b.includes('"campaignId":null') ? null : quotedValue(b, 'campaignId');
  const prizeId = prize === '' ? null : quotedValue(prize, 'id');
  if (id === null || at === null || user === null || batchId === null || serial === null || (prizeId === null && prize !== '')) {
    const e = JSON.parse(body) as { id: string; at: string; batchId: number; serial: number; user: string; campaignId: string | null; prize: { id: string } | null };
    return { id: e.id, at: e.at, batchId: e.batchId, serial: e.serial, user: e.user, campaignId: e.campaignId, outcome: f.o ?? '', prizeId: e.prize ? e.prize.id : null, body };
  }
  return { id, at, batchId, serial, user, campaignId, outcome: f.o ?? '', prizeId, body };
}

// The columns are read from the fragment the engine wrote rather than by parsing the whole event (a
// JSON.parse per event was the persist worker's largest cost after SQLite itself). `"name":"` cannot
// occur inside another JSON string (its quotes would be escaped), and these values (ids, ISO times,
// integers) never hold a quote or a backslash. Anything unexpected falls back to JSON.parse above.
function quotedValue(s: string, name: string): string | null {
  const key = `"${name}":"`;
  const i = s.indexOf(key);
  if (i < 0) return null;
  const start = i + key.length;
  const end = s.indexOf('"', start);
  if (end < 0) return null;
  const v = s.slice(start, end);
  return v.includes('\\') ? null : v;
}

function numberValue(s: string, name: string): number | null {
  const key = `"${name}":`;
  const i = s.indexOf(key);
  if (i < 0) return null;
  const start = i + key.length;
  let end = start;
  while (end < s.length && s.charCodeAt(end) >= 48 && s.charCodeAt(end) <= 57) end++;
  return end === start ? null : Number(s.slice(start, end));
}
