// `npx scanlot audit`: clean after honest traffic, exit 1 when Redis and SQLite disagree.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { uniqueSku } from '../testing/fixtures.js';
import { runAuditCli } from '../testing/audit.js';

const fx = useEngine();

describe('audit', () => {
  it('is clean after mixed traffic and catches a tampered stock counter and a lost event', async () => {
    const sku = uniqueSku();
    const cid = `audit-${sku}`;
    const b = await fx.client.createBatch({ sku, size: 500 });
    await fx.client.createLiveCampaign(cid, sku, [
      { id: 'g', name: 'G', kind: 'gift', probability: 0.2, stock: 30, perUserCap: 3, dailyCap: 25 },
      { id: 'r', name: 'R', kind: 'cash', probability: 0.3, amount: { min: 1, max: 99 }, budget: 3000 },
      { id: 'k', name: 'K', kind: 'cash', for: 'clerk', probability: 0.5, amount: 7, stock: 40 },
    ], { limits: { userWinsPerDay: 4 } });
    await Promise.all(Array.from({ length: 400 }, (_, i) =>
      fx.engine.scan({ code: fx.engine.codec.encode(b.batchId, i % 350), user: `u${i % 40}`, ...(i % 3 === 0 ? { clerk: `k${i % 5}` } : {}) })));

    const clean = runAuditCli(fx.engine, cid);
    expect(clean.status, clean.out).toBe(0);
    expect(clean.out).toContain('audit clean');
    expect(clean.out).toMatch(/stock\s+audit-.*\/g: initial \+ top-ups = left \+ in transfer \+ won events\s+30\s+30/);
    expect(runAuditCli(fx.engine).status).toBe(0);

    // someone adds stock behind the engine's back: the audit says so
    await fx.redis.client.hincrby(`{s0}:cp:${cid}:state`, 's:g', 1);
    const tampered = runAuditCli(fx.engine, cid);
    expect(tampered.status).toBe(1);
    expect(tampered.out).toMatch(/MISMATCH\s+stock/);
    await fx.redis.client.hincrby(`{s0}:cp:${cid}:state`, 's:g', -1);

    // a consumed code whose event never reached SQLite
    await fx.redis.client.setbit(`{s0}:seen:${b.batchId}`, 499, 1);
    const lost = runAuditCli(fx.engine, cid);
    expect(lost.status).toBe(1);
    expect(lost.out).toMatch(/MISMATCH\s+codes\s+batch \d+: consumed codes with a first-scan event\s+351\s+350/);
  });
});
