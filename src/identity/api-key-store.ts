// API keys: a random secret shown once, stored in Redis only as its SHA-256 with the
// key's role. Every engine keeps all keys in memory (a request never waits for Redis to authenticate);
// a change bumps a version counter and is announced on the definitions channel, and each engine also
// re-reads the counter every second, so a revocation is refused everywhere within 1 s even when a
// pub/sub message is lost. lastUsedAt is kept in memory and flushed every few seconds, not per request.
import { createHash, randomBytes } from 'node:crypto';
import { keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { touchApiKey } from './touch-api-key-call.js';
import { isRole, type Credential, type Role } from './roles.js';

export interface ApiKeyRecord extends Credential {
  readonly createdAt: string;
  /** hex SHA-256 of the secret */
  readonly hash: string;
}

export interface ApiKeyView {
  id: string;
  role: Role;
  name: string;
  shop: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export const KEYS_MESSAGE = 'keys';
const KEY_PREFIX = 'slk_';
const FLUSH_MS = 5_000;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

function parseRecord(raw: string): ApiKeyRecord | null {
  try {
    const r = JSON.parse(raw) as Partial<ApiKeyRecord>;
    if (typeof r.id !== 'string' || typeof r.hash !== 'string' || !isRole(r.role) || typeof r.name !== 'string' || typeof r.createdAt !== 'string') return null;
    return { id: r.id, hash: r.hash, role: r.role, name: r.name, shop: typeof r.shop === 'string' ? r.shop : null, createdAt: r.createdAt };
  } catch {
    return null;
  }
}

export class ApiKeyStore {
  #byHash = new Map<string, ApiKeyRecord>();
  #version = '';
  /** id -> ms of the last use seen by this engine, not yet written */
  readonly #used = new Map<string, number>();
  #timers: NodeJS.Timeout[] = [];

  constructor(private readonly redis: RedisClient, private readonly now: () => number) {}

  /** loads every key, then re-reads the version counter every second and flushes lastUsedAt */
  async start(onError: (err: unknown) => void): Promise<void> {
    await this.reload();
    const check = setInterval(() => this.reloadIfChanged().catch(onError), 1_000);
    const flush = setInterval(() => this.flushUsed().catch(onError), FLUSH_MS);
    check.unref();
    flush.unref();
    this.#timers = [check, flush];
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    await this.flushUsed().catch(() => undefined);
  }

  async reload(): Promise<void> {
    // the version first: a change landing between the two reads is seen again on the next check
    const version = (await this.redis.get(keys.apiKeyVersion)) ?? '0';
    const all = await this.redis.hgetall(keys.apiKeys);
    const byHash = new Map<string, ApiKeyRecord>();
    for (const raw of Object.values(all)) {
      const r = parseRecord(raw);
      if (r) byHash.set(r.hash, r);
    }
    this.#byHash = byHash;
    this.#version = version;
    this.#generation++;
  }

  /** +1 at every reload: what a caller remembered of the keys before holds only while it is unchanged */
  get generation(): number {
    return this.#generation;
  }
  #generation = 0;

  async reloadIfChanged(): Promise<void> {
    const version = (await this.redis.get(keys.apiKeyVersion)) ?? '0';
    if (version !== this.#version) await this.reload();
  }

  /** records a use of a key authenticated earlier in this generation (its lastUsedAt) */
  touch(id: string): void {
    this.#used.set(id, this.now());
  }

  /** the key a bearer secret belongs to, from memory; null when unknown or revoked */
  authenticate(secret: string): ApiKeyRecord | null {
    if (!secret.startsWith(KEY_PREFIX)) return null;
    const r = this.#byHash.get(hashSecret(secret));
    if (r) this.#used.set(r.id, this.now());
    return r ?? null;
  }

  /** the answer of POST /v1/keys: the only time the secret is shown */
  async create(role: Role, name: string, shop: string | null): Promise<{ id: string; key: string; role: Role; name: string; shop: string | null; createdAt: string }> {
    const secret = KEY_PREFIX + randomBytes(32).toString('base64url');
    const record: ApiKeyRecord = {
      id: `key_${randomBytes(8).toString('hex')}`,
      role,
      name,
      shop,
      createdAt: new Date(this.now()).toISOString(),
      hash: hashSecret(secret),
    };
    await this.redis.multi().hset(keys.apiKeys, record.id, JSON.stringify(record)).incr(keys.apiKeyVersion).publish(keys.definitionsChannel, KEYS_MESSAGE).exec();
    this.#byHash.set(record.hash, record);
    return { id: record.id, key: secret, role, name, shop, createdAt: record.createdAt };
  }

  /** false when no such key */
  async revoke(id: string): Promise<boolean> {
    const replies = await this.redis.multi().hdel(keys.apiKeys, id).hdel(keys.apiKeyLastUsed, id).incr(keys.apiKeyVersion).publish(keys.definitionsChannel, KEYS_MESSAGE).exec();
    for (const [hash, r] of this.#byHash) if (r.id === id) this.#byHash.delete(hash);
    this.#generation++;
    this.#used.delete(id);
    const removed = replies?.[0]?.[1];
    return removed === 1;
  }

  async list(): Promise<ApiKeyView[]> {
    await this.flushUsed();
    const [all, used] = await Promise.all([this.redis.hgetall(keys.apiKeys), this.redis.hgetall(keys.apiKeyLastUsed)]);
    const views: ApiKeyView[] = [];
    for (const raw of Object.values(all)) {
      const r = parseRecord(raw);
      if (!r) continue;
      const last = used[r.id];
      views.push(this.#view(r, last === undefined ? null : Number(last)));
    }
    return views.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  }

  /** writes the uses seen since the last flush; a later use on another engine wins (the larger time) */
  async flushUsed(): Promise<void> {
    if (this.#used.size === 0) return;
    const batch = [...this.#used];
    this.#used.clear();
    await Promise.all(batch.map(([id, ms]) => touchApiKey(this.redis, id, ms)));
  }

  #view(r: ApiKeyRecord, lastUsedMs: number | null): ApiKeyView {
    return { id: r.id, role: r.role, name: r.name, shop: r.shop, createdAt: r.createdAt, lastUsedAt: lastUsedMs === null ? null : new Date(lastUsedMs).toISOString() };
  }
}
