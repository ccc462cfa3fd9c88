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
  const e = JSON.parse(body) as { id: string; at: string; batchId: number; serial: number; user: string; campaignId: string | null; prize: { id: string } | null };
  return {
    id: e.id,
    at: e.at,
    batchId: e.batchId,
    serial: e.serial,
    user: e.user,
    campaignId: e.campaignId,
    outcome: f.o ?? '',
    prizeId: e.prize ? e.prize.id : null,
    body,
  };
}
