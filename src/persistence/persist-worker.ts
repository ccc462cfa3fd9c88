// Worker thread: one task = move one batch of events from a Redis stream into SQLite.
// It reads (XREADGROUP, or XAUTOCLAIM of a dead consumer's entries), commits the batch in one
// transaction (the events, and a row per win they hold: what fulfilment finds wins by), and only then
// acknowledges, deletes and counts it (lua/ackEvents-1.lua: the aggregate figures of src/aggregates
// change in the same atomic step as the acknowledgement, so each event counts once). The whole stream
// round trip lives here, off the engine's main thread that answers scans.
// Idempotent on the event id: a batch read twice (a crash between commit and acknowledgement) is stored
// once, and counted once since only the acknowledgement counts.
import { connectRedis, type RedisTarget } from '../redis/connect.js';
import type { RedisClient } from '../redis/scripts.js';
import { ALL_SHARDS, keys, useShards, type ShardTag } from '../redis/keys.js';
import { INSERT_COLUMNS, INSERT_EVENT, INSERT_WIN, insertEventsSql, openEventDb, winValues, type Db } from '../events/event-schema.js';
import { fillWins, type WinRowsOf } from './fill-wins.js';
import { columnsOf, MalformedEvent, readEntry, type EventRow } from '../events/event-format.js';
import { ackEvents } from './ack-events-call.js';
import { forwardOutbox, outboxTarget, splitByShard } from './forward-ops.js';
import type { AggregateContext, AggregateOp, AggregateSource, StoredEvent } from '../aggregates/aggregate-op.js';
import { CampaignDay } from '../campaigns/campaign-day.js';
import { registeredStores } from '../event-stores/registered-stores.js';
import { eventsHeldByOwners } from '../event-stores/events-held-by-owners.js';
import { nameThisThread, THREAD_NAMES } from '../metrics/thread-name.js';
import { lowerThisThreadPriority } from '../threads/background-priority.js';

nameThisThread(THREAD_NAMES.persist);

export interface PersistTask {
  target: RedisTarget;
  dbPath: string;
  stream: string;
  tag: ShardTag;
  /** the deployment's shard tags: a worker thread has its own copy of the keys module to tell them */
  shards: readonly ShardTag[];
  group: string;
  consumer: string;
  count: number;
  /** "pending": our own entries read before (a crash, a failed step); "new": fresh entries (blocking up to blockMs); "claim": other consumers' entries idle for claimIdleMs */
  mode: 'pending' | 'new' | 'claim';
  blockMs: number;
  claimIdleMs: number;
  /** the worker thread's nice value, set on its first task (absent: as the engine) */
  nice?: number;
}

export interface PersistResult {
  /** entries moved */
  moved: number;
  /** events inserted (moved minus duplicates) */
  inserted: number;
  /** why forwarding an outbox to another shard failed this step (its entries wait there for the next try) */
  forwardError?: string;
}

type Entry = [string, string[] | null];

/** entries acknowledged (and counted) by one script call */
const ACK_SLICE = 64;

let redis: Promise<RedisClient> | null = null;
const stores = new Map<string, (rows: readonly EventRow[], tag: ShardTag) => number>();

/** The wins an event holds, handed in by the worker's entry: stored in the same transaction as their event. */
let winRowsOf: WinRowsOf = () => [];

export function useWinRows(of: WinRowsOf): void {
  winRowsOf = of;
}

/** events per INSERT statement: 320 bound values, far below SQLite's limit of 32,766 */
const ROWS_PER_INSERT = 32;

function inserter(path: string): (rows: readonly EventRow[], tag: ShardTag) => number {
  let insert = stores.get(path);
  if (insert) return insert;
  const db: Db = openEventDb(path);
  fillWins(db, winRowsOf);
  const many = db.prepare(insertEventsSql(ROWS_PER_INSERT));
  const one = db.prepare(INSERT_EVENT);
  const win = db.prepare(INSERT_WIN);
  const values: unknown[] = new Array(ROWS_PER_INSERT * INSERT_COLUMNS);
  insert = db.transaction((rows: readonly EventRow[], tag: ShardTag) => {
    let n = 0;
    let i = 0;
    for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) {
      let v = 0;
      for (let j = i; j < i + ROWS_PER_INSERT; j++) {
        const r = rows[j] as EventRow;
        for (const c of columnsOf(r.event)) values[v++] = c;
        values[v++] = r.body;
      }
      n += many.run(values).changes;
    }
    for (; i < rows.length; i++) n += one.run(...columnsOf((rows[i] as EventRow).event), (rows[i] as EventRow).body).changes;
    for (const r of rows) for (const w of winRowsOf(r.event, tag)) win.run(...winValues(w));
    return n;
  });
  stores.set(path, insert);
  return insert;
}

