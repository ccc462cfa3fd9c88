// A cash win's payout while it is pending, rebuilt from the win: who won which prize of which campaign,
// the amount drawn and when. No record is kept per pending payout (nor any index of them): a payout has a
// record once it left pending (lua/setPayout-4.lua), and until then it is its cash win, found in the
// event stores (src/fulfilment/stored-wins.ts) or, for a consumer's, in its code's record.
import type { PayoutRecord, WinRecord } from './win-record.js';

/** The pending payout of a win; null when the win is not of cash. */
export function pendingPayoutOf(win: WinRecord): PayoutRecord | null {
  if (win.prize.kind !== 'cash' || win.prize.amount === null) return null;
  return {
    eventId: win.eventId, user: win.user, amount: win.prize.amount, state: 'pending', reference: null,
    updatedAt: win.at, campaignId: win.campaignId, prizeId: win.prize.id,
  };
}
