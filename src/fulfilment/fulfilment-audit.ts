// The audit's fulfilment rows (guarantee 6), from Redis and the deployment's event stores, so they
// cover the whole deployment:
//   payouts     per cash prize: payouts = wins (a payout is its cash win stored with its event: none
//               missing, none twice); every payout record (paid, failed) is of a stored cash win;
//               Σ paid ≤ budget
//   redemptions per gift or coupon prize: redeemed ≤ won; every redemption is of a win of a gift or
//               coupon, and no voucher is redeemed twice
import type { Campaign } from '../campaigns/campaign.js';
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { isRedeemable, type PayoutRecord, type RedemptionRecord } from './win-record.js';
import type { StoredWins } from './stored-wins.js';

export type AuditRowSink = (check: string, subject: string, expected: string | number, actual: string | number) => void;

async function values<T>(redis: RedisClient, key: (t: string) => string): Promise<T[]> {
  const out: T[] = [];
  for (const t of ALL_SHARDS) for (const v of await redis.hvals(key(t))) out.push(JSON.parse(v) as T);
  return out;
}

export async function fulfilmentRows(redis: RedisClient, stored: StoredWins, def: Campaign, wonOf: (prizeId: string) => number, row: AuditRowSink): Promise<void> {
  const cashWins = (await stored.ofCampaign(def.id)).filter((w) => w.kind === 'cash');
  const stillWins = new Set(cashWins.map((w) => w.id));
  const records = (await values<PayoutRecord>(redis, keys.payouts)).filter((p) => p.campaignId === def.id);
  const orphans = records.filter((p) => !stillWins.has(p.eventId)).length;
  row('payouts', `${def.id}: payout records of cash wins the stores hold`, records.length, records.length - orphans);
  const redemptions = (await values<RedemptionRecord>(redis, keys.redeemed)).filter((r) => r.campaignId === def.id);
  for (const p of def.prizes) {
    const subject = `${def.id}/${p.id}`;
    if (p.kind === 'cash') {
      row('payouts', `${subject}: payouts = wins`, wonOf(p.id), cashWins.filter((w) => w.prizeId === p.id).length);
      if (p.budget !== null) {
        const paid = records.filter((x) => x.prizeId === p.id && x.state === 'paid').reduce((a, x) => a + x.amount, 0);
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
