// The invariants of a soak, checked once the deployment drained: from the answers the soak got, every
// engine's SQLite store, the DCRM receiver, Redis and the deployment-wide audit. Each check says how
// many things it looked at and how many broke it; a few examples of each break are kept.
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { keys, seenBit, shardTag } from '../../src/redis/keys.js';
import type { TestEngine } from '../../src/testing/engine-process.js';
import type { SoakDeployment } from './deployment.js';
import type { Ledger, ScanAnswer } from './ledger.js';
import { deliveryRetriesByError } from './delivery-retries.js';

export interface Invariant {
  checked: number;
  violations: number;
  examples: string[];
  /** counted and shown, not a violation (duplicate deliveries: at-least-once) */
  notes?: Record<string, number>;
}

export interface StoreFigures {
  engine: number;
  events: number;
  bytes: number;
}

export interface InvariantReport {
  invariants: Record<string, Invariant>;
  violations: number;
  stores: StoreFigures[];
  consumedCodes: number;
  wins: number;
  audit: { ok: boolean; checks: number; mismatches: string[]; stores: number; unreached: string[] };
}

/** The report of a run stopped before it drained: nothing checked, nothing counted. */
export function uncheckedInvariants(): InvariantReport {
  return { invariants: {}, violations: 0, stores: [], consumedCodes: 0, wins: 0, audit: { ok: false, checks: 0, mismatches: [], stores: 0, unreached: [] } };
}

const FIRST = new Set(['won', 'lost', 'verified']);
const codeKey = (b: number, s: number): string => `${b}:${s}`;

function check(): Invariant & { fail(example: string): void } {
  const inv = {
    checked: 0,
    violations: 0,
    examples: [] as string[],
    fail(example: string) {
      inv.violations++;
      if (inv.examples.length < 5) inv.examples.push(example);
    },
  };
  return inv;
}

