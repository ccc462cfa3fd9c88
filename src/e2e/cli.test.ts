// `npx scanlot …` against a running engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { startEngine, TEST_TOKEN, type TestEngine } from '../testing/engine-process.js';
import { liveCampaign, uniqueSku } from '../testing/fixtures.js';
import { PROJECT_ROOT } from '../paths.js';

let redis: TestRedis;
let engine: TestEngine;
const dir = mkdtempSync(join(tmpdir(), 'scanlot-cli-'));

beforeAll(async () => {
  redis = await startRedis();
  engine = await startEngine({ redisUrl: redis.url });
});
afterAll(async () => {
  await engine?.stop();
  await redis?.stop();
});

function cli(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'scanlot.js'), ...args, '--url', engine.url], {
    env: { ...process.env, ADMIN_TOKEN: TEST_TOKEN },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('CLI', () => {
  it('creates a batch, exports it, creates a campaign, shows stats', async () => {
    const sku = uniqueSku();
    const created = cli('batch', 'create', '--sku', sku, '--size', '2500');
    expect(created.status, created.err).toBe(0);
    const batch = JSON.parse(created.out);
    expect(batch).toMatchObject({ sku, size: 2500, kind: 'item' });

    const out = join(dir, 'codes.csv');
    const exported = cli('batch', 'export', String(batch.batchId), '--out', out);
    expect(exported.status, exported.err).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2501);
    expect(lines[2500]).toBe(`2499,${engine.codec.encode(batch.batchId, 2499)},http://localhost:${engine.port}/c/${engine.codec.encode(batch.batchId, 2499)}`);

    const file = join(dir, 'campaign.json');
    writeFileSync(file, JSON.stringify(liveCampaign(`cli-${sku}`, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 1 }])));
    expect(cli('campaign', 'create', '--file', file).status).toBe(0);
    await engine.scan({ code: engine.codec.encode(batch.batchId, 0), user: 'cli' });
    const stats = cli('stats', `cli-${sku}`);
    expect(stats.status).toBe(0);
    expect(JSON.parse(stats.out)).toMatchObject({ scans: 1, outcomes: { won: 1 } });
  });

  it('says what is wrong, with exit status 1', () => {
    const missing = cli('campaign', 'create', '--file', join(dir, 'nope.json'));
    expect(missing.status).toBe(1);
    expect(missing.err).toMatch(/cannot read/);
    const bad = cli('batch', 'create', '--sku', 'x', '--size', '0');
    expect(bad.status).toBe(1);
    expect(bad.err).toMatch(/400 invalid_request: size/);
    expect(cli('frobnicate').status).toBe(1);
  });
});
