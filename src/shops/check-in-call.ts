// The TypeScript side of lua/checkIn-5.lua (see its header).
import { keys, type ShardTag } from '../redis/keys.js';
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';

const SCRIPT = loadScript('checkIn-5.lua');
/** the day's check-ins are kept two days past it (a check-in near midnight in any zone still sees them) */
const KEEP_S = 3 * 86_400;

export type CheckInReply =
  | { readonly outcome: 'checked_in'; readonly chances: number; readonly points: number; readonly now: number }
  | { readonly outcome: 'already'; readonly eventId: string; readonly now: number }
  /** the script's clock (`now`) is outside the day the engine named: nothing was written */
  | { readonly outcome: 'stale'; readonly now: number };

export interface CheckInRequest {
  readonly user: string;
  /** the hash of the user's points: a member's, or an anonymous visitor's (no points credited then) */
  readonly userKey: string;
  readonly shop: string;
  readonly campaignId: string;
  /** the campaign day, YYYYMMDD in its time zone, and its bounds (ms) */
  readonly day: string;
  readonly dayStart: number;
  readonly dayEnd: number;
  readonly eventId: string;
  readonly points: number;
  readonly chances: number;
}

/** `eventHead`: the event JSON without "at" and the closing brace; the script appends its time and the balances */
export async function checkIn(redis: RedisClient, tag: ShardTag, r: CheckInRequest, eventHead: string): Promise<CheckInReply> {
  const reply = (await evalScript(redis, SCRIPT, [
    keys.checkins(tag, r.campaignId, r.day),
    keys.chances(tag, r.user),
    r.userKey,
    keys.events(tag),
    keys.clockShift(tag),
    `${r.user}|${r.shop}`,
    r.eventId,
    r.campaignId,
    r.points,
    r.chances,
    eventHead,
    KEEP_S,
    r.dayStart,
    r.dayEnd,
  ])) as [number, number | string, number, number];
  const now = Number(reply[3]);
  if (reply[0] === 1) return { outcome: 'checked_in', chances: Number(reply[1]), points: Number(reply[2]), now };
  if (reply[0] === 0) return { outcome: 'already', eventId: String(reply[1]), now };
  if (reply[0] === 2) return { outcome: 'stale', now };
  throw new Error(`checkIn: unknown reply ${JSON.stringify(reply)}`);
}
