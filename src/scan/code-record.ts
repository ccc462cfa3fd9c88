// A consumed code's record, as lua/scanCodes-1.lua writes it ("Code records" in its header): one field
// of a hash shared by 64 codes, value `count|firstAtMs|outcome char|eventId|user|prize`, prize '' or
// `campaignId|prizeId|amount`. No separator can occur inside a part: ids, users and numbers have none.
// The prize travels as a reference, not as its JSON, so the record stays small (a listpack entry); the
// engine rebuilds the JSON the first scan answered from the campaign's definition.

export interface CodeRecord {
  readonly count: number;
  readonly firstAt: number;
  readonly outcome: 'won' | 'lost' | 'verified';
  readonly eventId: string;
  readonly user: string;
  readonly prize: PrizeRef | null;
}

export interface PrizeRef {
  readonly campaignId: string;
  readonly prizeId: string;
  /** the amount the win carried (0 for a prize without one) */
  readonly amount: number;
}

const OUTCOME_OF = { w: 'won', l: 'lost', v: 'verified' } as const;

/** A prize reference of a record or of the script's reply ('' none); null when there is none or it is not one. */
export function parsePrizeRef(ref: string): PrizeRef | null {
  const parts = ref.split('|');
  if (parts.length !== 3) return null;
  const [campaignId, prizeId, amount] = parts as [string, string, string];
  const n = Number(amount);
  return campaignId === '' || prizeId === '' || !Number.isFinite(n) ? null : { campaignId, prizeId, amount: n };
}

/** A record's value as the script writes it; throws on anything else (a test or a tool read a wrong field). */
export function parseCodeRecord(value: string): CodeRecord {
  const m = /^(\d+)\|(\d+)\|([wlv])\|([^|]*)\|([^|]*)\|(.*)$/.exec(value);
  if (m === null) throw new Error(`not a code record: ${JSON.stringify(value.slice(0, 120))}`);
  const prize = m[6] === '' ? null : parsePrizeRef(m[6] as string);
  if (m[6] !== '' && prize === null) throw new Error(`not a code record's prize: ${JSON.stringify(m[6])}`);
  return { count: Number(m[1]), firstAt: Number(m[2]), outcome: OUTCOME_OF[m[3] as 'w' | 'l' | 'v'], eventId: m[4] as string, user: m[5] as string, prize };
}
