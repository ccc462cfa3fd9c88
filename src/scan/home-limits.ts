// Exact user and IP limits with several shards. A user's counters (scans and wins of the day, wins of each
// capped prize) live in the user's hash on the user's home shard, an IP's minute count on the IP's: the
// code's shard cannot read them in its own script call. When a scan needs them and they live elsewhere,
// the engine first reserves there (lua/holdLimits-1.lua), the scan's call decides with what was reserved
// (`pre`, lua/scanCodes-1.lua item 20), and what the scan did not use is given back. A crash in between
// leaves a reservation held: the user wins less that day, never more. Scans whose user and IP live in the
// code's shard, or that need no limit, cost nothing here.
import { ALL_SHARDS, campaignPrefix, homeIndex, type ShardTag } from '../redis/keys.js';
import type { CompiledCampaign } from '../campaigns/compiled-campaign.js';
import type { ChosenPrize } from './scan-script-call.js';
import { ipCounterPrefix, type ClerkReserved, type CountedIp, type LimitEntry, type LimitPrize, type Reserved } from './hold-limits-call.js';
import type { LimitsBatcher } from './limits-batcher.js';
import { placeLimit } from './limit-placement.js';

export interface HeldLimits {
  /** the scan call's item 20 */
  readonly pre: string;
  /** the scan was decided: give back the wins it did not use (`wonPrize`: the prize id the scanner won, or null) */
  settle(wonPrize: string | null, clerkWon: boolean): Promise<void>;
  /** nothing happened (503, or the scan is sent again): give back everything, the scan's count included */
  releaseAll(): Promise<void>;
}

export interface LimitsInput {
  readonly campaign: CompiledCampaign;
  readonly day: string;
  readonly user: string;
  readonly ip: string;
  readonly clerk: string | null;
  readonly codeShard: ShardTag;
  readonly levelMap: string;
  readonly clerkChoice: number;
  readonly chosen: readonly ChosenPrize[];
}

export class HomeLimits {
  constructor(private readonly batcher: LimitsBatcher) {}

  /** null: the code's shard decides every limit of the scan itself (item 20 stays ''). */
  async hold(x: LimitsInput): Promise<HeldLimits | null> {
    if (ALL_SHARDS.length === 1) return null;
    const d = x.campaign.def;
    const S = ALL_SHARDS.length;
    // the limits kept whole on a home shard; split ones are counted in the code's shard (limit-placement.ts)
    const limits = {
      userScansPerDay: placeLimit(d.limits.userScansPerDay, 0, S).home,
      userWinsPerDay: placeLimit(d.limits.userWinsPerDay, 0, S).home,
      ipScansPerMinute: placeLimit(d.limits.ipScansPerMinute, 0, S).home,
    };
    const prizes = x.chosen.map((c, i) => {
      const p = d.prizes[c.spec - 1]!;
      return { id: p.id, perUserCap: p.perUserCap ?? 0, guaranteed: p.guaranteed === true && p.release != null, clerk: i + 1 === x.clerkChoice };
    });
    const needUser = limits.userScansPerDay > 0 || limits.userWinsPerDay > 0 || prizes.some((p) => !p.clerk && p.perUserCap > 0);
    const ipLimit = limits.ipScansPerMinute;
    const clerkPrize = x.clerk !== null && x.clerkChoice > 0 ? prizes[x.clerkChoice - 1]! : null;
    const code = ALL_SHARDS.indexOf(x.codeShard);
    const userHome = needUser ? homeIndex(x.user) : code;
    const ipHome = ipLimit > 0 ? homeIndex(x.ip) : code;
    const clerkHome = clerkPrize !== null && clerkPrize.perUserCap > 0 ? homeIndex(x.clerk as string) : code;
    if (userHome === code && ipHome === code && clerkHome === code) return null;

    const userTag = ALL_SHARDS[userHome] as ShardTag;
    const ipTag = ALL_SHARDS[ipHome] as ShardTag;
    const reserve: LimitEntry | null =
      userHome === code
        ? null
        : { kind: 'reserve', user: x.user, campaignId: d.id, day: x.day, userScansPerDay: limits.userScansPerDay, userWinsPerDay: limits.userWinsPerDay, levelMap: x.levelMap, chosen: prizes };
    const count: LimitEntry | null = ipHome === code ? null : { kind: 'countIp', counterPrefix: ipCounterPrefix(campaignPrefix(ipTag, d.id), x.ip), ipScansPerMinute: ipLimit };
    const clerkTag = ALL_SHARDS[clerkHome] as ShardTag;
    const clerkKey = `${campaignPrefix(clerkTag, d.id)}clerk:${x.clerk ?? ''}`;
    const clerk: LimitEntry | null = clerkHome === code || clerkPrize === null ? null : { kind: 'clerk', clerkKey, prize: clerkPrize.id, perUserCap: clerkPrize.perUserCap };
    const [r, c, k] = await Promise.allSettled([
      reserve ? this.batcher.run(userTag, reserve) : null,
      count ? this.batcher.run(ipTag, count) : null,
      clerk ? this.batcher.run(clerkTag, clerk) : null,
    ]);
    const reserved = r.status === 'fulfilled' ? (r.value as Reserved | null) : null;
    const counted = c.status === 'fulfilled' ? (c.value as CountedIp | null) : null;
    const clerkReserved = k.status === 'fulfilled' ? (k.value as ClerkReserved | null) : null;
    const unclerk = (): Promise<unknown> => this.batcher.run(clerkTag, { kind: 'unclerk', clerkKey, prize: (clerkPrize as LimitPrize).id });

    const releaseAll = async (): Promise<void> => {
      const work: Promise<unknown>[] = [];
      // blacklisted: the reservation wrote nothing
      if (reserved && reserved.status !== 'b') {
        work.push(this.batcher.run(userTag, { kind: 'release', user: x.user, campaignId: d.id, day: x.day, scans: limits.userScansPerDay > 0, wins: reserved.winSlot, prizes: reserved.prizes }));
      }
      if (counted) work.push(this.batcher.run(ipTag, { kind: 'uncount', counterKey: counted.counterKey }));
      if (clerkReserved?.reserved) work.push(unclerk());
      // a release that fails leaves the user with less, never more: the scan's 503 stands either way
      await Promise.allSettled(work);
    };
    const failed = [r, c, k].find((p): p is PromiseRejectedResult => p.status === 'rejected');
    if (failed) {
      await releaseAll();
      throw failed.reason;
    }

    const ipChar = counted === null ? '-' : counted.within ? 'o' : 'x';
    const clerkChar = clerkReserved === null ? '-' : clerkReserved.reserved ? '1' : '0';
    const userChars = reserved === null ? 'L' : `${reserved.level}${reserved.status}${reserved.grants}`;
    return {
      pre: ipChar + clerkChar + userChars,
      releaseAll,
      settle: async (wonPrize, clerkWon) => {
        const work: Promise<unknown>[] = [];
        if (clerkReserved?.reserved && !clerkWon) work.push(unclerk());
        if (reserved !== null && reserved.status === '-') {
          const wins = reserved.winSlot && wonPrize === null;
          const prizesBack = reserved.prizes.filter((p) => p !== wonPrize);
          if (wins || prizesBack.length > 0) work.push(this.batcher.run(userTag, { kind: 'release', user: x.user, campaignId: d.id, day: x.day, scans: false, wins, prizes: prizesBack }));
        }
        await Promise.allSettled(work);
      },
    };
  }
}
