// A cash win's payout while it is pending, rebuilt from the scanned code's record: the record holds who
// won which prize of which campaign and the amount drawn, so the persist step keeps only the payout's
// place in the pending index (no record per payout). A record is written when the payout leaves pending
// (lua/setPayout-5.lua), and for payouts whose id names no code (a clerk's rebate, wins from before).
import { codeRecordOf } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { codeOfEventId } from '../scan/event-ids.js';
import { parseCodeRecord } from '../scan/code-record.js';
import type { PayoutRecord } from './win-record.js';

/** ids whose pending payouts are rebuilt with one round of reads */
const READS_AT_ONCE = 256;

/** The pending payout of a payout id that names a code whose record holds that win; null otherwise. */
export async function pendingPayoutOf(redis: RedisClient, payoutId: string): Promise<PayoutRecord | null> {
  return (await pendingPayoutsOf(redis, [payoutId])).get(payoutId) ?? null;
}

/** The pending payouts of those ids that name their code (the others are left out). */
export async function pendingPayoutsOf(redis: RedisClient, payoutIds: readonly string[]): Promise<Map<string, PayoutRecord>> {
  const out = new Map<string, PayoutRecord>();
  for (let i = 0; i < payoutIds.length; i += READS_AT_ONCE) {
    await Promise.all(
      payoutIds.slice(i, i + READS_AT_ONCE).map(async (id) => {
        const code = codeOfEventId(id);
        if (code === null) return;
        const { key, field } = codeRecordOf(code.batchId, code.serial);
        const value = await redis.hget(key, field);
        if (value === null) return;
        const r = parseCodeRecord(value);
        if (r.eventId !== id || r.outcome !== 'won' || r.prize === null) return;
        out.set(id, {
          eventId: id, user: r.user, amount: r.prize.amount, state: 'pending', reference: null,
          updatedAt: new Date(r.firstAt).toISOString(), campaignId: r.prize.campaignId, prizeId: r.prize.prizeId,
        });
      }),
    );
  }
  return out;
}
