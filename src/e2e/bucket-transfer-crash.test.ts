// kill -9 of the engine in the middle of a transfer between shards (SCANLOT_SHARDS=3 on one Redis): the
// taken units are stranded, never duplicated; `scanlot audit` shows them (and still balances stock with
// them); `scanlot rebalance --repair` returns them; the audit is clean and the totals unchanged. Then
// `scanlot rebalance CAMPAIGN` evens the buckets out.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useEngine } from '../testing/engine-fixture.js';
import { liveCampaign, uniqueSku } from '../testing/fixtures.js';
import { runAuditCli } from '../testing/audit.js';
import { runScanlotCli } from '../testing/scanlot-cli.js';
import { startEngine } from '../testing/engine-process.js';
import { shareOf } from '../redis/keys.js';

const TAGS = ['{s0}', '{s1}', '{s2}'];
// long enough that the kill always lands between take and give: the test waits for the open transfer, not for time
const fx = useEngine({ env: { SCANLOT_SHARDS: '3', SCANLOT_TEST_MOVE_PAUSE_MS: '600000' } });
// the second engine's event store stays until the end: the audit reads every store of the deployment
const otherDir = mkdtempSync(join(tmpdir(), 'scanlot-other-'));
afterAll(() => rmSync(otherDir, { recursive: true, force: true }));

