// The audit's fulfilment rows (guarantee 6), from Redis, so they cover the whole deployment:
//   payouts     per cash prize: payouts = wins (no win without its payout, none twice);
//               Σ paid ≤ budget
//   redemptions per gift or coupon prize: redeemed ≤ won; every redemption is of a win of a gift or
//               coupon, and no voucher is redeemed twice
import type { Campaign } from '../campaigns/campaign.js';
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { isRedeemable, type PayoutRecord, type RedemptionRecord } from './win-record.js';
import { pendingPayoutsOf } from './pending-payout.js';

export type AuditRowSink = (check: string, subject: string, expected: string | number, actual: string | number) => void;

async function values<T>(redis: RedisClient, key: (t: string) => string): Promise<T[]> {
  const out: T[] = [];
  for (const t of ALL_SHARDS) for (const v of await redis.hvals(key(t))) out.push(JSON.parse(v) as T);
  return out;
}

/** Every payout: the records, and the pending ones rebuilt from their codes' records (pending-payout.ts). */
async function allPayouts(redis: RedisClient): Promise<PayoutRecord[]> {
  const out: PayoutRecord[] = [];
  for (const t of ALL_SHARDS) {
    const recorded = new Set<string>();
    for (const v of await redis.hvals(keys.payouts(t))) {
      const p = JSON.parse(v) as PayoutRecord;
      recorded.add(p.eventId);
      out.push(p);
    }
    const pending = (await redis.zrange(keys.payoutIndex(t, 'pending'), 0, -1)).filter((id) => !recorded.has(id));
    out.push(...(await pendingPayoutsOf(redis, pending)).values());
  }
  return out;
}

export async function fulfilmentRows(redis: RedisClient, def: Campaign, wonOf: (prizeId: string) => number, row: AuditRowSink): Promise<void> {
  const payouts = (await allPayouts(redis)).filter((p) => p.campaignId === def.id);
  const redemptions = (await values<RedemptionRecord>(redis, keys.redeemed)).filter((r) => r.campaignId === def.id);
  for (const p of def.prizes) {
    const subject = `${def.id}/${p.id}`;
    if (p.kind === 'cash') {
      const mine = payouts.filter((x) => x.prizeId === p.id);
      row('payouts', `${subject}: payouts = wins`, wonOf(p.id), mine.length);
      if (p.budget !== null) {
        const paid = mine.filter((x) => x.state === 'paid').reduce((a, x) => a + x.amount, 0);
        row('payouts', `${subject}: paid <= budget ${p.budget}`, 'yes', paid <= p.budget ? 'yes' : `no (${paid})`);
      }
    }
    if (isRedeemable(p)) {
      const n = redemptions.filter((r) => r.prize.id === p.id).length;
      row('redemptions', `${subject}: redeemed <= won`, 'yes', n <= wonOf(p.id) ? 'yes' : `no (${n} of ${wonOf(p.id)})`);
    }
  }
  const vouchers = new Set(redemptions.map((r) => r.voucher ?? r.eventId));
  const wins = new Set(redemptions.map((r) => r.eventId));
  row('redemptions', `${def.id}: redemptions = distinct vouchers = distinct wins`, redemptions.length, Math.min(vouchers.size, wins.size));
  const notRedeemable = redemptions.filter((r) => !isRedeemable(r.prize)).length;
  row('redemptions', `${def.id}: redemptions of prizes that are not gifts or coupons`, 0, notRedeemable);
}
