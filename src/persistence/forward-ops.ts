// Aggregate ops whose keys live on another shard than the event's stream (a member's points and wins
// live on the member's home shard). The acknowledging script cannot touch another shard (another Redis
// Cluster slot), so it appends them, exactly once with the acknowledgement, to an outbox stream of its
// own shard, one per target shard; forwarding then applies each outbox entry once on its target
// (lua/applyForwarded-1.lua keeps the last entry id applied) and deletes it from the outbox.
import type { AggregateOp } from '../aggregates/aggregate-op.js';
import { ALL_SHARDS, keys, type ShardTag } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { OutboxOps } from './ack-events-call.js';
import { applyForwarded, type OutboxEntry } from './apply-forwarded-call.js';

/** outbox entries read and applied per round trip */
const PAGE = 200;

/** The shard tag a key begins with, if any. */
export function tagOfKey(key: string): ShardTag | null {
  const end = key.indexOf('}');
  return key.startsWith('{') && end > 0 ? key.slice(0, end + 1) : null;
}

/**
 * The ops on keys of `tag` itself, and per other shard the ops for its outbox in `tag`. A key of no
 * shard of the deployment stays with the local ops: the acknowledging script tries it and, on a
 * cluster, loses that figure with a line in Redis' log, as before; it must never hold the stream up.
 */
export function splitByShard(ops: readonly AggregateOp[], tag: ShardTag): { local: AggregateOp[]; forwarded: OutboxOps[] } {
  // one shard: every op is local (no key to look at, on the persist step's busiest path)
  if (ALL_SHARDS.length === 1) return { local: [...ops], forwarded: [] };
  const local: AggregateOp[] = [];
  const other = new Map<ShardTag, AggregateOp[]>();
  for (const op of ops) {
    const t = tagOfKey(op.key);
    if (t === null || t === tag || !ALL_SHARDS.includes(t)) {
      local.push(op);
      continue;
    }
    let list = other.get(t);
    if (!list) other.set(t, (list = []));
    list.push(op);
  }
  return { local, forwarded: [...other].map(([to, list]) => ({ outbox: keys.aggOutbox(tag, to), ops: list })) };
}

/** The target shard of an outbox key (`{from}:agg:out:{to}`). */
export function outboxTarget(outbox: string): ShardTag {
  return outbox.slice(outbox.lastIndexOf(':') + 1);
}

/** Applies on shard `to` every entry of `from`'s outbox for it, then deletes them there; returns the entries applied now. */
export async function forwardOutbox(redis: RedisClient, from: ShardTag, to: ShardTag): Promise<number> {
  const outbox = keys.aggOutbox(from, to);
  let applied = 0;
  for (;;) {
    // Buffers: the ops are MessagePack bytes, which a UTF-8 decoding would spoil
    const page = (await redis.xrangeBuffer(outbox, '-', '+', 'COUNT', PAGE)) as [Buffer, Buffer[]][];
    if (page.length === 0) return applied;
    const entries: OutboxEntry[] = [];
    for (const [id, fields] of page) {
      for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i]?.toString() === 'o') entries.push({ id: id.toString(), ops: fields[i + 1] as Buffer });
    }
    applied += await applyForwarded(redis, keys.aggForwardedFrom(to, from), entries);
    await redis.xdel(outbox, ...page.map(([id]) => id.toString()));
    if (page.length < PAGE) return applied;
  }
}
