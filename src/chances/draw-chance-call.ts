// The TypeScript side of lua/drawChance-9.lua (see its header).
import { keys, type ShardTag } from '../redis/keys.js';
import { evalScript, loadScript, type RedisArg, type RedisClient } from '../redis/scripts.js';
import type { HomeDay } from './home-day.js';

const SCRIPT = loadScript('drawChance-9.lua');

export type DrawMode = 'draw' | 'ticket' | 'reveal';

export type DrawOutcome = 'won' | 'lost' | 'ticket' | 'stale' | 'not_live' | 'paused' | 'no_chances' | 'no_ticket' | 'revealed' | 'short';
const OUTCOMES: ReadonlySet<string> = new Set<DrawOutcome>(['won', 'lost', 'ticket', 'stale', 'not_live', 'paused', 'no_chances', 'no_ticket', 'revealed', 'short']);

/** the bucket a prize ran short of in the home shard: s stock, b budget, d the day's cap, p released units */
export type DrawShortKind = 's' | 'b' | 'd' | 'p';
const SHORT_KINDS: ReadonlySet<string> = new Set<DrawShortKind>(['s', 'b', 'd', 'p']);

/** a draw answered `short`: nothing was written; `need` units of `prize`'s bucket `kind` would decide it here */
export interface DrawShort {
  readonly kind: DrawShortKind;
  readonly prize: string;
  readonly need: number;
}

/** a prize the draw may give: the draw's own choice, or a guaranteed prize tried before it */
export interface DrawCandidate {
  readonly id: string;
  readonly hasStock: boolean;
  readonly hasBudget: boolean;
  readonly dailyCap: number;
  readonly perUserCap: number;
  readonly release: '' | 'd' | 'h';
  readonly perPeriod: number;
  readonly guaranteed: boolean;
  readonly amount: number;
  readonly json: string;
  /** true: the draw's own choice (last); false: a guaranteed prize with a unit perhaps pending */
  readonly drawn: boolean;
}

export interface DrawCall extends HomeDay {
  readonly mode: DrawMode;
  readonly user: string;
  /** the user's hash: a member's, or an anonymous visitor's counters */
  readonly userKey: string;
  readonly campaignId: string;
  readonly endsAtMs: number;
  readonly eventId: string;
  readonly ticket: string;
  readonly candidates: readonly DrawCandidate[];
  /** the set of the draw's own choice when it is a card: its id, its cards, and the prize of the whole set */
  readonly set: { readonly id: string; readonly cards: readonly string[]; readonly prize: DrawCandidate } | null;
  /** prizes whose shortage in the home shard answers `short` (the engine can pull units of them from the other shards) */
  readonly pullable: ReadonlySet<string>;
}

/** a set the draw completed (集卡) */
export interface SetCompletion {
  readonly id: string;
  /** how many times the user has completed it, this one included */
  readonly completed: number;
  /** the set prize's JSON, '' when it could not be won (reason) */
  readonly prizeJson: string;
  readonly reason: string;
}

export interface DrawReply {
  readonly outcome: DrawOutcome;
  /** lost: why; revealed: the reveal's event id */
  readonly reason: string;
  /** the won prize's JSON, '' none */
  readonly prizeJson: string;
  readonly chances: number;
  readonly now: number;
  readonly set: SetCompletion | null;
  /** outcome `short`: what ran short (nothing was written) */
  readonly short: DrawShort | null;
}

/** `eventHead`: the event JSON without its closing brace; the script appends the draw and the balance. */
export async function drawChance(redis: RedisClient, tag: ShardTag, d: DrawCall, eventHead: string): Promise<DrawReply> {
  const args: RedisArg[] = [
    keys.chances(tag, d.user),
    d.userKey,
    keys.campaignState(tag, d.campaignId),
    keys.campaignDay(tag, d.campaignId, d.day),
    keys.events(tag),
    keys.clockShift(tag),
    keys.tickets(tag),
    keys.openTickets(tag, d.user),
    keys.cards(tag, d.user),
    d.mode,
    d.campaignId,
    d.startsAtMs,
    d.endsAtMs,
    d.day,
    d.dayStart,
    d.dayEnd,
    d.dayIndex,
    d.userWinsPerDay,
    d.shard,
    d.shards,
    eventHead,
    d.ticket,
    d.user,
    d.eventId,
    d.set === null ? '' : `${d.set.id}|${d.set.cards.join(',')}`,
  ];
  const push = (c: DrawCandidate): void => {
    args.push(c.id, c.hasStock ? '1' : '0', c.hasBudget ? '1' : '0', c.dailyCap, c.perUserCap, c.release, c.perPeriod, c.guaranteed ? '1' : '0', c.amount, c.json, c.drawn ? '1' : '0', d.pullable.has(c.id) ? '1' : '0');
  };
  if (d.set === null) args.push(...Array<string>(12).fill(''));
  else push(d.set.prize);
  for (const c of d.candidates) push(c);
  const reply = (await evalScript(redis, SCRIPT, args)) as [string, string, string, number, number, string];
  if (!Array.isArray(reply) || !OUTCOMES.has(reply[0])) throw new Error(`drawChance: unknown reply ${JSON.stringify(reply)}`);
  if (reply[0] === 'short') {
    if (!SHORT_KINDS.has(reply[1])) throw new Error(`drawChance: unknown short bucket ${JSON.stringify(reply)}`);
    return { outcome: 'short', reason: '', prizeJson: '', chances: 0, now: Number(reply[4]), set: null, short: { kind: reply[1] as DrawShortKind, prize: reply[2], need: Number(reply[3]) } };
  }
  return { outcome: reply[0] as DrawOutcome, reason: reply[1], prizeJson: reply[2], chances: Number(reply[3]), now: Number(reply[4]), set: parseSet(reply[5] ?? ''), short: null };
}

function parseSet(text: string): SetCompletion | null {
  const m = /^([^|]*)\|(\d+)\|(.*)\|([^|]*)$/s.exec(text);
  return m === null ? null : { id: m[1] as string, completed: Number(m[2]), prizeJson: m[3] as string, reason: m[4] as string };
}
