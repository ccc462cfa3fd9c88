// The TypeScript side of lua/ackEvents-1.lua (read its header): acknowledge, delete and count a
// persisted batch in one atomic step. Hash increments on the same field are summed before they travel.
import type { AggregateOp } from '../aggregates/aggregate-op.js';
import { MsgpackWriter } from '../redis/msgpack-writer.js';
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';

const script = loadScript('ackEvents-1.lua');

export type AckResult = { readonly done: true; readonly acked: number } | { readonly done: false; readonly stillOurs: readonly string[] };

export function packOps(ops: readonly AggregateOp[]): Buffer {
  // key -> field -> sum: two lookups, no string built per op (a batch of 500 events brings thousands)
  const sums = new Map<string, Map<string, number>>();
  const rest: AggregateOp[] = [];
  // one EXPIRE per key is enough for the whole batch
  const expires = new Map<string, number>();
  for (const op of ops) {
    if (op.kind === 'expire') {
      expires.set(op.key, op.seconds);
      continue;
    }
    if (op.kind !== 'hincrby') {
      rest.push(op);
      continue;
    }
    let fields = sums.get(op.key);
    if (fields === undefined) {
      fields = new Map();
      sums.set(op.key, fields);
    }
    fields.set(op.field, (fields.get(op.field) ?? 0) + op.by);
  }
  const w = new MsgpackWriter(4096);
  const head = w.reserveArray();
  let n = 0;
  for (const [key, fields] of sums) {
    for (const [field, by] of fields) {
      if (by === 0) continue;
      w.array(4);
      w.str('h');
      w.str(key);
      w.str(field);
      w.num(by);
      n++;
    }
  }
  for (const op of rest) {
    w.array(4);
    if (op.kind === 'hsetnx') {
      w.str('s');
      w.str(op.key);
      w.str(op.field);
      w.str(op.value);
    } else if (op.kind === 'zadd') {
      w.str('z');
      w.str(op.key);
      w.num(op.score);
      w.str(op.member);
    } else if (op.kind === 'hmax') {
      w.str('m');
      w.str(op.key);
      w.str(op.field);
      w.num(op.value);
    } else if (op.kind === 'rank') {
      w.str('r');
      w.str(op.key);
      w.str(op.member);
      w.str(op.counter);
    }
    n++;
  }
  for (const [key, seconds] of expires) {
    w.array(3);
    w.str('e');
    w.str(key);
    w.num(seconds);
    n++;
  }
  w.setArrayLength(head, n);
  return w.take();
}

function packIds(ids: readonly string[]): Buffer {
  const w = new MsgpackWriter(ids.length * 20 + 8);
  const head = w.reserveArray();
  for (const id of ids) w.str(id);
  w.setArrayLength(head, ids.length);
  return w.take();
}

/** Ops on another shard's keys, for that shard's outbox in this stream's shard (see ARGV 5… of the script). */
export interface OutboxOps {
  readonly outbox: string;
  readonly ops: readonly AggregateOp[];
}

export async function ackEvents(
  redis: RedisClient,
  stream: string,
  group: string,
  consumer: string,
  ids: readonly string[],
  ops: readonly AggregateOp[],
  forwarded: readonly OutboxOps[] = [],
): Promise<AckResult> {
  const outboxes = forwarded.filter((f) => f.ops.length > 0).flatMap((f) => [f.outbox, packOps(f.ops)]);
  const reply = (await evalScript(redis, script, [stream, group, consumer, packIds(ids), packOps(ops), ...outboxes])) as (number | string)[];
  if (reply[0] === -1) return { done: false, stillOurs: reply.slice(1) as string[] };
  return { done: true, acked: Number(reply[0]) };
}
