// The TypeScript side of lua/countCard-7.lua (see its header).
import { keys, type ShardTag } from '../redis/keys.js';
import { evalScript, loadScript, type RedisArg, type RedisClient } from '../redis/scripts.js';
import type { DrawCandidate, DrawShort, DrawShortKind } from '../chances/draw-chance-call.js';
import type { HomeDay } from '../chances/home-day.js';

const SCRIPT = loadScript('countCard-7.lua');

const SHORT_KINDS: ReadonlySet<string> = new Set<DrawShortKind>(['s', 'b', 'd', 'p']);

export interface CountCard extends HomeDay {
  readonly campaignId: string;
  readonly user: string;
  /** the user's hash on the home shard: a member's, or an anonymous visitor's counters */
  readonly userKey: string;
  /** the scan that won the card: the count is made once per event id */
  readonly scanEventId: string;
  readonly card: string;
  readonly set: { readonly id: string; readonly cards: readonly string[]; readonly prize: DrawCandidate };
  /** whether the set prize out in the home shard's bucket answers `short` (units can be pulled from the other shards) */
  readonly pullable: boolean;
}

/**
 * counted: the card was counted by this call; again: by an earlier call for the same event (`set` is what
 * that call answered); stale: the day named is not the script's (`now` is its clock); short: nothing
 * written, the set prize is out in the home shard's bucket.
 */
export type CountCardReply =
  | { readonly outcome: 'counted' | 'again'; readonly set: string; readonly now: number }
  | { readonly outcome: 'stale'; readonly now: number }
  | { readonly outcome: 'short'; readonly now: number; readonly short: DrawShort };

/** `set` in a reply: '' when the card completed no set, else '<setId>|<completions>|<set prize JSON or ''>|<reason or ''>' */
export async function countCard(redis: RedisClient, tag: ShardTag, c: CountCard): Promise<CountCardReply> {
  const p = c.set.prize;
  const args: RedisArg[] = [
    keys.cards(tag, c.user),
    c.userKey,
    keys.campaignState(tag, c.campaignId),
    keys.campaignDay(tag, c.campaignId, c.day),
    keys.events(tag),
    keys.clockShift(tag),
    keys.countedCard(tag, c.scanEventId),
    c.campaignId,
    c.scanEventId,
    c.card,
    `${c.set.id}|${c.set.cards.join(',')}`,
    c.startsAtMs,
    c.day,
    c.dayStart,
    c.dayEnd,
    c.dayIndex,
    c.userWinsPerDay,
    c.shard,
    c.shards,
    `,"user":${JSON.stringify(c.user)},"campaignId":${JSON.stringify(c.campaignId)}`,
    p.id, p.hasStock ? '1' : '0', p.hasBudget ? '1' : '0', p.dailyCap, p.perUserCap, p.release, p.perPeriod, p.guaranteed ? '1' : '0', p.amount, p.json, '0', c.pullable ? '1' : '0',
  ];
  const reply = (await evalScript(redis, SCRIPT, args)) as [string, string, number, string, string, number];
  if (!Array.isArray(reply)) throw new Error(`countCard: unknown reply ${JSON.stringify(reply)}`);
  const now = Number(reply[2]);
  switch (reply[0]) {
    case 'counted':
    case 'again':
      return { outcome: reply[0], set: reply[1], now };
    case 'stale':
      return { outcome: 'stale', now };
    case 'short':
      if (!SHORT_KINDS.has(reply[3])) throw new Error(`countCard: unknown short bucket ${JSON.stringify(reply)}`);
      return { outcome: 'short', now, short: { kind: reply[3] as DrawShortKind, prize: reply[4], need: Number(reply[5]) } };
    default:
      throw new Error(`countCard: unknown reply ${JSON.stringify(reply)}`);
  }
}
