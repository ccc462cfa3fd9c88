// The store's guarantees that span shards, on a real three-primary Redis Cluster (one shard per
// primary): a user's draw chances, tickets and cards live on the user's home shard, a campaign's stock
// is split over all three, and a draw pulls units across primaries; a user's first scans (满N次) are
// counted on every primary and credited on the home one. Under concurrency: a balance never
// goes below zero, a ticket is revealed once, a draw never wins beyond the stock, a set prize is never
// won beyond its stock; the audit reconciles all of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../testing/redis-cluster.js';
import { startEngine, type TestEngine } from '../testing/engine-process.js';
import { TestClient, type PrizeInput } from '../testing/test-client.js';
import { uniqueSku } from '../testing/fixtures.js';
import { ALL_SHARDS, homeIndex, keys, useShards } from '../redis/keys.js';

let cluster: TestCluster;
let engine: TestEngine;
let client: TestClient;

beforeAll(async () => {
  cluster = await startCluster();
  engine = await startEngine({ env: { REDIS_CLUSTER: cluster.seeds } });
  client = new TestClient(engine);
  // this process names shards as the engine does: to find users' home shards
  useShards(JSON.parse((await cluster.client.get(keys.shards)) as string) as string[]);
}, 60_000);

afterAll(async () => {
  useShards(['{s0}']);
  await engine?.stop();
  await cluster?.stop();
});

async function campaign(prizes: PrizeInput[], extra: Record<string, unknown> = {}): Promise<string> {
  const sku = uniqueSku();
  await client.createBatch({ sku, size: 10 });
  const id = `stc-${sku}`;
  await client.createLiveCampaign(id, sku, prizes, extra);
  return id;
}

/** `perShard` users of each of `shards` (home shard indexes; default all), each with one chance (or `count`) in the campaign */
async function usersWithChances(cid: string, prefix: string, perShard: number, count = 1, shards: readonly number[] = ALL_SHARDS.map((_, i) => i)): Promise<string[]> {
  const users: string[] = [];
  const per = new Map<number, number>();
  for (let i = 0; users.length < perShard * shards.length; i++) {
    const user = `${prefix}${i}`;
    const home = homeIndex(user);
    if (!shards.includes(home) || (per.get(home) ?? 0) >= perShard) continue;
    per.set(home, (per.get(home) ?? 0) + 1);
    users.push(user);
  }
  for (const user of users) expect((await client.grantChances(cid, { user, count, reason: 'pay', idempotencyKey: `k-${user}` })).status).toBe(200);
  return users;
}