async function pagesOf<T>(e: TestEngine, path: string, field: string, next: (body: any) => string | null): Promise<T[]> {
  const out: T[] = [];
  let after: string | null = null;
  for (;;) {
    const r = await e.api('GET', `${path}${path.includes('?') ? '&' : '?'}limit=1000${after ? `&after=${after}` : ''}`);
    if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}`);
    out.push(...(r.body[field] as T[]));
    after = next(r.body);
    if (after === null) return out;
  }
}

interface StoredEvent {
  id: string;
  type: string;
  batch_id: number | null;
  serial: number | null;
  outcome: string | null;
  at: string;
}

export async function checkInvariants(d: SoakDeployment, ledger: Ledger, requestsPerCode: ReadonlyMap<string, number>): Promise<InvariantReport> {
  // every store of the deployment, read from its file
  const storesOf = new Map<string, number>();
  const firstScans = new Map<string, string[]>();
  const wonIds = new Set<string>();
  const firstAt = new Map<string, string>();
  const stores: StoreFigures[] = [];
  for (const [k, e] of d.engines.entries()) {
    const path = join(e.dataDir, 'scanlot.db');
    const db = new Database(path, { readonly: true });
    let events = 0;
    for (const ev of db.prepare<[], StoredEvent>('SELECT id, type, batch_id, serial, outcome, at FROM events').iterate()) {
      events++;
      storesOf.set(ev.id, (storesOf.get(ev.id) ?? 0) + 1);
      if (ev.type === 'scan' && ev.outcome !== null && FIRST.has(ev.outcome) && ev.batch_id !== null && ev.serial !== null) {
        const key = codeKey(ev.batch_id, ev.serial);
        firstScans.set(key, [...(firstScans.get(key) ?? []), ev.id]);
        firstAt.set(key, ev.at);
        if (ev.outcome === 'won') wonIds.add(ev.id);
      }
    }
    db.close();
    const bytes = [path, `${path}-wal`].filter(existsSync).reduce((n, p) => n + statSync(p).size, 0);
    stores.push({ engine: k, events, bytes });
  }
  const delivered = d.receiver.acceptedCopies();
  const scans = ledger.scans;

  // 0. every answer is one the contract allows: a 200 with its event, a 404 for a forged code, a 503
  const wellFormed = check();
  for (const a of scans) {
    wellFormed.checked++;
    if (a.status === 200 ? a.eventId === null || a.outcome === null : a.status !== 404 && a.status !== 503) wellFormed.fail(`code ${a.batchId}:${a.serial} answered ${a.status}${a.status === 200 ? ' without an event' : ''}`);
  }

  // an answer naming another code than its request's: the engine answered out of step (or twice)
  const matching = check();
  for (const a of scans) if (a.answeredCode !== null) matching.checked++;
  for (const m of ledger.mismatched) matching.fail(m);

  // 1. every 200 answer: exactly one event, in exactly one store, delivered to the receiver
  const answered = check();
  let duplicateDeliveries = 0;
  for (const a of scans) {
    if (a.status !== 200 || a.eventId === null) continue;
    answered.checked++;
    const n = storesOf.get(a.eventId) ?? 0;
    if (n !== 1) answered.fail(`${a.eventId} (${a.outcome}) in ${n} stores`);
    const copies = delivered.get(a.eventId)?.length ?? 0;
    if (copies === 0) answered.fail(`${a.eventId} (${a.outcome}) never delivered`);
    else duplicateDeliveries += copies - 1;
  }
  // why batches went out again: a timeout whose batch the receiver took after all is a duplicate
  const retries = Object.entries(deliveryRetriesByError(d.engines.map((e) => e.output()))).map(([why, n]) => [`deliveries failing (${why})`, n] as const);
  answered.notes = { duplicateDeliveries, ...Object.fromEntries(retries) };
  const signatures = check();
  signatures.checked = d.receiver.batches.length;
  for (const b of d.receiver.batches) if (!b.verified) signatures.fail(`delivery ${b.n} with a bad signature`);

  // 2. no code consumed twice; a code answered only 503 is unconsumed with no event
  const consumedOnce = check();
  for (const [code, ids] of firstScans) {
    consumedOnce.checked++;
    if (ids.length > 1) consumedOnce.fail(`code ${code}: ${ids.length} first-scan events`);
  }
  const byCode = new Map<string, ScanAnswer[]>();
  for (const a of scans) if (a.batchId >= 0) byCode.set(codeKey(a.batchId, a.serial), [...(byCode.get(codeKey(a.batchId, a.serial)) ?? []), a]);
  const firstAnswers = new Map<string, string>();
  for (const [code, as] of byCode) {
    const firsts = as.filter((a) => a.status === 200 && a.outcome !== null && FIRST.has(a.outcome));
    if (firsts.length > 1) consumedOnce.fail(`code ${code}: ${firsts.length} first-scan answers`);
    if (firsts[0]?.eventId) firstAnswers.set(code, firsts[0].eventId);
  }
  const unavailable = check();
  for (const [code, as] of byCode) {
    // only codes whose every request was answered, each with 503: a request cut by a dying engine may have consumed its code
    if (!as.every((a) => a.status === 503) || (requestsPerCode.get(code) ?? as.length) !== as.length) continue;
    unavailable.checked++;
    const [b, s] = code.split(':').map(Number) as [number, number];
    const bit = await d.redis.client.getbit(keys.seen(shardTag(b, s), b), seenBit(s));
    // when each 503 came, from which engine, and how long after its request was due: which fault it met
    const when = as.map((a) => `engine ${a.engine} at ${(a.at / 1000).toFixed(1)} s after ${a.latencyMs} ms`).join(', ');
    if (bit !== 0) unavailable.fail(`code ${code} answered 503 (${when}) but consumed`);
    if (firstScans.has(code)) unavailable.fail(`code ${code} answered 503 (${when}) but has event ${firstScans.get(code)?.[0]} at ${firstAt.get(code) ?? '?'} (shared clock)`);
  }

  // 3. repeat answers agree with the first scan's event
  const repeats = check();
  for (const a of scans) {
    if (a.status !== 200 || a.outcome !== 'repeat' || a.originalEventId === null) continue;
    repeats.checked++;
    const code = codeKey(a.batchId, a.serial);
    const first = firstScans.get(code)?.[0] ?? firstAnswers.get(code);
    if (first !== a.originalEventId) repeats.fail(`code ${code}: repeat names ${a.originalEventId}, first scan ${first ?? 'none'}`);
  }

  // 4. the deployment-wide audit: stock, budgets, caps, pacing, wins, payouts, redemptions, every store
  const live = d.engines.find((e) => e.pid() !== null) as TestEngine;
  const auditReply = await live.api('GET', '/v1/audit');
  const rows = (auditReply.body?.rows ?? []) as { check: string; subject: string; expected: unknown; actual: unknown; ok: boolean }[];
  const audit = check();
  audit.checked = rows.length;
  for (const r of rows) if (!r.ok) audit.fail(`${r.check}: ${r.subject}: expected ${String(r.expected)}, got ${String(r.actual)}`);
  if (auditReply.status !== 200) audit.fail(`GET /v1/audit answered ${auditReply.status}`);

  // 5. points never negative, each voucher redeemed at most once, one payout per cash win
  const points = check();
  for (const [user, balances] of ledger.pointBalances) {
    points.checked++;
    if (balances.some((b) => b < 0)) points.fail(`${user}: answered a negative balance`);
    const m = await live.api('GET', `/v1/members/${encodeURIComponent(user)}`);
    if (typeof m.body?.points !== 'number' || m.body.points < 0) points.fail(`${user}: ${JSON.stringify(m.body?.points)} points`);
  }
  const redemptions = check();
  for (const [id, n] of ledger.redeemed) {
    redemptions.checked++;
    if (n > 1) redemptions.fail(`${id} redeemed ${n} times`);
  }
  redemptions.notes = { conflictsAnswered409: ledger.redemptionConflicts };
  const payouts = check();
  const listed = await pagesOf<{ eventId: string }>(live, '/v1/payouts', 'payouts', (b) => (typeof b.next === 'string' ? b.next : null));
  const perWin = new Map<string, number>();
  for (const p of listed) perWin.set(p.eventId, (perWin.get(p.eventId) ?? 0) + 1);
  for (const w of ledger.wins(['cash'])) {
    payouts.checked++;
    if (perWin.get(w.eventId as string) !== 1) payouts.fail(`cash win ${w.eventId}: ${perWin.get(w.eventId as string) ?? 0} payouts`);
  }
  for (const [id, n] of perWin) {
    if (n > 1) payouts.fail(`${id}: ${n} payouts`);
    if (!wonIds.has(id)) payouts.fail(`payout ${id} for no stored win`);
  }

  const strip = (i: Invariant & { fail?: unknown }): Invariant => ({ checked: i.checked, violations: i.violations, examples: i.examples, ...(i.notes ? { notes: i.notes } : {}) });
  const invariants: Record<string, Invariant> = {
    answersWellFormed: strip(wellFormed),
    answersMatchRequests: strip(matching),
    answeredEventOnceStoredAndDelivered: strip(answered),
    deliveriesSigned: strip(signatures),
    codeConsumedOnce: strip(consumedOnce),
    unavailableLeftUnconsumed: strip(unavailable),
    repeatsAgreeWithFirstScan: strip(repeats),
    auditClean: strip(audit),
    pointsNeverNegative: strip(points),
    voucherRedeemedOnce: strip(redemptions),
    onePayoutPerCashWin: strip(payouts),
  };
  return {
    invariants,
    violations: Object.values(invariants).reduce((n, i) => n + i.violations, 0),
    stores,
    consumedCodes: firstScans.size,
    wins: wonIds.size,
    audit: {
      ok: auditReply.body?.ok === true,
      checks: rows.length,
      mismatches: rows.filter((r) => !r.ok).map((r) => `${r.check}: ${r.subject}`),
      stores: (auditReply.body?.read ?? []).length,
      unreached: ((auditReply.body?.unreached ?? []) as { storeId: string; reason: string }[]).map((s) => `${s.storeId}: ${s.reason}`),
    },
  };
}
