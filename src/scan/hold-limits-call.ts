// The TypeScript side of lua/holdLimits-1.lua: its header, mirrored. One call = the limit entries of one
// turn for one shard (a user's or an IP's home shard); this module writes the arguments and reads the
// reply, nothing else.
import { MsgpackWriter } from '../redis/msgpack-writer.js';
import { keys, type ShardTag } from '../redis/keys.js';

/** one chosen prize of the scan, as the reservation sees it */
export interface LimitPrize {
  readonly id: string;
  readonly perUserCap: number;
  readonly guaranteed: boolean;
  readonly clerk: boolean;
}

export type LimitEntry =
  | { readonly kind: 'reserve'; readonly user: string; readonly campaignId: string; readonly day: string; readonly userScansPerDay: number; readonly userWinsPerDay: number; readonly levelMap: string; readonly chosen: readonly LimitPrize[] }
  | { readonly kind: 'countIp'; readonly counterPrefix: string; readonly ipScansPerMinute: number }
  | { readonly kind: 'release'; readonly user: string; readonly campaignId: string; readonly day: string; readonly scans: boolean; readonly wins: boolean; readonly prizes: readonly string[] }
  | { readonly kind: 'uncount'; readonly counterKey: string }
  | { readonly kind: 'clerk'; readonly clerkKey: string; readonly prize: string; readonly perUserCap: number }
  | { readonly kind: 'unclerk'; readonly clerkKey: string; readonly prize: string };

export interface Reserved {
  /** '-' ok | 'b' blacklisted | 'u' past userScansPerDay */
  readonly status: '-' | 'b' | 'u';
  readonly level: number;
  /** one character per chosen prize: '1' may win it */
  readonly grants: string;
  readonly winSlot: boolean;
  readonly prizes: readonly string[];
}

export interface CountedIp {
  readonly within: boolean;
  readonly counterKey: string;
}

export interface ClerkReserved {
  readonly reserved: boolean;
}

/** what one entry answered: reserve → Reserved, countIp → CountedIp, clerk → ClerkReserved, the others → null; LimitsExpired when past the deadline */
export type LimitReply = Reserved | CountedIp | ClerkReserved | LimitsExpired | null;

const REPLY_FIELDS = 5;
const SEPARATOR = '\x1f';

/** Redis reached a reserve, count IP or clerk entry after its deadline: nothing was done. */
export class LimitsExpired extends Error {
  constructor() {
    super('redis reached the limits after their deadline; nothing was done');
  }
}

/** KEYS and ARGV of one call, in the header's order. */
export function holdLimitsArgs(tag: ShardTag, entries: readonly LimitEntry[], deadline: number): (string | Buffer)[] {
  const w = new MsgpackWriter(256 * entries.length + 64);
  w.array(entries.length);
  for (const e of entries) {
    switch (e.kind) {
      case 'reserve':
        w.array(8);
        w.str('u');
        w.str(e.user);
        w.str(e.campaignId);
        w.str(e.day);
        w.num(e.userScansPerDay);
        w.num(e.userWinsPerDay);
        w.str(e.levelMap);
        w.array(e.chosen.length);
        for (const p of e.chosen) {
          w.array(4);
          w.str(p.id);
          w.num(p.perUserCap);
          w.str(p.guaranteed ? '1' : '0');
          w.str(p.clerk ? '1' : '0');
        }
        break;
      case 'countIp':
        w.array(3);
        w.str('i');
        w.str(e.counterPrefix);
        w.num(e.ipScansPerMinute);
        break;
      case 'release':
        w.array(7);
        w.str('r');
        w.str(e.user);
        w.str(e.campaignId);
        w.str(e.day);
        w.str(e.scans ? '1' : '0');
        w.str(e.wins ? '1' : '0');
        w.array(e.prizes.length);
        for (const p of e.prizes) w.str(p);
        break;
      case 'uncount':
        w.array(2);
        w.str('x');
        w.str(e.counterKey);
        break;
      case 'clerk':
        w.array(4);
        w.str('k');
        w.str(e.clerkKey);
        w.str(e.prize);
        w.num(e.perUserCap);
        break;
      case 'unclerk':
        w.array(3);
        w.str('y');
        w.str(e.clerkKey);
        w.str(e.prize);
        break;
    }
  }
  return [keys.events(tag), keys.member(tag, ''), keys.anonCounters(tag, ''), keys.clockShift(tag), w.take(), String(deadline)];
}

/** The IP minute counter's prefix on the IP's home shard (the script appends the minute). */
export const ipCounterPrefix = (campaignPrefixOfHome: string, ip: string): string => `${campaignPrefixOfHome}ip:${ip}:`;

export function readLimitReply(reply: unknown, entries: readonly LimitEntry[]): LimitReply[] {
  const values = typeof reply === 'string' ? reply.split(SEPARATOR) : [];
  if (values.length !== entries.length * REPLY_FIELDS) throw new Error(`holdLimits answered ${values.length} values for ${entries.length} entries`);
  return entries.map((e, i) => {
    const v = values.slice(i * REPLY_FIELDS, (i + 1) * REPLY_FIELDS);
    if (v[0] === 'e') return new LimitsExpired();
    if (e.kind === 'reserve') {
      return { status: v[0] as Reserved['status'], level: Number(v[1]), grants: v[2] ?? '', winSlot: v[3] === '1', prizes: v[4] ? (v[4] as string).split(',') : [] };
    }
    if (e.kind === 'countIp') return { within: v[0] === 'o', counterKey: v[1] ?? '' };
    if (e.kind === 'clerk') return { reserved: v[0] === 'o' };
    return null;
  });
}