describe('a transfer between shards cut by kill -9', () => {
  it('strands units the audit shows and repair returns, without creating any', async () => {
    const redis = fx.redis.client;
    expect(JSON.parse((await redis.get('{meta}:shards')) as string)).toEqual(TAGS);
    const sku = uniqueSku();
    const cid = `move-${sku}`;
    const { batchId } = await fx.client.createBatch({ sku, size: 60 });
    await fx.client.createCampaign(liveCampaign(cid, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 1, stock: 30, dailyCap: 100 }]));
    const buckets = async (): Promise<number[]> => Promise.all(TAGS.map(async (t) => Number(await redis.hget(`${t}:cp:${cid}:state`, 's:g'))));
    expect(await buckets()).toEqual([0, 1, 2].map((i) => shareOf(30, i, 3)));

    // six wins, all through codes of shard {s0}: serial + batchId ≡ 0 (mod 3)
    const serials = Array.from({ length: 60 }, (_, s) => s).filter((s) => (s + batchId) % 3 === 0).slice(0, 6);
    for (const s of serials) {
      const r = await fx.engine.scan({ code: fx.engine.codec.encode(batchId, s), user: `u${s}` });
      expect(r.body.outcome).toBe('won');
    }
    expect(await buckets()).toEqual([4, 10, 10]);

    // evening out moves 2 from {s1} and 2 from {s2} into {s0}; the engine dies after the first take
    const rebalancing = fx.engine.api('POST', `/v1/campaigns/${cid}/rebalance`).catch((err: unknown) => err);
    while ((await redis.hlen(`{s1}:cp:${cid}:moves`)) === 0) await new Promise((r) => setTimeout(r, 20));
    await fx.engine.kill('SIGKILL');
    await rebalancing;
    expect(await buckets()).toEqual([4, 8, 10]);
    await fx.engine.restart();

    const stranded = runAuditCli(fx.engine, cid);
    expect(stranded.status, stranded.out).toBe(1);
    expect(stranded.out).toMatch(/MISMATCH\s+transfer\s+move-.*\/g: stock units stranded between shards .*\s+0\s+2\n/);
    expect(stranded.out).toMatch(/ok\s+stock\s+move-.*\/g: initial \+ top-ups = left \+ in transfer \+ won events\s+30\s+30\n/);
    expect(stranded.out).toMatch(/ok\s+codes\s+batch \d+ shard \{s0\}: consumed codes with a first-scan event\s+6\s+6\n/);
    expect(stranded.out).toMatch(/ok\s+codes\s+batch \d+ shard \{s1\}: consumed codes with a first-scan event\s+0\s+0\n/);

    const repair = runScanlotCli(fx.engine, ['rebalance', '--repair']);
    expect(repair.status, repair.out).toBe(0);
    expect(repair.out).toContain(`${cid}  s:g  {s1} -> {s0}  2  returned`);
    expect(repair.out).toContain('repaired 1 open transfer in 1 campaign: 2 stranded units returned');
    expect(await buckets()).toEqual([6, 8, 10]);

    const clean = runAuditCli(fx.engine, cid);
    expect(clean.status, clean.out).toBe(0);
    expect(clean.out).toMatch(/ok\s+transfer\s+move-.*\/g: stock units stranded between shards .*\s+0\s+0\n/);
    expect(clean.out).toMatch(/ok\s+stock\s+move-.*\/g: initial \+ top-ups = left \+ in transfer \+ won events\s+30\s+30\n/);

    // a second repair finds nothing; the totals are where they were
    expect(runScanlotCli(fx.engine, ['rebalance', '--repair']).out).toContain('repaired 0 open transfers in 0 campaigns: 0 stranded units returned');
    expect((await buckets()).reduce((a, n) => a + n, 0)).toBe(24);

    // an engine without the pause hook, on the same Redis, evens the buckets out to their shares of 24
    const other = await startEngine({ redisUrl: fx.redis.url, dataDir: otherDir, env: { SCANLOT_SHARDS: '3' } });
    try {
      const evened = runScanlotCli(other, ['rebalance', cid]);
      expect(evened.status, evened.out).toBe(0);
      expect(evened.out).toContain('g stock: before [6, 8, 10], 2 moved');
      expect(await buckets()).toEqual([8, 8, 8]);
    } finally {
      await other.stop();
    }
    const after = runAuditCli(fx.engine, cid);
    expect(after.status, after.out).toBe(0);
    expect(after.out).toMatch(/ok\s+stock\s+move-.*\/g: initial \+ top-ups = left \+ in transfer \+ won events\s+30\s+30\n/);
  });

  it('a scan whose pull is cut by kill -9 gets no answer and consumes nothing; after repair its retry wins', async () => {
    const redis = fx.redis.client;
    const sku = uniqueSku();
    const cid = `scanmove-${sku}`;
    const b = await fx.client.createBatch({ sku, size: 30 });
    const batchId = b.batchId;
    await fx.client.createLiveCampaign(cid, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 1, stock: 3 }]);
    const buckets = async (): Promise<number[]> => Promise.all(TAGS.map(async (t) => Number(await redis.hget(`${t}:cp:${cid}:state`, 's:g'))));
    const [first, second] = Array.from({ length: 30 }, (_, s) => s).filter((s) => (s + batchId) % 3 === 0) as [number, number];
    expect((await fx.engine.scan({ code: fx.engine.codec.encode(batchId, first), user: 'a' })).body.outcome).toBe('won');
    expect(await buckets()).toEqual([0, 1, 1]);

    // {s0} is dry: the scan pulls one unit, and the engine dies between take and give
    const code = fx.engine.codec.encode(batchId, second);
    const cut = fx.engine.scan({ code, user: 'b' }).catch((err: unknown) => err);
    const moves = async (): Promise<number> => (await Promise.all(TAGS.map((t) => redis.hlen(`${t}:cp:${cid}:moves`)))).reduce((x, y) => x + y, 0);
    while ((await moves()) === 0) await new Promise((r) => setTimeout(r, 20));
    await fx.engine.kill('SIGKILL');
    expect(await cut).toBeInstanceOf(Error);
    expect((await buckets()).reduce((x, y) => x + y, 0)).toBe(1);
    expect(await redis.getbit(`{s0}:seen:${batchId}`, Math.floor(second / 3))).toBe(0);
    await fx.engine.restart();

    const stranded = runAuditCli(fx.engine, cid);
    expect(stranded.status, stranded.out).toBe(1);
    expect(stranded.out).toMatch(/MISMATCH\s+transfer\s+scanmove-.*\/g: stock units stranded between shards .*\s+0\s+1\n/);
    expect(runScanlotCli(fx.engine, ['rebalance', '--repair']).out).toContain('1 stranded unit returned');
    // the richest other shard gave it; of two equally rich, the first in shard order
    expect(await buckets()).toEqual([1, 0, 1]);

    // the client that got no answer sends the scan again: it wins the unit that was moved for it
    expect((await fx.engine.scan({ code, user: 'b' })).body.outcome).toBe('won');
    const clean = runAuditCli(fx.engine, cid);
    expect(clean.status, clean.out).toBe(0);
    expect(clean.out).toMatch(/ok\s+stock\s+scanmove-.*\/g: initial \+ top-ups = left \+ in transfer \+ won events\s+3\s+3\n/);
  });
});
