// The records fulfilment keeps of wins (in the event stores' wins table, for a win no code's record
// holds), payouts and redemptions (in Redis), as JSON values and as the API answers them.

export interface WonPrize {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly amount: number | null;
  readonly voucher?: { readonly code: string; readonly url: string };
}

/** A win: rebuilt from its code's record (win-of-record.ts), or as its store's wins table keeps it (win-rows.ts). */
export interface WinRecord {
  readonly eventId: string;
  readonly user: string;
  readonly campaignId: string | null;
  readonly prize: WonPrize;
  readonly at: string;
}

export type PayoutState = 'pending' | 'paid' | 'failed';

export interface PayoutRecord {
  /** the win's event id (`<eventId>-clerk` for the clerk's cash rebate of that scan) */
  readonly eventId: string;
  readonly user: string;
  readonly amount: number;
  readonly state: PayoutState;
  readonly reference: string | null;
  readonly updatedAt: string;
  readonly campaignId: string | null;
  readonly prizeId: string;
}

export interface RedemptionRecord {
  readonly redemptionId: string;
  readonly eventId: string;
  readonly voucher: string | null;
  readonly prize: WonPrize;
  readonly shop: string;
  readonly at: string;
  readonly user: string;
  readonly campaignId: string | null;
}

/** Gifts and coupons are handed over in a shop; cash is paid out, points credited. */
export const isRedeemable = (prize: { readonly kind: string }): boolean => prize.kind === 'gift' || prize.kind === 'coupon';

export function asWonPrize(value: unknown): WonPrize | null {
  if (typeof value !== 'object' || value === null) return null;
  const p = value as Record<string, unknown>;
  if (typeof p.id !== 'string' || typeof p.name !== 'string' || typeof p.kind !== 'string') return null;
  const v = p.voucher as Record<string, unknown> | undefined | null;
  const voucher = v && typeof v.code === 'string' && typeof v.url === 'string' ? { code: v.code, url: v.url } : undefined;
  return { id: p.id, name: p.name, kind: p.kind, amount: typeof p.amount === 'number' ? p.amount : null, ...(voucher ? { voucher } : {}) };
}
