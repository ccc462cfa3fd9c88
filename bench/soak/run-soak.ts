// One soak: the deployment, the campaign, the load and the operations, the fault schedule, the drain,
// then the invariants. Always stops what it started.
import { rssBytes } from '../lib/proc-stats.js';
import { campaignBody } from '../lib/bench-campaign.js';
import { runPaced } from '../lib/open-loop.js';
import { FRESH_ONLY, ScanBodyFactory } from '../lib/scan-bodies.js';
import { TEST_SECRET, type TestEngine } from '../../src/testing/engine-process.js';
import { startDeployment, type SoakDeployment } from './deployment.js';
import { runFaults, type FaultRecord } from './faults.js';
import { checkInvariants, uncheckedInvariants } from './invariants.js';
import { Ledger } from './ledger.js';
import type { SoakOptions } from './options.js';
import type { SoakResult } from './soak-result.js';
import { startTimeline } from './timeline.js';
import { probe, startOperations, startScanLoad } from './traffic.js';
import { mulberry32 as prng } from '../lib/seeded-random.js';


const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** a run told to stop waits this long for the drain: it is ending because someone wants it to */
const STOPPED_DRAIN_MS = 20_000;

async function allDrained(d: SoakDeployment): Promise<boolean> {
  for (const e of d.engines) {
    const h = (await e.api('GET', '/healthz')).body as { backlog?: number; outbox?: number };
    if (h.backlog !== 0 || h.outbox !== 0) return false;
  }
  return true;
}

/** Whether every engine drained its stream and outbox within `ms`, or within STOPPED_DRAIN_MS of a stop. */
async function drainedWithin(d: SoakDeployment, stop: AbortSignal, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  let stoppedAt: number | null = null;
  for (;;) {
    if (await allDrained(d).catch(() => false)) return true;
    if (stop.aborted) stoppedAt ??= Date.now();
    if (Date.now() > (stoppedAt === null ? end : Math.min(end, stoppedAt + STOPPED_DRAIN_MS))) return false;
    await sleep(200);
  }
}

