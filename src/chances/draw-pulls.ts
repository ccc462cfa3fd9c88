// With several shards a campaign's stock, budget, daily caps and released units are split into per-shard
// buckets; a draw is decided on its user's home shard. When the prize a draw may win is out in that
// shard's bucket, the draw script answers `short` without a write and this moves units of that bucket in
// from the other shards (src/buckets), as a scan does: a prize is out for draws only when no shard has
// any. A pull that found nothing remembers the bucket for a moment, so that draws do not all read every
// shard while it stays empty (a top-up or the next release may fill it again).
import type { BucketRef } from '../buckets/bucket.js';
import type { CompiledCampaign } from '../campaigns/campaign-store.js';
import { releasedBy } from '../campaigns/pacing.js';
import { ALL_SHARDS, type ShardTag } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { DrawShort } from './draw-chance-call.js';
import { ReleaseSeeds } from '../campaigns/release-seeds.js';

/** moves units of one bucket into `target` from the other shards; the units moved (0: no shard had any) */
export interface BucketPuller {
  pull(ref: BucketRef, target: ShardTag, need: number): Promise<number>;
}

/** a bucket found empty in every shard is not pulled again for this long */
const EMPTY_MS = 1_000;
/** released units of a paced prize are counted this long before the engine's estimate of the shared clock (never ahead of a shard's) */
const PACED_MARGIN_MS = 2_000;

export class DrawPulls {
  /** campaign|prize|kind|day -> until when a pull is pointless */
  readonly #empty = new Map<string, number>();
  /** the campaigns' seeds of release moments (the same in every shard, never changed) */
  readonly #seeds: ReleaseSeeds;

  constructor(
    redis: RedisClient,
    private readonly puller: BucketPuller | null,
    private readonly now: () => number,
  ) {
    this.#seeds = new ReleaseSeeds(redis);
  }

  /** the prizes of the campaign whose shortage in a home shard answers `short`: none with one shard */
  pullable(c: CompiledCampaign, day: string): Set<string> {
    const out = new Set<string>();
    if (this.puller === null || ALL_SHARDS.length === 1) return out;
    const at = Date.now();
    for (const p of c.def.prizes) if (!this.#isEmpty(c.def.id, p.id, day, at)) out.add(p.id);
    return out;
  }

  /** moves the units the draw ran short of into `target`; returns the units moved (0: none anywhere, remembered) */
  async pull(c: CompiledCampaign, short: DrawShort, day: string, target: ShardTag): Promise<number> {
    const p = c.def.prizes.find((x) => x.id === short.prize);
    if (p === undefined || this.puller === null) return 0;
    const campaignId = c.def.id;
    let ref: BucketRef;
    if (short.kind === 'd') ref = { campaignId, prize: p.id, kind: 'daily', day, dailyCap: p.dailyCap ?? 0 };
    else if (short.kind === 'p') {
      const at = this.now() - PACED_MARGIN_MS;
      const released = releasedBy(at, p, { startsAtMs: c.def.startsAtMs, day: c.day, firstDayStart: c.firstDayStart }, await this.#seeds.of(campaignId));
      ref = { campaignId, prize: p.id, kind: 'paced', released: released ?? 0, at };
    } else ref = { campaignId, prize: p.id, kind: short.kind === 's' ? 'stock' : 'budget' };
    const moved = await this.puller.pull(ref, target, Math.max(1, short.need));
    if (moved === 0) this.#empty.set(`${campaignId}|${p.id}|${day}`, Date.now() + EMPTY_MS);
    return moved;
  }

  /** a top-up makes units appear: a bucket remembered as empty may be pulled from again at once */
  forget(campaignId: string): void {
    for (const key of this.#empty.keys()) if (key.startsWith(`${campaignId}|`)) this.#empty.delete(key);
  }

  #isEmpty(campaignId: string, prize: string, day: string, at: number): boolean {
    if (this.#empty.size === 0) return false;
    const key = `${campaignId}|${prize}|${day}`;
    const until = this.#empty.get(key);
    if (until === undefined) return false;
    if (until > at) return true;
    this.#empty.delete(key);
    return false;
  }

}
