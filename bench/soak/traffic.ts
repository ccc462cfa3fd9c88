// The soak's load: the bench's scan mix sent open loop (bench/lib/open-loop.ts), spread round-robin over the
// engines, every answer kept in the ledger; beside it the operations people do with wins while scans
// go on: redemptions (each sent to two engines at once), point spends (one idempotency key sent to two
// engines at once) and payouts marked paid.
import { randomUUID } from 'node:crypto';
import { CodeCodec } from '../../src/codes/code-codec.js';
import { TEST_SECRET, type TestEngine } from '../../src/testing/engine-process.js';
import { runPaced, type PacedResult } from '../lib/open-loop.js';
import { REALISTIC_MIX, ScanBodyFactory } from '../lib/scan-bodies.js';
import { readScanAnswer, type Ledger } from './ledger.js';

export const codec = new CodeCodec(Buffer.from(TEST_SECRET, 'hex'));

interface RequestMeta {
  batchId: number;
  serial: number;
  user: string;
}

function metaOf(body: Buffer): RequestMeta {
  const b = JSON.parse(body.toString()) as { code: string; user: string };
  const d = codec.decode(b.code);
  return { batchId: d?.batchId ?? -1, serial: d?.serial ?? -1, user: b.user };
}

export interface ScanLoad {
  /** resolves when every engine's share was sent and answered (or given up) */
  done: Promise<PacedResult[]>;
  /** requests sent per code ("batchId:serial"): a code whose every request was answered 503 must be left unconsumed */
  requestsPerCode: Map<string, number>;
}

/** Sends `rate` scans per second for `seconds` over the engines; `engines` is read at each reconnect, so restarted engines take their share again. */
export function startScanLoad(engines: readonly TestEngine[], ledger: Ledger, opts: { batchId: number; batchSize: number; rate: number; seconds: number; seed: number; stop?: AbortSignal }): ScanLoad {
  const factory = new ScanBodyFactory(TEST_SECRET, opts.batchId, opts.batchSize, undefined, opts.seed);
  const total = Math.max(1, Math.round(opts.rate * opts.seconds));
  // repeats name codes sent at least 2000 requests earlier: answered by then unless an engine was down
  const set = factory.make(total, REALISTIC_MIX, 2000);
  const n = engines.length;
  const requestsPerCode = new Map<string, number>();
  const runs = engines.map((engine, k) => {
    const bodies = set.bodies.filter((_, i) => i % n === k);
    const meta = bodies.map(metaOf);
    for (const m of meta) if (m.batchId >= 0) requestsPerCode.set(`${m.batchId}:${m.serial}`, (requestsPerCode.get(`${m.batchId}:${m.serial}`) ?? 0) + 1);
    return runPaced(engine.url, '/v1/scans', bodies, {
      connections: 16,
      rate: opts.rate / n,
      duration: opts.seconds,
      ...(opts.stop ? { stop: opts.stop } : {}),
      onReply(request, status, body, latencyMs) {
        const m = meta[request % meta.length] as RequestMeta;
        ledger.record(readScanAnswer({ at: ledger.now(), engine: k, batchId: m.batchId, serial: m.serial, user: m.user, status: Number(status) }, body), latencyMs);
      },
    }).then((r) => {
      ledger.unanswered += r.sent - r.answered;
      ledger.unsent += r.errors - (r.sent - r.answered);
      return r;
    });
  });
  return { done: Promise.all(runs), requestsPerCode };
}

/** One scan of a code of the probe batch (covered by no campaign) on one engine, kept in the ledger: whether it answered 200. */
export async function probe(engine: TestEngine, k: number, ledger: Ledger, batchId: number, serial: number): Promise<boolean> {
  const user = 'probe';
  try {
    const t0 = performance.now();
    const r = await fetch(`${engine.url}/v1/scans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: codec.encode(batchId, serial), user }), signal: AbortSignal.timeout(5_000) });
    const text = await r.text();
    ledger.record(readScanAnswer({ at: ledger.now(), engine: k, batchId, serial, user, status: r.status }, text), performance.now() - t0);
    return r.status === 200;
  } catch {
    ledger.unanswered++;
    return false;
  }
}

const pick = <T>(xs: readonly T[], rnd: () => number): T | undefined => xs[Math.floor(rnd() * xs.length)];

/** Redemptions, point spends and payout changes every `everyMs` until stopped. */
export function startOperations(engines: readonly TestEngine[], ledger: Ledger, rnd: () => number, everyMs = 250): { stop(): Promise<void> } {
  let running = true;
  const both = (): [TestEngine, TestEngine] => {
    const a = Math.floor(rnd() * engines.length);
    return [engines[a] as TestEngine, engines[(a + 1) % engines.length] as TestEngine];
  };
  const quiet = <T>(p: Promise<T>): Promise<T | null> => p.catch(() => null);
  const round = async (): Promise<void> => {
    const voucher = pick(ledger.wins(['gift', 'coupon']).filter((w) => !ledger.redeemed.has(w.eventId as string)), rnd);
    if (voucher?.eventId) {
      const id = voucher.eventId;
      const answers = await Promise.all(both().map((e) => quiet(e.api('POST', '/v1/redemptions', { eventId: id, shop: 's_soak' }))));
      for (const a of answers) {
        if (a?.status === 201) ledger.redeemed.set(id, (ledger.redeemed.get(id) ?? 0) + 1);
        if (a?.status === 409) ledger.redemptionConflicts++;
      }
    }
    const pointsWinner = pick(ledger.wins(['points']), rnd);
    if (pointsWinner) {
      const key = randomUUID();
      const user = pointsWinner.user;
      const answers = await Promise.all(both().map((e) => quiet(e.api('POST', `/v1/members/${encodeURIComponent(user)}/points`, { delta: -40, reason: 'soak', idempotencyKey: key }))));
      for (const a of answers) {
        if (a?.status === 200 && typeof a.body?.points === 'number') ledger.pointBalances.set(user, [...(ledger.pointBalances.get(user) ?? []), a.body.points as number]);
        if (a?.status === 409) ledger.pointRefusals++;
      }
      if (answers.some((a) => a?.status === 200)) ledger.pointSpends++;
    }
    const cash = pick(ledger.wins(['cash']).filter((w) => !ledger.paid.has(w.eventId as string)), rnd);
    if (cash?.eventId) {
      const a = await quiet((engines[Math.floor(rnd() * engines.length)] as TestEngine).api('POST', `/v1/payouts/${cash.eventId}`, { state: 'paid', reference: `soak-${cash.eventId}` }));
      if (a?.status === 200) ledger.paid.add(cash.eventId);
    }
  };
  const loop = (async () => {
    while (running) {
      await round().catch(() => undefined);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}
