// 中奖名单: a campaign's winners from the win records every shard keeps (so every engine's wins, not
// only the ones this engine's SQLite stored), with what became of each win: a voucher open or redeemed
// at a shop, a payout pending/paid/failed, points credited. Read with HSCAN: no long blocking call.
import { ALL_SHARDS, keys, type ShardTag } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { WinRecord } from '../fulfilment/win-record.js';
import type { WinState } from '../fulfilment/wins.js';
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

export async function winnerList(redis: RedisClient, campaignId: string, stateOf: (found: { tag: ShardTag; win: WinRecord }) => Promise<WinState>): Promise<WinnerRow[]> {
  const rows: WinnerRow[] = [];
  for (const tag of ALL_SHARDS) {
    let cursor = '0';
    do {
      const [next, flat] = await redis.hscan(keys.wins(tag), cursor, 'COUNT', 1000);
      cursor = next;
      for (let i = 1; i < flat.length; i += 2) {
        const win = JSON.parse(flat[i] as string) as WinRecord;
        if (win.campaignId !== campaignId || rows.length >= MAX_WINNERS) continue;
        const s = await stateOf({ tag, win });
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
    } while (cursor !== '0');
  }
  return rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.eventId.localeCompare(b.eventId)));
}
