// 满N次 with several shards: a scan counts the user's first scans of a campaign in the user's hash on the
// code's shard (n:<cid>), as it cannot reach the user's home shard in its own call. Before a draw and
// when the balances are read, the counts of every shard are summed and the chances they earned are
// credited on the home shard (lua/creditScans-4.lua), once per N-th scan. With one shard the scan script
// grants them itself, and nothing here runs.
import { ALL_SHARDS, homeShard, keys, type ShardTag } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { CompiledCampaign } from '../campaigns/compiled-campaign.js';
import type { EventIds } from '../scan/event-ids.js';
import { ANON_PREFIX } from '../identity/anonymous.js';
import { creditScans } from './credit-scans-call.js';

/** the user's hash on shard `tag`, where scans count and the home shard keeps what it credited */
export function userHashOf(tag: ShardTag, user: string): string {
  return user.startsWith(ANON_PREFIX) ? keys.anonCounters(tag, user) : keys.member(tag, user);
}

export class PerScansCredit {
  constructor(
    private readonly redis: RedisClient,
    private readonly ids: EventIds,
    private readonly now: () => number,
  ) {}

  /** whether chances of this campaign are earned by scans counted across shards */
  applies(c: CompiledCampaign): boolean {
    return ALL_SHARDS.length > 1 && (c.def.chances?.perScans ?? 0) > 0;
  }

  /** credits what the user's scans in the campaign earned and was not credited yet (nothing when it does not apply) */
  async credit(c: CompiledCampaign, user: string): Promise<void> {
    if (!this.applies(c)) return;
    const cid = c.def.id;
    const home = homeShard(user);
    const field = `n:${cid}`;
    // counts only grow: a sum read a moment before a scan credits that scan's chance at the next read
    const [counts, credited] = await Promise.all([
      Promise.all(ALL_SHARDS.map((t) => this.redis.hget(userHashOf(t, user), field))),
      this.redis.hget(userHashOf(home, user), `pc:${cid}`),
    ]);
    const n = c.def.chances!.perScans!;
    const scans = counts.reduce((s, v) => s + (Number(v) || 0), 0);
    if (Math.floor(scans / n) <= (Number(credited) || 0)) return;
    await creditScans(this.redis, home, { campaignId: cid, user, userKey: userHashOf(home, user), perScans: n, scans, eventIdPrefix: this.ids.next(this.now()) });
  }
}
