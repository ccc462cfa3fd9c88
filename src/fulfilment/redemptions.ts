// Redemption: a won gift or coupon handed over at a shop, exactly once, with its event.
// The win is found by voucher (at once: an unknown voucher is 404 without waiting for the persist step)
// or, for operators, by event id (waiting out the persist lag); the hand-over is decided by the redeemWin script (HSETNX
// on the win's event id + XADD of the redemption event), so of any number of concurrent attempts
// exactly one succeeds.
import { conflict, notFound } from '../errors.js';
import type { EventIds } from '../scan/event-ids.js';
import type { RedisClient } from '../redis/scripts.js';
import { keys } from '../redis/keys.js';
import { isRedeemable, type RedemptionRecord } from './win-record.js';
import type { FoundWin, Wins } from './wins.js';
import type { VoucherCodec } from '../codes/voucher-codec.js';
import { redeemWin } from './redeem-win-call.js';

export type RedeemTarget = { readonly voucher: string } | { readonly eventId: string };

export class Redemptions {
  constructor(
    private readonly redis: RedisClient,
    private readonly wins: Wins,
    private readonly vouchers: VoucherCodec,
    private readonly ids: EventIds,
    private readonly now: () => number,
  ) {}

  async redeem(target: RedeemTarget, shop: string): Promise<RedemptionRecord> {
    const found = await this.#find(target);
    if (found === null || !isRedeemable(found.win.prize)) {
      throw notFound('voucher' in target ? `voucher ${target.voucher}` : `won gift or coupon with event ${target.eventId}`);
    }
    const { win } = found;
    // redemptions recorded before vouchers existed: that hash is never written any more, so reading it
    // before the script cannot race with a new entry
    const legacy = await this.redis.hget(keys.redemptions, win.eventId);
    if (legacy !== null) {
      const prev = JSON.parse(legacy) as { shop?: string; redeemedAt?: string };
      throw conflict(`event ${win.eventId} was redeemed at ${prev.shop ?? '?'} on ${prev.redeemedAt ?? '?'}`);
    }
    const now = this.now();
    const at = new Date(now).toISOString();
    const redemptionId = this.ids.next(now);
    const voucher = win.prize.voucher?.code ?? this.vouchers.voucherOf(win.eventId).code;
    const record: RedemptionRecord = { redemptionId, eventId: win.eventId, voucher, prize: win.prize, shop, at, user: win.user, campaignId: win.campaignId };
    const event = JSON.stringify({ id: redemptionId, type: 'redemption', at, redemptionId, eventId: win.eventId, voucher, prize: win.prize, shop, user: win.user, campaignId: win.campaignId });
    const reply = await redeemWin(this.redis, found.tag, win.eventId, JSON.stringify(record), event);
    if (!reply.redeemed) {
      const prev = JSON.parse(reply.earlier) as Partial<RedemptionRecord>;
      throw conflict(`voucher ${voucher} was redeemed at ${prev.shop ?? '?'} on ${prev.at ?? '?'}`);
    }
    return record;
  }

  async #find(target: RedeemTarget): Promise<FoundWin | null> {
    if ('eventId' in target) return this.wins.byEventId(target.eventId);
    const voucher = this.vouchers.parse(target.voucher);
    return voucher === null ? null : this.wins.byVoucherNow(voucher);
  }
}
