// 集卡 for cards won by product scans. With one shard the scan's own script call counts the card, completes
// the set and takes the set prize. With several, the card is won on the code's shard while the user's cards
// live on the user's home shard: right after the scan's answer, one countCard call there
// (lua/countCard-7.lua) counts it, completes the set and takes the set prize, pulling the prize's units
// from the other shards when the home shard's part is out (as draws do). The call is idempotent by the
// scan's event id, so the persist step makes the same call for every card-won scan event it stores
// (src/sets/card-repair.ts): a card whose engine died before its call is counted all the same, once.
import { ALL_SHARDS, homeShard, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { CompiledCampaign } from '../campaigns/compiled-campaign.js';
import type { VoucherCodec } from '../codes/voucher-codec.js';
import { DrawPulls, type BucketPuller } from '../chances/draw-pulls.js';
import { prizeCandidate } from '../chances/prize-candidate.js';
import { userHashOf } from '../chances/per-scans.js';
import { mayPullAgain } from '../buckets/pull-bounds.js';
import type { WonCards } from '../scan/scan-service.js';
import { countCard } from './count-card-call.js';
import { homeDayOf } from '../chances/home-day.js';

/** a countCard call answered `stale` is sent again with the script's time at most this often */
const STALE_RETRIES = 3;

export class ScanCards implements WonCards {
  readonly #pulls: DrawPulls;

  constructor(
    private readonly redis: RedisClient,
    private readonly vouchers: VoucherCodec,
    /** moves units between shards (src/buckets); null: the set prize is decided with the home shard's units */
    puller: BucketPuller | null,
    private readonly now: () => number,
    /** told when counting a scan's card failed (the persist step counts it later) */
    private readonly failed: (err: unknown) => void = () => {},
  ) {
    this.#pulls = new DrawPulls(redis, puller, now);
  }

  /** whether a card of this campaign won by a scan is counted by a call of its own (several shards) */
  static countsApart(c: CompiledCampaign): boolean {
    return c.hasCards && ALL_SHARDS.length > 1;
  }

  /**
   * For a scan's answer: with several shards the card counted (a failed call answers no set: the persist
   * step counts the card), with one the set recorded for a rebuilt reply; null: the reply's own stands.
   */
  async setOf(c: CompiledCampaign, user: string, scanEventId: string, prizeId: string, rebuilt: boolean): Promise<string | null> {
    if (ScanCards.countsApart(c)) {
      try {
        return await this.count(c, user, scanEventId, prizeId);
      } catch (err) {
        this.failed(err);
        return '';
      }
    }
    return rebuilt ? this.recordedSet(c, user, scanEventId, prizeId) : null;
  }

  /**
   * Counts the card `prizeId` the scan `scanEventId` won (nothing when it is no card of a set): '' when it
   * completed no set, else '<setId>|<completions>|<set prize JSON or ''>|<reason or ''>'. A second call
   * for the same scan answers what the first did and counts nothing.
   */
  async count(c: CompiledCampaign, user: string, scanEventId: string, prizeId: string): Promise<string> {
    const setId = c.def.prizes.find((p) => p.id === prizeId)?.set;
    const setPrize = setId === undefined ? undefined : c.def.prizes.find((p) => p.completes === setId);
    if (setId === undefined || setPrize === undefined) return '';
    const cards = c.def.prizes.filter((p) => p.set === setId).map((p) => p.id);
    // the set prize's voucher is its own, derived from the scan's event id (as with one shard)
    const prize = prizeCandidate(c, setPrize, 1, `${scanEventId}-set`, false, this.vouchers);
    const tag = homeShard(user);
    let t = this.now();
    let pullable: Set<string> | null = null;
    let pulls = 0;
    const startedAt = Date.now();
    for (let attempt = 0; ; ) {
      const b = c.day.bounds(t);
      pullable ??= this.#pulls.pullable(c, b.day);
      const reply = await countCard(this.redis, tag, {
        campaignId: c.def.id,
        user,
        userKey: userHashOf(tag, user),
        scanEventId,
        card: prizeId,
        set: { id: setId, cards, prize },
        ...homeDayOf(c, b, user),
        pullable: pullable.has(setPrize.id),
      });
      if (reply.outcome === 'counted' || reply.outcome === 'again') return reply.set;
      if (reply.outcome === 'short') {
        // out in the home shard's bucket: units from the other shards, and the same call again; none
        // anywhere (or pulled long enough), and the set prize is decided with what the home shard has
        const moved = mayPullAgain(pulls++, startedAt) ? await this.#pulls.pull(c, reply.short, b.day, tag) : 0;
        if (moved === 0) pullable.delete(setPrize.id);
        continue;
      }
      // stale: the engine's estimate of the clock named another day than the script's
      if (attempt++ >= STALE_RETRIES) throw new Error('countCard: the campaign day could not be agreed on');
      t = reply.now;
      pullable = null;
    }
  }

  /**
   * With one shard, the set a scan's card completed as the scan script recorded it (`<cid>|<set>|last` in
   * the user's cards: the last completion's scan event and what it answered), for a scan whose reply was
   * lost and is rebuilt from its code's record; '' when this scan completed none.
   */
  async recordedSet(c: CompiledCampaign, user: string, scanEventId: string, prizeId: string): Promise<string> {
    const setId = c.def.prizes.find((p) => p.id === prizeId)?.set;
    if (setId === undefined) return '';
    const last = await this.redis.hget(keys.cards(homeShard(user), user), `${c.def.id}|${setId}|last`);
    return last !== null && last.startsWith(`${scanEventId}|`) ? last.slice(scanEventId.length + 1) : '';
  }
}
