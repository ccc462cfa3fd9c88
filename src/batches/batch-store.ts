// Batches in Redis: the definition under {meta}, the status (which the scan script reads) in every
// shard. Definitions are immutable but for the status, so the in-process cache never goes stale for
// what the hot path needs from it (sku, kind, size).
import { badRequest, conflict, notFound } from '../errors.js';
import { MAX_BATCH_ID } from '../codes/code-codec.js';
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { STATUS_LETTER, statusFromLetter, type Batch, type BatchInput, type BatchStatus } from './batch.js';

export class BatchStore {
  readonly #cache = new Map<number, Batch>();

  constructor(private readonly redis: RedisClient, private readonly now: () => number = Date.now) {}

  async create(input: BatchInput): Promise<Batch> {
    if (input.contains) {
      const inner = await this.get(input.contains.batchId);
      if (!inner) throw badRequest('contains.batchId', `batch ${input.contains.batchId} does not exist`);
      if (inner.kind !== 'item') throw badRequest('contains.batchId', 'must be a batch of kind item');
      if (input.size * input.contains.perBox > inner.size) throw badRequest('contains.perBox', `size × perBox exceeds the ${inner.size} codes of batch ${inner.batchId}`);
      if (inner.boxedBy) throw conflict(`batch ${inner.batchId} is already packed in box batch ${inner.boxedBy.batchId}`);
    }
    const batchId = await this.redis.incr(keys.batchSeq);
    if (batchId > MAX_BATCH_ID) throw conflict('no batch ids left');
    const batch: Batch = { batchId, ...input, createdAt: new Date(this.now()).toISOString() };
    // status first: a definition is only visible once every shard can answer for it
    for (const t of ALL_SHARDS) await this.redis.hset(keys.batchStatus(t), String(batchId), STATUS_LETTER[batch.status]);
    await this.redis.hset(keys.batchDefs, String(batchId), JSON.stringify(batch));
    this.#cache.set(batchId, batch);
    if (input.contains) {
      const inner = (await this.get(input.contains.batchId)) as Batch;
      const boxed: Batch = { ...inner, boxedBy: { batchId, perBox: input.contains.perBox, radiusKm: input.region?.radiusKm ?? null } };
      await this.redis.hset(keys.batchDefs, String(inner.batchId), JSON.stringify(boxed));
      this.#cache.set(inner.batchId, boxed);
      await this.redis.publish(keys.definitionsChannel, `batch:${inner.batchId}`);
    }
    return batch;
  }

  /** Another engine changed a definition: read it again when next needed. */
  forget(batchId: number): void {
    this.#cache.delete(batchId);
  }

  /** Changes may have been missed (the subscription was down): read every definition again when needed. */
  forgetAll(): void {
    this.#cache.clear();
  }

  /** The definition (status as registered at creation or last change); cached. */
  async get(batchId: number): Promise<Batch | null> {
    const cached = this.#cache.get(batchId);
    if (cached) return cached;
    const raw = await this.redis.hget(keys.batchDefs, String(batchId));
    if (raw === null) return null;
    const batch = JSON.parse(raw) as Batch;
    this.#cache.set(batchId, batch);
    return batch;
  }

  cached(batchId: number): Batch | undefined {
    return this.#cache.get(batchId);
  }

  /** The definition with the live status and the number of codes scanned. */
  async describe(batchId: number): Promise<(Batch & { scanned: number }) | null> {
    const batch = await this.get(batchId);
    if (!batch) return null;
    // the status is written to every shard (setStatus), where the scan script reads it: any copy will do;
    // the codes scanned are the bits of every shard's bitmap
    const first = ALL_SHARDS[0] as string;
    const [letter, ...counts] = await Promise.all([
      this.redis.hget(keys.batchStatus(first), String(batchId)),
      ...ALL_SHARDS.map((t) => this.redis.bitcount(keys.seen(t, batchId))),
    ]);
    const status = statusFromLetter(letter) ?? batch.status;
    return { ...batch, status, scanned: counts.reduce((a, b) => a + b, 0) };
  }

  /** Batches with ids above `after`, in id order, with their live status; `next` is the cursor of the following page. */
  async list(after: number, limit: number): Promise<{ batches: Batch[]; next: number | null }> {
    const last = Number((await this.redis.get(keys.batchSeq)) ?? 0);
    const ids: string[] = [];
    for (let id = after + 1; id <= Math.min(last, after + limit); id++) ids.push(String(id));
    if (ids.length === 0) return { batches: [], next: null };
    const first = ALL_SHARDS[0] as string;
    const [defs, letters] = await Promise.all([this.redis.hmget(keys.batchDefs, ...ids), this.redis.hmget(keys.batchStatus(first), ...ids)]);
    const batches: Batch[] = [];
    defs.forEach((raw, i) => {
      if (raw === null) return;
      const b = JSON.parse(raw) as Batch;
      batches.push({ ...b, status: statusFromLetter(letters[i] ?? null) ?? b.status });
    });
    const end = Number(ids[ids.length - 1]);
    return { batches, next: end < last ? end : null };
  }

  async setStatus(batchId: number, status: BatchStatus): Promise<Batch & { scanned: number }> {
    const batch = await this.get(batchId);
    if (!batch) throw notFound(`batch ${batchId}`);
    const current = await this.describe(batchId);
    if (current?.status === 'void' && status !== 'void') throw conflict(`batch ${batchId} is void`);
    for (const t of ALL_SHARDS) await this.redis.hset(keys.batchStatus(t), String(batchId), STATUS_LETTER[status]);
    const updated: Batch = { ...batch, status };
    await this.redis.hset(keys.batchDefs, String(batchId), JSON.stringify(updated));
    this.#cache.set(batchId, updated);
    const described = await this.describe(batchId);
    return described ?? { ...updated, scanned: 0 };
  }
}
