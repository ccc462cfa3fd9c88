// Operator mistakes on a Redis shared by several engines (issue 13, item 5): another CODE_SECRET, a
// demo on a Redis already in use, two event stores under one consumer name.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { startEngine, TEST_SECRET, type TestEngine } from '../testing/engine-process.js';
import { runMainToExit } from '../testing/run-main.js';
import { runAuditCli } from '../testing/audit.js';
import { freePort } from '../redis/embedded-redis.js';
import { keys } from '../redis/keys.js';
import { codeSecretFingerprint } from '../startup/code-secret-fingerprint.js';
import { TestClient } from '../testing/test-client.js';

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  cleanups = [];
});

async function redisServer(): Promise<TestRedis> {
  const r = await startRedis();
  cleanups.push(() => r.stop());
  return r;
}

async function engine(redis: TestRedis, env: Record<string, string> = {}): Promise<TestEngine> {
  const e = await startEngine({ redisUrl: redis.url, env });
  cleanups.push(() => e.stop());
  return e;
}

function freshDataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'scanlot-fresh-'));
  cleanups.push(async () => rmSync(d, { recursive: true, force: true }));
  return d;
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('CODE_SECRET fingerprint', () => {
  it('the first engine writes it (never the secret); an engine with another secret exits 1 with one line', async () => {
    const redis = await redisServer();
    expect(await redis.client.get(keys.codeSecretFingerprint)).toBeNull();
    const first = await engine(redis);
    const fp = await redis.client.get(keys.codeSecretFingerprint);
    expect(fp).toBe(codeSecretFingerprint(Buffer.from(TEST_SECRET, 'hex')));
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(fp).not.toContain(TEST_SECRET.slice(0, 16));

    const other = runMainToExit({ REDIS_URL: redis.url, DATA_DIR: freshDataDir(), PORT: String(await freePort()), CODE_SECRET: 'b2'.repeat(32) });
    expect(other.status).toBe(1);
    expect(other.out.split('\n')).toHaveLength(1);
    expect(other.out).toMatch(/CODE_SECRET is not the secret this Redis's codes were made with/);
    expect(other.out).not.toContain('b2b2');
    expect(await redis.client.get(keys.codeSecretFingerprint)).toBe(fp);
    expect((await first.api('GET', '/healthz')).status).toBe(200);
  });

  it('a Redis with batches and no fingerprint yet refuses a secret just generated in a fresh DATA_DIR, and forgets it', async () => {
    const redis = await redisServer();
    const first = await engine(redis);
    await new TestClient(first).createBatch({ sku: 'FP-1', size: 10 });
    // as a Redis from before fingerprints
    await redis.client.del(keys.codeSecretFingerprint);
    const dataDir = freshDataDir();
    const r = runMainToExit({ REDIS_URL: redis.url, DATA_DIR: dataDir, PORT: String(await freePort()), CODE_SECRET: '' });
    expect(r.status).toBe(1);
    expect(r.out.split('\n')).toHaveLength(1);
    expect(r.out).toMatch(/Redis holds 1 batches but CODE_SECRET was just generated/);
    expect(existsSync(join(dataDir, 'code-secret'))).toBe(false);
    expect(await redis.client.get(keys.codeSecretFingerprint)).toBeNull();
  });
});

describe('the demo', () => {
  it('is not created on a first start against a Redis that already holds batches, with one line saying why', async () => {
    const redis = await redisServer();
    const first = await engine(redis);
    await new TestClient(first).createBatch({ sku: 'DEMO-1', size: 10 });
    const fresh = await startEngine({ redisUrl: redis.url, dataDir: freshDataDir(), env: { SCANLOT_DEMO: '1' } });
    cleanups.push(() => fresh.stop());
    await until('the log line', () => fresh.output().includes('no demo created'));
    expect(fresh.output()).toContain('no demo created: Redis already holds 1 batches');
    expect(fresh.output()).not.toContain('demo created (');
    expect(await redis.client.hlen(keys.batchDefs)).toBe(1);
    expect(await redis.client.hlen(keys.campaignDefs)).toBe(0);
  });
});

describe('event stores', () => {
  it('a second live store under one consumer name is refused; the audit lists the stores; a dead store frees its name', async () => {
    const redis = await redisServer();
    const first = await engine(redis, { SCANLOT_CONSUMER: 'shared' });
    const alone = await first.api('GET', '/v1/audit');
    expect(alone.body.stores).toHaveLength(1);
    expect(alone.body.stores[0]).toMatchObject({ consumer: 'shared', storeId: alone.body.store, path: join(first.dataDir, 'scanlot.db'), alive: true });
    expect(alone.body.note).toBeNull();

    const refused = runMainToExit({ REDIS_URL: redis.url, DATA_DIR: freshDataDir(), PORT: String(await freePort()), SCANLOT_CONSUMER: 'shared' });
    expect(refused.status).toBe(1);
    expect(refused.out.split('\n')).toHaveLength(1);
    expect(refused.out).toContain(`SCANLOT_CONSUMER shared is in use by another live event store (${alone.body.store} at `);
    expect(refused.out).toContain(join(first.dataDir, 'scanlot.db'));

    // another name, another store: a supported deployment, which the audit reports
    const second = await engine(redis, { SCANLOT_CONSUMER: 'second' });
    const both = await second.api('GET', '/v1/audit');
    expect(both.body.stores.map((s: { consumer: string; alive: boolean }) => [s.consumer, s.alive])).toEqual([['second', true], ['shared', true]]);
    // the audit counts both stores' events (src/e2e/audit-deployment.test.ts reconciles them)
    expect(both.body.note).toBeNull();
    expect(both.body.read.map((s: { consumers: string[] }) => s.consumers)).toEqual([['second'], ['shared']]);
    const cli = runAuditCli(second);
    expect(cli.out).toMatch(/\* second\s+\S+\s+\S+:\S+scanlot\.db\s+alive/);
    expect(cli.out).toMatch(/\* shared\s+\S+\s+\S+:\S+scanlot\.db\s+alive/);

    // kill -9: the claim expires, then the name may go to another store, which is told whose it was
    await first.kill('SIGKILL');
    await until('the dead store to let its claim expire', async () => (await redis.client.exists(keys.eventStoreAlive('shared'))) === 0);
    const gone = await second.api('GET', '/v1/audit');
    expect(gone.body.stores.find((s: { consumer: string }) => s.consumer === 'shared')).toMatchObject({ storeId: alone.body.store, alive: false });
    const successor = await startEngine({ redisUrl: redis.url, env: { SCANLOT_CONSUMER: 'shared' } });
    cleanups.push(() => successor.stop());
    await until('the take-over warning', () => successor.output().includes('belonged to another event store that is gone'));
    const after = await successor.api('GET', '/v1/audit');
    expect(after.body.stores.find((s: { consumer: string }) => s.consumer === 'shared')).toMatchObject({ storeId: after.body.store, alive: true });
    expect(after.body.store).not.toBe(alone.body.store);
  });

  it('a clean stop gives the name back at once, and a restart of the same store keeps it', async () => {
    const redis = await redisServer();
    const first = await engine(redis, { SCANLOT_CONSUMER: 'solo' });
    const id = (await first.api('GET', '/v1/audit')).body.store;
    await first.kill('SIGKILL');
    // the same SQLite file (same store id) takes its name back without waiting for the claim to expire
    await first.restart();
    expect((await first.api('GET', '/v1/audit')).body.store).toBe(id);
    await first.kill('SIGTERM');
    expect(await redis.client.exists(keys.eventStoreAlive('solo'))).toBe(0);
  });
});
