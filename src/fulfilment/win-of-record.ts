// A win as fulfilment reads it, rebuilt from the scanned code's record (src/scan/code-record.ts) and the
// campaign's definition: the record holds who won what and when (the prize by reference, with the amount
// drawn), the definition names the prize, and the voucher is derived from the event id. So the persist
// step keeps no record per win: the code's record, written by the scan itself, is the win's record.
import type { Campaign } from '../campaigns/campaign.js';
import type { VoucherCodec } from '../codes/voucher-codec.js';
import type { CodeRecord } from '../scan/code-record.js';
import type { WinRecord, WonPrize } from './win-record.js';

export interface CampaignDefinitions {
  get(id: string): { readonly def: Campaign } | undefined;
}

/** The win the record holds for that event id; null when the record is of another scan or of no win. */
export function winOfRecord(eventId: string, record: CodeRecord, campaigns: CampaignDefinitions, vouchers: VoucherCodec): WinRecord | null {
  const ref = record.prize;
  if (record.eventId !== eventId || record.outcome !== 'won' || ref === null || record.user === '') return null;
  const p = campaigns.get(ref.campaignId)?.def.prizes.find((x) => x.id === ref.prizeId);
  // a campaign this engine has not loaded (yet): the prize by its id, as a repeat's answer names it
  const prize: WonPrize =
    p === undefined
      ? { id: ref.prizeId, name: ref.prizeId, kind: 'unknown', amount: ref.amount }
      : {
          id: p.id,
          name: p.name,
          kind: p.kind,
          amount: p.amount === null ? null : ref.amount,
          ...(p.kind === 'gift' || p.kind === 'coupon' ? { voucher: vouchers.voucherOf(eventId) } : {}),
        };
  return { eventId, user: record.user, campaignId: ref.campaignId, prize, at: new Date(record.firstAt).toISOString() };
}
