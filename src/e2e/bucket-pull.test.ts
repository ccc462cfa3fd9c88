// Scans pull units between shards (SCANLOT_SHARDS=3 on one redis-server, the engine's BucketMover handed
// to the scan path): stock, budget and a day's cap that sit in other shards are won through codes routed
// to a shard whose bucket is empty; nothing is created, no transfer is left open, the audit is clean.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { runAuditCli } from '../testing/audit.js';

const TAGS = ['{s0}', '{s1}', '{s2}'];
const fx = useEngine({ shards: 3 });

async function setup(prize: Record<string, unknown>): Promise<{ batchId: number; cid: string; serialsIn: (shard: number, n: number) => number[] }> {
  const { batchId, campaignId: cid } = await fx.client.batchWithLiveCampaign([{ id: 'g', name: 'G', probability: 1, ...prize }], { size: 300 });
  const serialsIn = (shard: number, n: number): number[] => Array.from({ length: 300 }, (_, s) => s).filter((s) => (s + batchId) % 3 === shard).slice(0, n);
  return { batchId, cid, serialsIn };
}

const scanInOrder = async (batchId: number, serials: number[]): Promise<string[]> => {
  const out: string[] = [];
  for (const s of serials) {
    const r = await fx.client.scan({ code: fx.client.code(batchId, s), user: `u${batchId}-${s}` });
    out.push(r.reason ? `${r.outcome}/${r.reason}` : r.outcome);
  }
  return out;
};

const openMoves = async (cid: string): Promise<number> => (await Promise.all(TAGS.map((t) => fx.redis.client.hlen(`${t}:cp:${cid}:moves`)))).reduce((a, b) => a + b, 0);

describe('scans pull from other shards', () => {
  it('stock 1 sits in {s2}; a code of {s0} wins it, the next ones are out of stock', async () => {
    const { batchId, cid, serialsIn } = await setup({ kind: 'gift', stock: 1 });
    const state = async (): Promise<number[]> => Promise.all(TAGS.map(async (t) => Number(await fx.redis.client.hget(`${t}:cp:${cid}:state`, 's:g'))));
    expect(await state()).toEqual([0, 0, 1]);
    expect(await scanInOrder(batchId, [...serialsIn(0, 2), ...serialsIn(1, 2)])).toEqual(['won', 'lost/out_of_stock', 'lost/out_of_stock', 'lost/out_of_stock']);
    expect(await state()).toEqual([0, 0, 0]);
    expect(await openMoves(cid)).toBe(0);
    const audit = runAuditCli(fx.engine, cid);
    expect(audit.status, audit.out).toBe(0);
  });

  it('budget 300 of fixed 100 (100 a shard): three codes of {s0} win it all, the fourth is refused', async () => {
    const { batchId, cid, serialsIn } = await setup({ kind: 'cash', amount: 100, budget: 300 });
    expect(await scanInOrder(batchId, serialsIn(0, 4))).toEqual(['won', 'won', 'won', 'lost/budget']);
    const left = await Promise.all(TAGS.map(async (t) => Number(await fx.redis.client.hget(`${t}:cp:${cid}:state`, 'b:g'))));
    expect(left).toEqual([0, 0, 0]);
    const audit = runAuditCli(fx.engine, cid);
    expect(audit.status, audit.out).toBe(0);
    expect(audit.out).toMatch(/ok\s+budget\s+c-.*\/g: initial \+ top-ups = left \+ in transfer \+ won amounts\s+300\s+300\n/);
  });

  it('dailyCap 2 (shares 0, 1, 1): two codes of {s0} win today, then daily_cap; the moved cap units net to zero', async () => {
    const { batchId, cid, serialsIn } = await setup({ kind: 'gift', dailyCap: 2 });
    expect(await scanInOrder(batchId, serialsIn(0, 3))).toEqual(['won', 'won', 'lost/daily_cap']);
    const audit = runAuditCli(fx.engine, cid);
    expect(audit.status, audit.out).toBe(0);
    expect(audit.out).toMatch(/ok\s+transfer\s+c-.*\/g: daily-cap units moved between shards on \d{8} \+ in transfer net to 0\s+0\s+0\n/);
    // the two wins came in through moved cap units: {s0}'s day hash holds +2
    const day = /on (\d{8})/.exec(audit.out)?.[1] as string;
    expect(await fx.redis.client.hget(`{s0}:cp:${cid}:day:${day}`, 'c:g')).toBe('2');
  });
});