/**
 * An entry that is not an event (written by hand, or by a broken script) must neither block the stream
 * nor vanish: it is stored as an event of type "malformed" holding its raw fields.
 */
function rowOf(entryId: string, fields: string[]): EventRow {
  try {
    return readEntry(fields);
  } catch (err) {
    if (!(err instanceof MalformedEvent)) throw err;
    const ms = Number(entryId.split('-')[0]);
    const event: StoredEvent = { id: `stream-${entryId}`, type: 'malformed', at: new Date(Number.isFinite(ms) ? ms : 0).toISOString(), fields };
    return { event, body: JSON.stringify(event) };
  }
}

const days = new Map<string, CampaignDay | null>();

async function learnCampaigns(r: RedisClient, rows: readonly EventRow[]): Promise<void> {
  for (const { event } of rows) {
    const id = event.campaignId;
    if (typeof id !== 'string' || days.has(id)) continue;
    const raw = await r.hget(keys.campaignDefs, id);
    const tz = raw === null ? null : (JSON.parse(raw) as { timezone?: unknown }).timezone;
    // an unknown campaign is asked again next time (it may have been created a moment ago elsewhere)
    if (typeof tz === 'string') days.set(id, new CampaignDay(tz));
  }
}

const context: AggregateContext = {
  campaignDay(campaignId, atMs) {
    const d = days.get(campaignId)?.dayOf(atMs);
    return d ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : null;
  },
};

/**
 * A step on the events read, after they are in SQLite and before they are acknowledged (集卡 with several
 * shards: a scan's card counted on its user's home shard, src/sets/card-repair.ts); it must be idempotent
 * (a failed persist step reads the same events again). Handed in by the worker's entry.
 */
export type BeforeAck = (redis: RedisClient, rows: readonly EventRow[]) => Promise<void>;
let beforeAck: BeforeAck | null = null;

export function useBeforeAck(step: BeforeAck): void {
  beforeAck = step;
}

/** the aggregate sources of every concern, handed in by the worker's entry (src/startup/persist-worker-entry.ts) */
let sources: readonly AggregateSource[] = [];

export function useAggregateSources(list: readonly AggregateSource[]): void {
  sources = list;
}

function opsOf(rows: readonly EventRow[], tag: ShardTag): AggregateOp[] {
  const ops: AggregateOp[] = [];
  for (const { event } of rows) for (const source of sources) for (const op of source(event, tag, context)) ops.push(op);
  return ops;
}

/**
 * The consumer each idle entry belongs to before a claim takes it (XPENDING with IDLE lists the same
 * entries XAUTOCLAIM then takes, oldest first). An entry that changes owner in between is missing here,
 * and stored by the claimer as before.
 */
async function ownersOfIdle(r: RedisClient, t: PersistTask): Promise<Map<string, string>> {
  const pending = (await r.xpending(t.stream, t.group, 'IDLE', t.claimIdleMs, '-', '+', t.count)) as [string, string, number, number][];
  const owners = new Map<string, string>();
  for (const [id, consumer] of pending) if (consumer !== t.consumer) owners.set(id, consumer);
  return owners;
}

async function read(r: RedisClient, t: PersistTask): Promise<Entry[]> {
  if (t.mode === 'claim') {
    const [, entries] = (await r.xautoclaim(t.stream, t.group, t.consumer, t.claimIdleMs, '0-0', 'COUNT', t.count)) as [string, Entry[]];
    return entries;
  }
  const reply = (await r.xreadgroup(
    'GROUP', t.group, t.consumer, 'COUNT', t.count, 'BLOCK', t.mode === 'new' ? t.blockMs : 1,
    'STREAMS', t.stream, t.mode === 'new' ? '>' : '0',
  )) as [string, Entry[]][] | null;
  return reply?.[0]?.[1] ?? [];
}

/**
 * The claimed rows that their previous owner's store does not hold. An owner that stored a batch and
 * died (or restarted) before its acknowledgement left the entries pending; the claimer skips their
 * insert but still acknowledges them with their figures below, so each event is in one store and
 * counted once. An owner whose store cannot be read here (see eventsHeldByOwners) has its entries
 * stored by the claimer as before: an event may then be in two stores, none is lost.
 */
