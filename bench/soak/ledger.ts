// Everything the soak was answered, kept to check the invariants against the stores, the receiver and
// Redis afterwards, and counted per second for the report's charts.

export interface ScanAnswer {
  /** ms after the run started */
  at: number;
  engine: number;
  batchId: number;
  serial: number;
  user: string;
  /** HTTP status */
  status: number;
  /** the code the answer names ("batchId:serial"), when it names one */
  answeredCode: string | null;
  /** ms from when the request was due (or sent, for probes) to its answer */
  latencyMs: number;
  eventId: string | null;
  outcome: string | null;
  reason: string | null;
  /** for a repeat by the same user: the first scan's event id */
  originalEventId: string | null;
  prizeId: string | null;
  prizeKind: string | null;
}

export interface SecondCounts {
  answers: number;
  unavailable: number;
  latencies: number[];
}

export class Ledger {
  readonly scans: ScanAnswer[] = [];
  /** requests sent that got no answer (the connection closed by a dying engine) */
  unanswered = 0;
  /** requests never sent: due when the deployment had fallen behind, and the run ended first (an overloaded run) */
  unsent = 0;
  /** answers whose `code` is not the code of the request they came back for (an answer out of step) */
  readonly mismatched: string[] = [];
  readonly #seconds = new Map<number, SecondCounts>();
  readonly #winsByKind = new Map<string, ScanAnswer[]>();
  /** 201 answers per won event redeemed */
  readonly redeemed = new Map<string, number>();
  /** 409 answers to a second redemption of one event */
  redemptionConflicts = 0;
  /** users whose points were spent, with the balances the engines answered */
  readonly pointBalances = new Map<string, number[]>();
  pointSpends = 0;
  pointRefusals = 0;
  /** cash wins marked paid */
  readonly paid = new Set<string>();

  constructor(readonly startedAt: number) {}

  now(): number {
    return Date.now() - this.startedAt;
  }

  record(a: ScanAnswer, latencyMs: number): void {
    a.latencyMs = Math.round(latencyMs);
    if (a.answeredCode !== null && a.batchId >= 0 && a.answeredCode !== `${a.batchId}:${a.serial}`) {
      this.mismatched.push(`engine ${a.engine} at ${(a.at / 1000).toFixed(1)} s: asked ${a.batchId}:${a.serial}, answered ${a.answeredCode} (${a.status})`);
    }
    this.scans.push(a);
    if (a.status === 200 && a.outcome === 'won' && a.prizeKind !== null && a.eventId !== null) {
      const list = this.#winsByKind.get(a.prizeKind) ?? [];
      list.push(a);
      this.#winsByKind.set(a.prizeKind, list);
    }
    const s = Math.floor(a.at / 1000);
    const c = this.#seconds.get(s) ?? { answers: 0, unavailable: 0, latencies: [] };
    c.answers++;
    if (a.status === 503) c.unavailable++;
    c.latencies.push(latencyMs);
    this.#seconds.set(s, c);
  }

  /** answers, 503s and p99 (ms) of one second of the run */
  second(s: number): { answers: number; unavailable: number; p99: number } {
    const c = this.#seconds.get(s);
    if (!c) return { answers: 0, unavailable: 0, p99: 0 };
    const sorted = c.latencies.slice().sort((a, b) => a - b);
    return { answers: c.answers, unavailable: c.unavailable, p99: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0 };
  }

  /** won events of these prize kinds answered so far */
  wins(kinds: readonly string[]): ScanAnswer[] {
    return kinds.flatMap((k) => this.#winsByKind.get(k) ?? []);
  }
}

interface ScanBody {
  code?: { batchId?: unknown; serial?: unknown } | null;
  eventId?: unknown;
  outcome?: unknown;
  reason?: unknown;
  original?: { eventId?: unknown } | null;
  prize?: { id?: unknown; kind?: unknown } | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The fields of a scan answer the invariants use; a body that is not JSON leaves them null. */
export function readScanAnswer(base: Omit<ScanAnswer, 'answeredCode' | 'latencyMs' | 'eventId' | 'outcome' | 'reason' | 'originalEventId' | 'prizeId' | 'prizeKind'>, body: Buffer | string): ScanAnswer {
  let b: ScanBody = {};
  try {
    b = JSON.parse(body.toString()) as ScanBody;
  } catch {
    /* not JSON: counted by status alone */
  }
  const answeredBatch = typeof b.code?.batchId === 'number' ? b.code.batchId : null;
  const answeredSerial = typeof b.code?.serial === 'number' ? b.code.serial : null;
  return {
    ...base,
    answeredCode: answeredBatch === null || answeredSerial === null ? null : `${answeredBatch}:${answeredSerial}`,
    latencyMs: 0,
    eventId: str(b.eventId),
    outcome: str(b.outcome),
    reason: str(b.reason),
    originalEventId: str(b.original?.eventId),
    prizeId: str(b.prize?.id),
    prizeKind: str(b.prize?.kind),
  };
}
