// 中奖名单: a campaign's winners from the wins every shard keeps (src/fulfilment/wins.ts: so every
// engine's wins, not only the ones this engine's SQLite stored), with what became of each win: a voucher
// open or redeemed at a shop, a payout pending/paid/failed, points credited.
import type { Wins } from '../fulfilment/wins.js';
import { stateName } from '../fulfilment/pages/me-page.js';

export interface WinnerRow {
  at: string;
  eventId: string;
  user: string;
  prizeId: string;
  prizeName: string;
  kind: string;
  /** fen for cash, points for points, null otherwise */
  amount: number | null;
  voucher: string | null;
  state: string;
  shop: string | null;
  redeemedAt: string | null;
}

export const MAX_WINNERS = 100_000;

export async function winnerList(wins: Wins, campaignId: string): Promise<WinnerRow[]> {
  const rows: WinnerRow[] = [];
  for (const found of await wins.ofCampaign(campaignId, MAX_WINNERS)) {
    const { win } = found;
    const s = await wins.stateOf(found);
    rows.push({
      at: win.at,
      eventId: win.eventId,
      user: win.user,
      prizeId: win.prize.id,
      prizeName: win.prize.name,
      kind: win.prize.kind,
      amount: win.prize.amount,
      voucher: win.prize.voucher?.code ?? null,
      state: stateName(s),
      shop: s.redemption?.shop ?? null,
      redeemedAt: s.redemption?.at ?? null,
    });
  }
  return rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.eventId.localeCompare(b.eventId)));
}
