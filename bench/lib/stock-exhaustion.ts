// A stock-limited prize scanned to exhaustion, to measure what per-shard buckets cost a campaign: the
// units still in the buckets (or in transfer) once every scan answers out_of_stock, and the scans that
// were answered out_of_stock while units were left somewhere (any such answer that came before the
// last win: that win proves units remained).
import type { EngineProcess } from './engine-process.js';
import type { ScanBodyFactory } from './scan-bodies.js';
import type { RedisClient } from '../../src/redis/scripts.js';
import { bucketUnits } from '../../src/testing/cluster-buckets.js';

/** out_of_stock answers since the last win after which the stock counts as reported exhausted (no_prize answers in between do not count) */
export const EXHAUSTED_AFTER = 200;

export interface ExhaustionResult {
  stock: number;
  scans: number;
  won: number;
  /** out_of_stock answers that came before the last won answer */
  outOfStockWhileUnitsLeft: number;
  /** Σ stock left in every shard's bucket + units in transfer, after EXHAUSTED_AFTER out_of_stock answers without a win */
  unitsLeft: number;
  /** unitsLeft / stock (target ≤ 0.01) */
  unwonShare: number;
  /** answers other than 200 */
  errors: number;
}

export async function scanToExhaustion(
  engine: EngineProcess,
  redis: RedisClient,
  campaignId: string,
  prize: string,
  stock: number,
  codes: ScanBodyFactory,
  batchSize: number,
  connections: number,
): Promise<ExhaustionResult> {
  const outcomes: string[] = [];
  let next = 0;
  let errors = 0;
  let streak = 0;
  const until = Date.now() + 180_000;
  const worker = async (): Promise<void> => {
    while (streak < EXHAUSTED_AFTER && next < batchSize && Date.now() < until) {
      const serial = next++;
      const r = await engine.api('POST', '/v1/scans', { code: codes.codeOf(serial), user: `ex_${serial}` });
      const body = r.body as { outcome?: string; reason?: string | null } | null;
      if (r.status !== 200 || !body) {
        errors++;
        continue;
      }
      const outcome = body.reason ? `${body.outcome}/${body.reason}` : String(body.outcome);
      outcomes.push(outcome);
      if (outcome === 'won') streak = 0;
      else if (outcome === 'lost/out_of_stock') streak++;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  if (streak < EXHAUSTED_AFTER) throw new Error(`the stock of ${stock} was not reported exhausted after ${outcomes.length} scans (${errors} errors)`);
  const lastWin = outcomes.lastIndexOf('won');
  const left = await bucketUnits(redis, campaignId, `s:${prize}`);
  return {
    stock,
    scans: outcomes.length,
    won: outcomes.filter((o) => o === 'won').length,
    outOfStockWhileUnitsLeft: outcomes.slice(0, Math.max(0, lastWin)).filter((o) => o === 'lost/out_of_stock').length,
    unitsLeft: left.total,
    unwonShare: left.total / stock,
    errors,
  };
}
