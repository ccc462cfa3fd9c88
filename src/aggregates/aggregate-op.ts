// Figures kept in Redis for the whole deployment (reports, payouts and redemptions lists, stats that no
// scan decision reads), derived from the event stream. Each persist step applies the ops of its events
// in the same Redis script that acknowledges them, and only for entries that this acknowledgement took
// out of the pending list: every event counts exactly once, whichever engine stored it in its SQLite.
//
// An op's keys carry the hash tag of the stream the event came from (the `tag` handed to the source),
// or of another shard: a member's points and wins live on the member's home shard. Ops on another
// shard travel through an outbox of the stream's shard, appended by the acknowledging script, and are
// applied on their shard once per outbox entry (src/persistence/forward-ops.ts): exactly once as well.
import type { ShardTag } from '../redis/keys.js';

export type AggregateOp =
  /** HINCRBY key field by */
  | { readonly kind: 'hincrby'; readonly key: string; readonly field: string; readonly by: number }
  /** HSET key field value (a record the event creates, e.g. a payout); never overwrites: HSETNX */
  | { readonly kind: 'hsetnx'; readonly key: string; readonly field: string; readonly value: string }
  /** ZADD key score member (an index by time or by id) */
  | { readonly kind: 'zadd'; readonly key: string; readonly score: number; readonly member: string }
  /** one more scan for `member` on a leaderboard; ties go to who got there first (INCR `counter` orders arrivals) */
  | { readonly kind: 'rank'; readonly key: string; readonly member: string; readonly counter: string }
  /** HSET key field value when value is greater than the field's (the latest time something happened) */
  | { readonly kind: 'hmax'; readonly key: string; readonly field: string; readonly value: number }
  /** EXPIRE key seconds (figures kept for a while only, e.g. per minute); one per key and batch is applied */
  | { readonly kind: 'expire'; readonly key: string; readonly seconds: number };

/** The parsed event JSON (docs/dcrm.md, "The events"): `id`, `type`, `at` always; the rest per type. */
export type StoredEvent = { readonly id: string; readonly type: string; readonly at: string } & Readonly<Record<string, unknown>>;

/** The time of an event in ms: read once where its stream entry was read (scan events: `atMs`), else parsed from `at`. */
export function eventTime(e: StoredEvent): number {
  return typeof e.atMs === 'number' ? e.atMs : Date.parse(e.at);
}

/** What a source may ask of the persist step besides the event itself. */
export interface AggregateContext {
  /** the calendar day "YYYY-MM-DD" of an instant in the campaign's time zone; null for an unknown campaign */
  campaignDay(campaignId: string, atMs: number): string | null;
}

/** One concern's figures: called once per stored event, in stream order, inside the persist worker thread. */
export type AggregateSource = (event: StoredEvent, tag: ShardTag, ctx: AggregateContext) => readonly AggregateOp[];
