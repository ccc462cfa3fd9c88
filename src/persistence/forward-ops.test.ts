// Aggregate ops on another shard's keys (a member's points on the member's home shard) are
// applied there exactly once: through the outbox the acknowledgement fills, whatever the forwarders do
// (crash before deleting, stall while another forwards, entries taken over by another consumer).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { CONSUMER_GROUP, homeShard, keys, useShards } from '../redis/keys.js';
import { ackEvents } from './ack-events-call.js';
import { applyForwarded } from './apply-forwarded-call.js';
import { forwardOutbox, splitByShard } from './forward-ops.js';
import persistBatch, { type PersistTask } from '../startup/persist-worker-entry.js';
import { Points } from '../fulfilment/points.js';
import { EventIds } from '../scan/event-ids.js';

const SHARDS = ['{s0}', '{s1}', '{s2}'];
let redis: TestRedis;
let dir: string;
beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'scanlot-forward-'));
  useShards(SHARDS);
});
afterAll(async () => {
  useShards(['{s0}']);
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const wonPoints = (user: string, amount: number): string =>
  JSON.stringify({ id: `e${++n}`, type: 'scan', at: new Date().toISOString(), user, outcome: 'won', campaignId: null, prize: { id: 'pts', name: 'P', kind: 'points', amount } });

const task = (tag: string, consumer: string): PersistTask => ({
  target: { url: redis.url, cluster: null },
  dbPath: join(dir, `${consumer}.db`),
  stream: keys.events(tag),
  tag,
  shards: SHARDS,
  group: CONSUMER_GROUP,
  consumer,
  count: 100,
  mode: 'new',
  blockMs: 1,
  claimIdleMs: 60_000,
});

describe('a member\'s points won on three shards', () => {
  it('are credited on the home shard, once, and all of them can be spent', async () => {
    const user = 'u-forward';
    const home = homeShard(user);
    for (const t of SHARDS) {
      await redis.client.xgroup('CREATE', keys.events(t), CONSUMER_GROUP, '0', 'MKSTREAM');
      await redis.client.xadd(keys.events(t), '*', 'j', wonPoints(user, 10));
      await redis.client.xadd(keys.events(t), '*', 'j', wonPoints(user, 5));
    }
    for (const t of SHARDS) expect((await persistBatch(task(t, 'c1'))).moved).toBe(2);
    expect(await redis.client.hget(keys.member(home, user), 'points')).toBe('45');
    for (const t of SHARDS.filter((s) => s !== home)) {
      expect(await redis.client.hget(keys.member(t, user), 'points')).toBeNull();
      expect(await redis.client.xlen(keys.aggOutbox(t, home))).toBe(0);
    }
    // persisting again (nothing new; the outboxes forwarded again at a restart) credits nothing more
    for (const t of SHARDS) await persistBatch({ ...task(t, 'c1'), mode: 'pending' });
    expect(await redis.client.hget(keys.member(home, user), 'points')).toBe('45');

    const points = new Points(redis.client, new EventIds(), Date.now);
    expect(await points.change(user, { delta: -45, reason: 'mug', idempotencyKey: 'k1' })).toBe(0);
    await expect(points.change(user, { delta: -1, reason: 'mug', idempotencyKey: 'k2' })).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('a batch read again after a crash', () => {
  it('credits the home shard once', async () => {
    const user = 'u-replayed';
    const home = homeShard(user);
    const from = SHARDS.find((t) => t !== home) as string;
    await redis.client.xadd(keys.events(from), '*', 'j', wonPoints(user, 3));
    await redis.client.xadd(keys.events(from), '*', 'j', wonPoints(user, 3));
    // consumer c2 read the batch and died before acknowledging it
    await redis.client.xreadgroup('GROUP', CONSUMER_GROUP, 'c2', 'COUNT', 10, 'STREAMS', keys.events(from), '>');
    // restarted, it stores and acknowledges its pending entries; then does so again (nothing left)
    expect((await persistBatch({ ...task(from, 'c2'), mode: 'pending' })).moved).toBe(2);
    expect((await persistBatch({ ...task(from, 'c2'), mode: 'pending' })).moved).toBe(0);
    expect(await redis.client.hget(keys.member(home, user), 'points')).toBe('6');
  });
});

describe('a shard that cannot take forwarded figures', () => {
  it('does not hold up the stream: its events reach SQLite, the figures wait in the outbox and arrive later', async () => {
    const user = 'u-stuck';
    const home = homeShard(user);
    const from = SHARDS.find((t) => t !== home) as string;
    // the target refuses the script (a key of the wrong type stands in for a primary that is down; the
    // outbox is empty, so the record of the last entry applied can go)
    expect(await redis.client.xlen(keys.aggOutbox(from, home))).toBe(0);
    await redis.client.del(keys.aggForwardedFrom(home, from));
    await redis.client.hset(keys.aggForwardedFrom(home, from), 'x', '1');
    await redis.client.xadd(keys.events(from), '*', 'j', wonPoints(user, 4));
    const step = await persistBatch(task(from, 'c1'));
    expect(step.moved).toBe(1);
    expect(step.forwardError).toMatch(/WRONGTYPE/);
    expect(await redis.client.xlen(keys.events(from))).toBe(0);
    expect(await redis.client.xlen(keys.aggOutbox(from, home))).toBe(1);
    expect(await redis.client.hget(keys.member(home, user), 'points')).toBeNull();

    await redis.client.del(keys.aggForwardedFrom(home, from));
    expect((await persistBatch({ ...task(from, 'c1'), mode: 'pending' })).forwardError).toBeUndefined();
    expect(await redis.client.hget(keys.member(home, user), 'points')).toBe('4');
    expect(await redis.client.xlen(keys.aggOutbox(from, home))).toBe(0);
  });
});

describe('forwarding an outbox', () => {
  const from = '{s1}';
  const to = '{s2}';
  const stream = '{s1}:events:fwdtest';
  const credit = { kind: 'hincrby', key: keys.member(to, 'u-replay'), field: 'points', by: 7 } as const;
  const points = async (): Promise<string | null> => redis.client.hget(keys.member(to, 'u-replay'), 'points');

  async function ackOne(consumer: string): Promise<boolean> {
    await redis.client.xadd(stream, '*', 'j', '{}');
    const r = (await redis.client.xreadgroup('GROUP', 'g', consumer, 'COUNT', 1, 'STREAMS', stream, '>')) as [string, [string, string[]][]][];
    const ids = r[0]![1].map(([id]) => id);
    const { local, forwarded } = splitByShard([credit], from);
    expect(local).toEqual([]);
    return (await ackEvents(redis.client, stream, 'g', consumer, ids, local, forwarded)).done;
  }

  it('applies each entry once: a replayed page, a forwarder that crashed before deleting, one that stalled', async () => {
    await redis.client.xgroup('CREATE', stream, 'g', '0', 'MKSTREAM');
    expect(await ackOne('a')).toBe(true);
    expect(await ackOne('a')).toBe(true);
    expect(await redis.client.xlen(keys.aggOutbox(from, to))).toBe(2);
    expect(await points()).toBeNull(); // nothing on the target before forwarding

    // a stalled forwarder read the page...
    const page = ((await redis.client.xrangeBuffer(keys.aggOutbox(from, to), '-', '+')) as [Buffer, Buffer[]][]).map(([id, f]) => ({ id: id.toString(), ops: f[1] as Buffer }));
    // ...another forwarded it, crashed before deleting, and a third forwarded again
    expect(await applyForwarded(redis.client, keys.aggForwardedFrom(to, from), page)).toBe(2);
    expect(await forwardOutbox(redis.client, from, to)).toBe(0);
    expect(await redis.client.xlen(keys.aggOutbox(from, to))).toBe(0);
    // the stalled one wakes up and applies its page
    expect(await applyForwarded(redis.client, keys.aggForwardedFrom(to, from), page)).toBe(0);
    expect(await points()).toBe('14');

    // a later entry is applied, once
    expect(await ackOne('a')).toBe(true);
    expect(await forwardOutbox(redis.client, from, to)).toBe(1);
    expect(await forwardOutbox(redis.client, from, to)).toBe(0);
    expect(await points()).toBe('21');
  });

  it('puts nothing in the outbox for entries another consumer took over', async () => {
    await redis.client.xadd(stream, '*', 'j', '{}');
    const r = (await redis.client.xreadgroup('GROUP', 'g', 'a', 'COUNT', 1, 'STREAMS', stream, '>')) as [string, [string, string[]][]][];
    const ids = r[0]![1].map(([id]) => id);
    await redis.client.xclaim(stream, 'g', 'b', 0, ...ids);
    const { local, forwarded } = splitByShard([credit], from);
    expect((await ackEvents(redis.client, stream, 'g', 'a', ids, local, forwarded)).done).toBe(false);
    expect(await redis.client.xlen(keys.aggOutbox(from, to))).toBe(0);
    expect((await ackEvents(redis.client, stream, 'g', 'b', ids, local, forwarded)).done).toBe(true);
    expect(await redis.client.xlen(keys.aggOutbox(from, to))).toBe(1);
  });
});

describe('splitByShard', () => {
  it('keeps ops on the stream\'s shard, and on keys of no shard of the deployment, local', () => {
    const op = (key: string) => ({ kind: 'hincrby', key, field: 'f', by: 1 }) as const;
    const { local, forwarded } = splitByShard([op('{s0}:a'), op('{s1}:b'), op('{s2}:c'), op('{s1}:d'), op('{meta}:x'), op('plain')], '{s0}');
    expect(local.map((o) => o.key)).toEqual(['{s0}:a', '{meta}:x', 'plain']);
    expect(forwarded.map((f) => [f.outbox, f.ops.map((o) => o.key)])).toEqual([
      ['{s0}:agg:out:{s1}', ['{s1}:b', '{s1}:d']],
      ['{s0}:agg:out:{s2}', ['{s2}:c']],
    ]);
  });
});