async function notHeldByOwners(r: RedisClient, owners: ReadonlyMap<string, string>, rowById: ReadonlyMap<string, EventRow>): Promise<EventRow[]> {
  const wanted = new Map<string, string[]>();
  for (const [entryId, row] of rowById) {
    const owner = owners.get(entryId);
    if (owner === undefined) continue;
    const ids = wanted.get(owner) ?? [];
    ids.push(row.event.id);
    wanted.set(owner, ids);
  }
  if (wanted.size === 0) return [...rowById.values()];
  const held = eventsHeldByOwners(await registeredStores(r), wanted);
  return [...rowById.values()].filter((row) => !held.has(row.event.id));
}

/**
 * Errors cross the thread boundary by structured clone, which keeps only an Error's message: the code
 * of an SQLite error (SQLITE_FULL, SQLITE_BUSY, …) goes into the message so that the log shows it.
 */
export default async function persistBatch(t: PersistTask): Promise<PersistResult> {
  lowerThisThreadPriority(t.nice ?? 0);
  try {
    return await persist(t);
  } catch (err) {
    const e = err as { message?: unknown; code?: unknown } | null;
    const message = typeof e?.message === 'string' ? e.message : String(err);
    throw new Error(typeof e?.code === 'string' && !message.startsWith(e.code) ? `${e.code}: ${message}` : message);
  }
}

/**
 * Forwards the outboxes of `t.tag` for the shards named (all others when null): see forward-ops.ts. A
 * shard that cannot be reached must not stop this stream's events from reaching SQLite: its entries
 * stay in the outbox, forwarded at a later step; the failure is reported, not thrown.
 */
async function forward(r: RedisClient, t: PersistTask, to: ReadonlySet<ShardTag> | null): Promise<string | undefined> {
  let error: string | undefined;
  for (const other of ALL_SHARDS) {
    if (other === t.tag || (to !== null && !to.has(other))) continue;
    try {
      await forwardOutbox(r, t.tag, other);
    } catch (err) {
      error = `forwarding ${keys.aggOutbox(t.tag, other)}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return error;
}

async function persist(t: PersistTask): Promise<PersistResult> {
  if (ALL_SHARDS.join() !== t.shards.join()) useShards(t.shards);
  redis ??= connectRedis(t.target, { blocking: true, name: 'scanlot-persist' });
  const r = await redis;
  // opened (and its wins from before filled) on the first step, whether or not events wait
  const insert = inserter(t.dbPath);
  // what a step that failed (or an engine that died) left in the outboxes: at start, after a failure,
  // and every claim round
  const leftover = t.mode !== 'new' && ALL_SHARDS.length > 1 ? await forward(r, t, null) : undefined;
  const owners = t.mode === 'claim' ? await ownersOfIdle(r, t) : null;
  const entries = await read(r, t);
  if (entries.length === 0) return leftover === undefined ? { moved: 0, inserted: 0 } : { moved: 0, inserted: 0, forwardError: leftover };
  const ids: string[] = [];
  const rowById = new Map<string, EventRow>();
  for (const [id, fields] of entries) {
    ids.push(id);
    // an entry deleted before it was claimed comes back without fields: nothing to store
    if (fields) rowById.set(id, rowOf(id, fields));
  }
  const rows = [...rowById.values()];
  const inserted = insert(owners === null ? rows : await notHeldByOwners(r, owners, rowById), t.tag);
  await learnCampaigns(r, rows);
  if (beforeAck !== null) await beforeAck(r, rows);
  // acknowledged in slices: one script holds Redis, and the scans waiting behind it, for the time of its
  // ops (a slice of 500 events measured 10-19 ms, the whole tail of the scans' latency)
  const targets = new Set<ShardTag>();
  const ack = async (slice: readonly string[]): Promise<Awaited<ReturnType<typeof ackEvents>>> => {
    const { local, forwarded } = splitByShard(opsOf(slice.flatMap((id) => rowById.get(id) ?? []), t.tag), t.tag);
    const result = await ackEvents(r, t.stream, t.group, t.consumer, slice, local, forwarded);
    if (result.done) for (const f of forwarded) targets.add(outboxTarget(f.outbox));
    return result;
  };
  for (let i = 0; i < ids.length; i += ACK_SLICE) {
    const result = await ack(ids.slice(i, i + ACK_SLICE));
    // another consumer took some entries over while this one stalled: it counts those, this one the rest
    if (!result.done && !(await ack(result.stillOurs)).done) throw new Error('stream entries changed owner twice during one persist step');
  }
  const forwardError = targets.size > 0 ? await forward(r, t, targets) : leftover;
  return forwardError === undefined ? { moved: entries.length, inserted } : { moved: entries.length, inserted, forwardError };
}
