// The figures a report row or an overview minute holds, and the one-letter names they have as hash
// fields in the aggregates (short: a report hash holds one field per figure and dimension tuple).
export const FIGURES = ['scans', 'firstScans', 'won', 'spend', 'diverted'] as const;
export type Figure = (typeof FIGURES)[number];
export type Figures = Record<Figure, number>;

export const FIELD_OF: Readonly<Record<Figure, string>> = { scans: 's', firstScans: 'f', won: 'w', spend: 'm', diverted: 'd' };
export const FIGURE_OF: Readonly<Record<string, Figure>> = { s: 'scans', f: 'firstScans', w: 'won', m: 'spend', d: 'diverted' };

export const zeroFigures = (): Figures => ({ scans: 0, firstScans: 0, won: 0, spend: 0, diverted: 0 });

const FIRST_SCAN = new Set(['won', 'lost', 'verified']);

interface PrizeLike {
  kind?: unknown;
  amount?: unknown;
}

const cashOf = (p: unknown): number => {
  if (typeof p !== 'object' || p === null) return 0;
  const { kind, amount } = p as PrizeLike;
  return kind === 'cash' && typeof amount === 'number' ? amount : 0;
};

/** What one scan event adds: a scan; a first scan; a consumer win; cash paid (the consumer's and the clerk's); diverted. */
export function figuresOfScan(e: Readonly<Record<string, unknown>>): Figures {
  const outcome = e.outcome;
  return {
    scans: 1,
    firstScans: typeof outcome === 'string' && FIRST_SCAN.has(outcome) ? 1 : 0,
    won: outcome === 'won' ? 1 : 0,
    spend: (outcome === 'won' ? cashOf(e.prize) : 0) + cashOf(e.clerkPrize),
    diverted: e.diverted === true ? 1 : 0,
  };
}
