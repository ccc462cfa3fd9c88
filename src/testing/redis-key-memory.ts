// Where Redis memory goes, key by key: a snapshot of every key's MEMORY USAGE, and the growth between two
// snapshots grouped by the kind of key (its name with ids replaced by *), so that a test can say which
// kind of key a piece of work made grow, and by how many bytes.
import type { Redis } from 'ioredis';

/** key -> bytes (MEMORY USAGE … SAMPLES 0: every element counted, not an estimate from a sample) */
export type KeyBytes = ReadonlyMap<string, number>;

/** The growth of one kind of key between two snapshots. */
export interface KindGrowth {
  /** keys of this kind absent before */
  created: number;
  /** keys of this kind present before whose size changed */
  changed: number;
  /** bytes after minus bytes before, over every key of the kind (a deleted key counts negative) */
  bytes: number;
}

/**
 * `{s0}:rec:7:12` -> `{s0}:rec:*:*`, `{s0}:cp:c-sku-0a1b2c3d4e5f:stats` -> `{s0}:cp:*:stats`: after the shard
 * tag, a part holding a digit (ids, numbers, days) or longer than 12 characters (campaign and user ids)
 * becomes * (the rule bench/memory-bench.ts groups by).
 */
export function kindOf(key: string): string {
  return key
    .split(':')
    .map((part, i) => (i > 0 && (/\d/.test(part) || part.length > 12) ? '*' : part))
    .join(':');
}

/** Every key of the server and its bytes, walked with SCAN (the server is the test's own). */
export async function keyBytes(redis: Redis): Promise<KeyBytes> {
  const out = new Map<string, number>();
  for await (const batch of redis.scanStream({ count: 1000 }) as AsyncIterable<string[]>) {
    if (batch.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const k of batch) pipeline.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
    const replies = (await pipeline.exec()) ?? [];
    batch.forEach((k, i) => {
      const [err, bytes] = replies[i] ?? [null, null];
      // a key that expired between SCAN and MEMORY USAGE answers nil: it holds nothing
      if (err === null && typeof bytes === 'number') out.set(k, bytes);
    });
  }
  return out;
}

/** What changed from `before` to `after`, by kind of key; kinds that did not change are left out. */
export function growthByKind(before: KeyBytes, after: KeyBytes): Map<string, KindGrowth> {
  const out = new Map<string, KindGrowth>();
  const row = (key: string): KindGrowth => {
    const kind = kindOf(key);
    let r = out.get(kind);
    if (r === undefined) out.set(kind, (r = { created: 0, changed: 0, bytes: 0 }));
    return r;
  };
  for (const [key, bytes] of after) {
    const was = before.get(key);
    if (was === bytes) continue;
    const r = row(key);
    if (was === undefined) r.created++;
    else r.changed++;
    r.bytes += bytes - (was ?? 0);
  }
  for (const [key, bytes] of before) {
    if (!after.has(key)) row(key).bytes -= bytes;
  }
  return out;
}

/** The total bytes of a growth. */
export const totalBytes = (growth: ReadonlyMap<string, KindGrowth>): number => [...growth.values()].reduce((sum, r) => sum + r.bytes, 0);