describe('store guarantees on a three-primary cluster', () => {
  it('shards are on three primaries', () => {
    expect(ALL_SHARDS).toHaveLength(3);
  });

  it('a balance never goes below zero: of 8 concurrent draws per user with 3 chances, exactly 3 succeed', async () => {
    const cid = await campaign([{ id: 'p', kind: 'points', amount: 1, probability: 0.5 }]);
    const users = await usersWithChances(cid, 'neg_', 2, 3);
    const answers = await Promise.all(users.flatMap((user) => Array.from({ length: 8 }, () => client.draw(cid, user).then((a) => ({ user, a })))));
    for (const user of users) {
      const mine = answers.filter((x) => x.user === user).map((x) => x.a);
      expect(mine.filter((a) => a.status === 200).map((a) => a.body.chances).sort()).toEqual([0, 1, 2]);
      for (const a of mine.filter((x) => x.status !== 200)) expect(a.body.error.code).toBe('no_chances');
      expect((await engine.api('GET', `/v1/members/${user}`)).body.chances).toEqual({});
    }
  });

  // stock 2 split over three shards sits in the second and third: users of the first two win both
  // (the first shard's through a pull from another primary), never more
  it('draws win the stock wherever it sits, never beyond: stock 2, 16 concurrent draws by users of the first two shards', async () => {
    const cid = await campaign([{ id: 'mug', name: 'Mug', kind: 'gift', probability: 1, stock: 2 }]);
    const users = await usersWithChances(cid, 'stk_', 8, 1, [0, 1]);
    const answers = await Promise.all(users.map((user) => client.draw(cid, user)));
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(answers.filter((a) => a.body.outcome === 'won')).toHaveLength(2);
    for (const a of answers.filter((x) => x.body.outcome !== 'won')) expect(a.body.reason).toBe('out_of_stock');
    expect((await engine.api('GET', `/v1/campaigns/${cid}`)).body.prizes[0].stockLeft).toBe(0);
  });

  it('a set prize is won wherever its stock sits, never beyond: stock 2, 12 users of the first shard each completing the set', async () => {
    const cid = await campaign([{ id: 'solo', name: 'Solo', kind: 'card', set: 'one', probability: 1 }], { sets: [{ id: 'one', prize: { id: 'one-box', name: 'Box', kind: 'gift', stock: 2 } }] });
    const users = await usersWithChances(cid, 'set_', 12, 1, [0]);
    const answers = await Promise.all(users.map((user) => client.draw(cid, user)));
    for (const a of answers) expect(a.body).toMatchObject({ outcome: 'won', set: { id: 'one', completed: 1 } });
    expect(answers.filter((a) => a.body.set.prize !== null)).toHaveLength(2);
    for (const a of answers.filter((x) => x.body.set.prize === null)) expect(a.body.set.reason).toBe('out_of_stock');
  });

  it('a ticket is revealed once: 6 concurrent reveals of each user\'s ticket, users of every shard', async () => {
    const cid = await campaign([{ id: 'bottle', name: 'Bottle', kind: 'gift', probability: 1, stock: 100 }], { reveal: 'in_shop' });
    const users = await usersWithChances(cid, 'tkt_', 1);
    const shop = (await client.registerShop({ id: `shop-${cid}`, name: 'Flagship' })).body.id as string;
    const key = await client.shopKey(shop);
    for (const user of users) {
      const ticket = await client.draw(cid, user);
      expect(ticket.body).toMatchObject({ outcome: 'ticket', prize: null });
      const reveals = await Promise.all(Array.from({ length: 6 }, () => client.revealTicket(ticket.body.ticket.code, key)));
      expect(reveals.filter((r) => r.status === 200), user).toHaveLength(1);
      for (const r of reveals.filter((x) => x.status !== 200)) expect(r.status).toBe(409);
    }
  });

  it('满N次 across primaries: first scans counted on every primary, each 3rd grants one chance, of 6 concurrent draws exactly 3 succeed', async () => {
    const { batchId, campaignId: cid } = await client.batchWithLiveCampaign([{ id: 'p', kind: 'points', amount: 1, probability: 0.5 }], { size: 30, extra: { chances: { perScans: 3 } } });
    const scans = await Promise.all(Array.from({ length: 9 }, (_, i) => client.scan({ code: client.code(batchId, i), user: 'ps_user' })));
    for (const a of scans) expect(a.outcome).toMatch(/^(won|lost)$/);
    const draws = await Promise.all(Array.from({ length: 6 }, () => client.draw(cid, 'ps_user')));
    expect(draws.filter((a) => a.status === 200)).toHaveLength(3);
    for (const a of draws.filter((x) => x.status !== 200)) expect(a.body.error.code).toBe('no_chances');
    const grants = (await client.events()).filter((e) => e.type === 'chance' && e.campaignId === cid && e.reason === 'perScans');
    expect(grants.map((e) => e.scans).sort()).toEqual([3, 6, 9]);
  });

  it('the audit reconciles chances, tickets and the units draws took', async () => {
    const r = await engine.api('GET', '/v1/audit');
    expect(r.status).toBe(200);
    expect((r.body.rows as { ok: boolean }[]).filter((x) => !x.ok)).toEqual([]);
  });
});
