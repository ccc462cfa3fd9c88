// Wins are found in the event stores of the deployment, not in Redis (docs/fulfilment.md, "Where a win
// is found"): an engine whose own store holds none of a user's wins counts them, redeems their vouchers
// and pays their payouts from the store of the engine that stored them, even when that engine is down;
// and a store written before the wins table had its wins written into it once, from its events.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useEngine } from '../testing/engine-fixture.js';
import { waitForBacklog } from '../testing/events.js';
import { TestClient } from '../testing/test-client.js';

const fx = useEngine();

/** the engine's event store (DATA_DIR/scanlot.db) */
const storeOf = (dataDir: string): Database.Database => new Database(join(dataDir, 'scanlot.db'));

async function winsScanned(user: string, n: number): Promise<{ gifts: { eventId: string; voucher: string }[]; cash: string[] }> {
  const { batchId } = await fx.client.batchWithLiveCampaign(
    [{ id: 'g', kind: 'gift', probability: 0.5 }, { id: 'c', kind: 'cash', probability: 0.5, amount: 5 }],
    { size: n },
  );
  const gifts: { eventId: string; voucher: string }[] = [];
  const cash: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await fx.client.scanSerial(batchId, i, { user });
    expect(r.body.outcome).toBe('won');
    if (r.body.prize.kind === 'gift') gifts.push({ eventId: r.body.eventId, voucher: r.body.prize.voucher.code });
    else cash.push(r.body.eventId);
  }
  await waitForBacklog(fx.engine);
  return { gifts, cash };
}

describe('wins in the event stores', () => {
  it("another engine, whose store holds none of them, counts a user's wins, redeems by voucher and pays, with the engine that stored them down", async () => {
    const user = 'stored.wins:u1';
    const { gifts, cash } = await winsScanned(user, 10);
    expect(gifts.length).toBeGreaterThan(0);
    expect(cash.length).toBeGreaterThan(0);
    await fx.engine.kill('SIGTERM');
    const otherDir = mkdtempSync(join(tmpdir(), 'scanlot-other-'));
    const other = await fx.anotherEngine({ dataDir: otherDir });
    try {
      const held = storeOf(otherDir);
      expect(held.prepare('SELECT count(*) AS n FROM wins').get()).toEqual({ n: 0 });
      held.close();
      expect((await other.api('GET', `/v1/members/${user}`)).body.wins).toBe(10);
      const client = new TestClient(other);
      const red = await client.redeem(gifts[0]!.voucher, 's_1');
      expect(red.shop).toBe('s_1');
      expect((await other.api('POST', '/v1/redemptions', { voucher: gifts[0]!.voucher, shop: 's_1' })).status).toBe(409);
      const pending = (await other.api('GET', '/v1/payouts?state=pending&limit=1000')).body.payouts.map((p: { eventId: string }) => p.eventId);
      expect(pending).toEqual(expect.arrayContaining(cash));
      const paid = await other.api('POST', `/v1/payouts/${cash[0]}`, { state: 'paid', reference: 'tx-1' });
      expect(paid.status, JSON.stringify(paid.body)).toBe(200);
      const listed = (await other.api('GET', '/v1/payouts?state=pending&limit=1000')).body.payouts.map((p: { eventId: string }) => p.eventId);
      expect(listed).not.toContain(cash[0]);
      expect((await other.api('GET', '/v1/payouts?state=paid&limit=1000')).body.payouts.map((p: { eventId: string }) => p.eventId)).toContain(cash[0]);
    } finally {
      await other.stop();
      rmSync(otherDir, { recursive: true, force: true });
      await fx.engine.restart();
    }
  });

  it('pending payouts page by page, past paid ones: each pending payout once, a short page still names the next, null at the end', async () => {
    const { cash } = await winsScanned('stored.wins:u3', 90);
    expect(cash.length).toBeGreaterThan(25);
    const sorted = [...cash].sort();
    // all but the last cash win paid: a page of one looks at 20 wins at most, so the first pages are short
    for (const id of sorted.slice(0, -1)) expect((await fx.engine.api('POST', `/v1/payouts/${id}`, { state: 'paid' })).status).toBe(200);
    const seen: string[] = [];
    let shortPages = 0;
    let after: string | null = sorted[0]!.slice(0, -1);
    for (let pages = 0; after !== null && pages < 100; pages++) {
      const page = await fx.engine.api('GET', `/v1/payouts?state=pending&limit=1&after=${encodeURIComponent(after)}`);
      expect(page.status).toBe(200);
      const ids = page.body.payouts.map((p: { eventId: string; state: string }) => p.eventId);
      if (ids.length === 0 && page.body.next !== null) shortPages++;
      seen.push(...ids.filter((id: string) => cash.includes(id)));
      after = page.body.next;
    }
    expect(after).toBeNull();
    expect(seen).toEqual([sorted[sorted.length - 1]]);
    expect(shortPages).toBeGreaterThan(0);
    const paid: string[] = [];
    for (let next: string | null = sorted[0]!.slice(0, -1), pages = 0; next !== null && pages < 100; pages++) {
      const page = await fx.engine.api('GET', `/v1/payouts?state=paid&limit=7&after=${encodeURIComponent(next)}`);
      paid.push(...page.body.payouts.map((p: { eventId: string }) => p.eventId).filter((id: string) => cash.includes(id)));
      next = page.body.next;
    }
    expect(paid).toEqual(sorted.slice(0, -1));
  });

  it('a store from before the wins table gets the wins of its events, once, when its engine starts', async () => {
    const user = 'stored.wins:u2';
    await winsScanned(user, 6);
    await fx.engine.kill('SIGTERM');
    const db = storeOf(fx.engine.dataDir);
    const before = db.prepare('SELECT * FROM wins ORDER BY id').all();
    expect(before.length).toBeGreaterThanOrEqual(6);
    db.exec('DROP TABLE wins');
    db.pragma('user_version = 0');
    db.close();
    await fx.engine.restart();
    const member = await fx.engine.api('GET', `/v1/members/${user}`);
    expect(member.body.wins, JSON.stringify(member.body)).toBe(6);
    const after = storeOf(fx.engine.dataDir);
    try {
      expect(after.prepare('SELECT * FROM wins ORDER BY id').all()).toEqual(before);
      expect(after.pragma('user_version', { simple: true })).toBe(1);
    } finally {
      after.close();
    }
  });
});
