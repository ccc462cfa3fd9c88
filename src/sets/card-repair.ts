// The persist step's part of 集卡 with several shards: for every scan event that won a card, the same
// countCard call the engine makes right after the scan's answer (src/sets/scan-cards.ts), before the
// event is acknowledged. The call is idempotent by the scan's event id, so when the engine made it this
// one only reads what it did; when the engine died between the scan and its call (kill -9), this one
// counts the card, completes the set and writes the set's event. A call that fails for want of Redis
// fails the persist step, which reads the same events again: nothing is acknowledged before its card is
// counted.
import { ReplyError } from 'ioredis';
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { compileCampaign, type CompiledCampaign } from '../campaigns/compiled-campaign.js';
import type { Campaign } from '../campaigns/campaign.js';
import type { VoucherCodec } from '../codes/voucher-codec.js';
import { BucketMover } from '../buckets/bucket-mover.js';
import type { EventRow } from '../events/event-format.js';
import { ScanCards } from './scan-cards.js';

/** a scan event's campaign, user, card and event id when it won a card; null for every other event */
function cardWon(row: EventRow): { campaignId: string; user: string; card: string; eventId: string } | null {
  const e = row.event;
  if (e.type !== 'scan' || e.outcome !== 'won') return null;
  const prize = e.prize as { id?: unknown; kind?: unknown } | null | undefined;
  if (typeof prize !== 'object' || prize === null || prize.kind !== 'card' || typeof prize.id !== 'string') return null;
  if (typeof e.campaignId !== 'string' || typeof e.user !== 'string') return null;
  return { campaignId: e.campaignId, user: e.user, card: prize.id, eventId: e.id };
}

export class CardRepair {
  /** the definitions read so far: a card's set and its prize never change once the campaign is live */
  readonly #campaigns = new Map<string, CompiledCampaign>();
  #cards: ScanCards | null = null;
  #redis: RedisClient | null = null;

  /** `vouchers`: asked once, when the first card event is met (the set prize's voucher is derived with it) */
  constructor(private readonly vouchers: () => VoucherCodec) {}

  /** counts the card of every card-won scan event of `rows` (with one shard the scan's own call did) */
  async run(redis: RedisClient, rows: readonly EventRow[]): Promise<void> {
    if (ALL_SHARDS.length === 1) return;
    for (const row of rows) {
      const won = cardWon(row);
      if (won === null) continue;
      const c = await this.#campaign(redis, won.campaignId);
      if (c === null) continue;
      try {
        await this.#cardsOf(redis).count(c, won.user, won.eventId, won.card);
      } catch (err) {
        // the script failing on this event (a key of the wrong type, say) would fail at every try: that
        // card stays uncounted rather than the stream stalling. Redis unreachable, loading, out of memory
        // or busy fails the step, to be tried again.
        if (!(err instanceof ReplyError && /^(ERR|WRONGTYPE)\b/.test((err as Error).message))) throw err;
      }
    }
  }

  #cardsOf(redis: RedisClient): ScanCards {
    if (this.#cards === null || this.#redis !== redis) {
      // the engine's clock estimate is not here: Redis' own (a `stale` answer names its time)
      this.#cards = new ScanCards(redis, this.vouchers(), new BucketMover(redis, Date.now), Date.now);
      this.#redis = redis;
    }
    return this.#cards;
  }

  async #campaign(redis: RedisClient, id: string): Promise<CompiledCampaign | null> {
    const known = this.#campaigns.get(id);
    if (known !== undefined) return known;
    const raw = await redis.hget(keys.campaignDefs, id);
    if (raw === null) return null;
    let c: CompiledCampaign;
    try {
      c = compileCampaign(JSON.parse(raw) as Campaign);
    } catch {
      // a definition this engine cannot read: its cards are left to an engine that can
      return null;
    }
    this.#campaigns.set(id, c);
    return c;
  }
}
