// A scan call whose reply never came may still have run. Redis writes a script's effects (and its AOF)
// before the reply leaves, so a reply lost to a dropped connection, to Redis dying, or to the engine's
// event loop waking past the command timeout with the reply already in its socket leaves a consumed
// code, a stored event and a prize given, while the client would hear 503 ("nothing happened"). So
// before a lost call is answered 503, the code's record is read once Redis answers again: the record
// names the event of the code's first scan, and when that is this scan's event the scan happened and is
// answered as it was decided. Only a call Redis refused outright (an error reply, or a command never
// sent because the connection was down) is a 503 without asking.
import { ReplyError } from 'ioredis';
import { codeRecordOf } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { parseCodeRecord } from './code-record.js';
import type { Decided } from './scan-batcher.js';
import type { ScanReply } from './scan-script-call.js';

/** how long a scan whose reply was lost waits for Redis to answer again before it gives up asking */
export const LOST_REPLY_WAIT_MS = 10_000;
const RETRY_EVERY_MS = 100;

/** ioredis' rejection of a command it never wrote to the socket (the connection was down). */
const NOT_SENT = "Stream isn't writeable";

export interface LostScan {
  readonly batchId: number;
  readonly serial: number;
  readonly eventId: string;
  readonly user: string;
  /** the scanner's prizes this scan could have won: prize id, amount and the JSON the answer carries */
  readonly prizes: readonly { readonly id: string; readonly amount: number; readonly json: string }[];
}

/** `ran`: Redis decided the scan (its reply as the script gave it); `not-run`: it did not; `unknown`: Redis did not answer in time. */
export type LostReplyVerdict = { readonly kind: 'ran'; readonly decided: Decided } | { readonly kind: 'not-run' } | { readonly kind: 'unknown' };

/** Whether a failed call may have run in Redis (its reply, not its request, was lost). */
export function mayHaveRun(err: unknown): boolean {
  if (err instanceof ReplyError) return false;
  return !(err instanceof Error && err.message.startsWith(NOT_SENT));
}

/** Reads the code's record until Redis answers (at most `waitMs`) and says whether this scan's call ran. */
export async function verdictOfLostReply(redis: RedisClient, scan: LostScan, waitMs = LOST_REPLY_WAIT_MS): Promise<LostReplyVerdict> {
  const { key, field } = codeRecordOf(scan.batchId, scan.serial);
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      const value = await redis.hget(key, field);
      if (value === null) return { kind: 'not-run' };
      const record = parseCodeRecord(value);
      if (record.eventId !== scan.eventId) return { kind: 'not-run' };
      return { kind: 'ran', decided: { reply: firstScanReply(record.outcome, record.firstAt, record.prize, scan), now: record.firstAt } };
    } catch {
      // down, reconnecting or still loading its AOF: ask again until the wait is over
      if (Date.now() + RETRY_EVERY_MS > until) return { kind: 'unknown' };
      await new Promise((r) => setTimeout(r, RETRY_EVERY_MS));
    }
  }
}

/**
 * The script's reply to a first scan, rebuilt from the code's record. The record keeps the outcome, the
 * time and the prize, not why a draw that chose a prize lost it (out of stock, a cap): such a `lost`
 * carries no reason. Whether the clerk won is not recorded either ('').
 */
function firstScanReply(outcome: 'won' | 'lost' | 'verified', firstAt: number, prize: { prizeId: string; amount: number } | null, scan: LostScan): ScanReply {
  const won = prize === null ? undefined : scan.prizes.find((p) => p.id === prize.prizeId && p.amount === prize.amount);
  const reason = outcome === 'lost' && scan.prizes.length === 0 ? 'no_prize' : '';
  return [outcome, reason, '1', String(firstAt), '1', outcome === 'won' ? (won?.json ?? '') : '', '', '', '', ''];
}