async function created(e: TestEngine, path: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await e.api('POST', path, body);
  if (r.status !== 201) throw new Error(`POST ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body as Record<string, unknown>;
}

/** Half of what the deployment answers flat out over 5 s of fresh scans (a batch of its own, in the campaign). */
async function measureRate(d: SoakDeployment, batchId: number): Promise<number> {
  const factory = new ScanBodyFactory(TEST_SECRET, batchId, 1_000_000, undefined, 7);
  const results = await Promise.all(
    d.engines.map((e) => runPaced(e.url, '/v1/scans', factory.make(20_000, FRESH_ONLY).bodies, { connections: 32, rate: 4_000 / d.engines.length, duration: 5 })),
  );
  return results.reduce((n, r) => n + r.achievedRps, 0);
}

/**
 * Runs one soak. `stop` (SIGTERM, SIGINT) ends it early: the load and the operations stop, the fault under
 * way puts back what it broke, the deployment gets a short while to drain, and the result holds what the
 * run had (the invariants are checked only when the drain finished); every process it started is stopped.
 */
export async function runSoak(opts: SoakOptions, log: (line: string) => void = () => undefined, stop: AbortSignal = new AbortController().signal): Promise<SoakResult> {
  const rnd = prng(opts.seed);
  const runMs = opts.minutes * 60_000;
  log(`starting ${opts.engines} engines on ${opts.cluster ? 'a three-primary Redis Cluster' : 'one Redis'}`);
  const d = await startDeployment({ engines: opts.engines, cluster: opts.cluster });
  // stopped in `finally` too: a fault that never recovers throws, and the run must still end
  let stopSampling: () => void = () => undefined;
  let stopOperations: () => Promise<void> = async () => undefined;
  try {
    const e0 = d.engines[0] as TestEngine;
    const sku = `soak-${opts.seed}-${Date.now().toString(36)}`;
    const campaignId = `soak-${Date.now().toString(36)}`;
    let rateMeasured: number | null = null;
    if (opts.rate === null) {
      const measureBatch = await created(e0, '/v1/batches', { sku, size: 1_000_000 });
      await created(e0, '/v1/campaigns', campaignBody(campaignId, sku));
      await sleep(500);
      rateMeasured = await measureRate(d, measureBatch.batchId as number);
      log(`measured ${Math.round(rateMeasured)} scans/s flat out`);
    }
    const rate = opts.rate ?? Math.max(10, Math.floor((rateMeasured as number) / 2));
    const batchSize = Math.ceil(rate * (runMs / 1000) * 1.2) + 10_000;
    const batch = await created(e0, '/v1/batches', { sku, size: batchSize });
    if (opts.rate !== null) await created(e0, '/v1/campaigns', campaignBody(campaignId, sku));
    // probes scan codes of a batch no campaign covers: they say whether an engine answers, and draw nothing
    const probeBatch = await created(e0, '/v1/batches', { sku: `${sku}-probe`, size: 1_000_000 });
    await sleep(500);
    const redisUsedMemoryBefore = await d.redis.usedMemory().catch(() => null);

    log(`soak: ${opts.minutes} min at ${rate} scans/s, seed ${opts.seed}`);
    const ledger = new Ledger(Date.now());
    const startedAt = new Date().toISOString();
    const timeline = startTimeline(d, ledger);
    stopSampling = () => timeline.stop();
    const load = startScanLoad(d.engines, ledger, { batchId: batch.batchId as number, batchSize, rate, seconds: runMs / 1000, seed: opts.seed, stop });
    const operations = startOperations(d.engines, ledger, rnd);
    stopOperations = () => operations.stop();
    let probeSerial = 0;
    const faults: FaultRecord[] = [];
    await runFaults(
      {
        deployment: d,
        ledger,
        campaignId,
        probe: (k) => probe(d.engines[k] as TestEngine, k, ledger, probeBatch.batchId as number, probeSerial++),
        rnd,
        dcrmDownMs: Math.min(60_000, Math.max(8_000, runMs / 10)),
        stop,
      },
      runMs,
      (f) => {
        faults.push(f);
        log(`fault ${f.kind} at ${(f.at / 1000).toFixed(1)} s: recovered after ${f.recoveredAfterMs} ms (${f.detail})`);
      },
    );
    await load.done;
    await operations.stop();
    const stoppedAt = stop.aborted ? ledger.now() : null;
    log(stoppedAt === null ? 'load done; waiting for the stream and the deliveries to drain' : `stopped at ${(stoppedAt / 1000).toFixed(1)} s; waiting up to ${STOPPED_DRAIN_MS / 1000} s for the stream and the deliveries to drain`);
    const drained = await drainedWithin(d, stop, 300_000);
    if (!drained && !stop.aborted) throw new Error('soak: timed out waiting for every engine to drain its stream and outbox');
    // told to stop while it waited for the drain: the load had run its length, the run is still cut short
    const stopped = stoppedAt ?? (stop.aborted ? ledger.now() : null);
    // a few more seconds of samples after the drain
    await sleep(2_000);
    timeline.stop();
    const redisUsedMemoryAfterDrain = await d.redis.usedMemory().catch(() => null);
    const engineRssMax = Math.max(...d.engines.map((e) => { const pid = e.pid(); return pid === null ? 0 : rssBytes(pid); }));
    // undrained, every event not yet stored or delivered would read as a violation: nothing to check
    if (drained) log('checking the invariants');
    else log('not drained in time: the invariants are not checked');
    const inv = drained ? await checkInvariants(d, ledger, load.requestsPerCode) : uncheckedInvariants();
    const byStatus: Record<string, number> = {};
    const byOutcome: Record<string, number> = {};
    for (const a of ledger.scans) {
      byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
      if (a.outcome) byOutcome[a.outcome] = (byOutcome[a.outcome] ?? 0) + 1;
    }
    const storedScans = inv.stores.reduce((n, s) => n + s.events, 0);
    const sqliteBytes = inv.stores.reduce((n, s) => n + s.bytes, 0);
    return {
      settings: { minutes: opts.minutes, rate, engines: opts.engines, cluster: opts.cluster, seed: opts.seed, rateMeasured: rateMeasured === null ? null : Math.round(rateMeasured) },
      startedAt,
      stopped: stopped === null ? null : { atMs: stopped, invariantsChecked: drained },
      scans: ledger.scans.length,
      unanswered: ledger.unanswered,
      unsent: ledger.unsent,
      answers: { byStatus, byOutcome },
      faults,
      violations: inv.violations,
      invariants: inv.invariants,
      audit: inv.audit,
      resources: {
        redisUsedMemoryBefore,
        redisUsedMemoryAfterDrain,
        consumedCodes: inv.consumedCodes,
        wins: inv.wins,
        redisBytesPerConsumedCode: redisUsedMemoryBefore !== null && redisUsedMemoryAfterDrain !== null && inv.consumedCodes > 0 ? Math.round((redisUsedMemoryAfterDrain - redisUsedMemoryBefore) / inv.consumedCodes) : null,
        engineRssMax,
        sqliteBytesPerMillionScans: storedScans > 0 ? Math.round((sqliteBytes / storedScans) * 1_000_000) : null,
        stores: inv.stores,
      },
      timeline: timeline.samples,
    };
  } finally {
    stopSampling();
    await stopOperations();
    await d.stop();
  }
}

