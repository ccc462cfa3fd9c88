// The store's guarantees that span shards, on a real three-primary Redis Cluster (one shard per
// primary): a user's draw chances, tickets and cards live on the user's home shard, a campaign's stock
// is split over all three, and a draw pulls units across primaries; a user's first scans (满N次) are
// counted on every primary and credited on the home one. Under concurrency: a balance never
// goes below zero, a ticket is revealed once, a draw never wins beyond the stock, a set prize is never
// won beyond its stock; the audit reconciles all of it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../testing/redis-cluster.js';
import { startEngine, type TestEngine } from '../testing/engine-process.js';
import { TestClient, type PrizeInput, type StoredEvent } from '../testing/test-client.js';
import { uniqueSku } from '../testing/fixtures.js';
import { ALL_SHARDS, homeIndex, homeShard, keys, useShards } from '../redis/keys.js';
import { allEvents, waitForBacklog } from '../testing/events.js';
import { compileCampaign } from '../campaigns/compiled-campaign.js';
import type { Campaign } from '../campaigns/campaign.js';
import { VoucherCodec } from '../codes/voucher-codec.js';
import { ScanCards } from '../sets/scan-cards.js';

let cluster: TestCluster;
let engine: TestEngine;
let client: TestClient;
/** the data directory of a second engine, kept until the end: the audit reads every registered store */
let skippingDir: string | null = null;

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
  if (skippingDir !== null) rmSync(skippingDir, { recursive: true, force: true });
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

  describe('cards won by product scans (集卡), counted on the user\'s home shard', () => {
    /** a user's cards in a campaign, as GET /v1/members/{user} shows them */
    const cardsOf = async (user: string, cid: string): Promise<Record<string, number>> => (await engine.api('GET', `/v1/members/${user}`)).body.cards?.[cid]?.pair ?? {};
    let pairCampaign = '';
    const completedBy = new Map<string, string>();
    const countedOnly: string[] = [];

    it('concurrent scans of cards by users of every shard complete exactly the pairs held; set prizes won within stock', async () => {
      const stock = 4;
      const { batchId, campaignId: cid } = await client.batchWithLiveCampaign(
        [{ id: 'l', name: 'Left', kind: 'card', set: 'pair', probability: 0.5 }, { id: 'r', name: 'Right', kind: 'card', set: 'pair', probability: 0.5 }],
        { size: 60, extra: { sets: [{ id: 'pair', prize: { id: 'pair-box', name: 'Box', kind: 'gift', stock } }] } },
      );
      pairCampaign = cid;
      const users = ['cp_a', 'cp_b', 'cp_c', 'cp_d', 'cp_e', 'cp_f'];
      expect(new Set(users.map((u) => homeIndex(u))).size, 'users of more than one home shard').toBeGreaterThan(1);
      // 7 codes each (consecutive serials: every primary holds some), all scanned at once
      const answers = await Promise.all(users.flatMap((user, u) => Array.from({ length: 7 }, (_, i) => client.scan({ code: client.code(batchId, u * 7 + i), user }).then((a) => ({ user, a })))));
      let completions = 0;
      for (const user of users) {
        const mine = answers.filter((x) => x.user === user).map((x) => x.a);
        for (const a of mine) expect(a.outcome).toBe('won');
        const held = { l: mine.filter((a) => a.prize?.id === 'l').length, r: mine.filter((a) => a.prize?.id === 'r').length };
        const done = Math.min(held.l, held.r);
        const sets = mine.filter((a) => a.set !== undefined);
        expect(sets.map((a) => a.set!.completed).sort(), user).toEqual(Array.from({ length: done }, (_, i) => i + 1));
        // (a count of 0 is no field)
        expect(await cardsOf(user, cid), user).toEqual(Object.fromEntries(Object.entries({ ...held, done }).filter(([, n]) => n > 0)));
        completions += done;
        for (const a of sets) completedBy.set(a.eventId!, `${user}|${JSON.stringify(a.set)}`);
        const other = mine.find((a) => a.set === undefined);
        if (other !== undefined) countedOnly.push(`${user}|${other.eventId!}|${other.prize!.id}`);
      }
      const won = answers.filter((x) => x.a.set?.prize);
      expect(won).toHaveLength(Math.min(stock, completions));
      for (const x of answers.filter((y) => y.a.set !== undefined && y.a.set.prize === null)) expect(x.a.set!.reason).toBe('out_of_stock');
      // each completion is an event of its own, naming the scan
      const setEvents = (await client.events()).filter((e) => e.type === 'set' && e.campaignId === cid);
      expect(setEvents.map((e) => e.scanEventId).sort()).toEqual([...completedBy.keys()].sort());
      for (const e of setEvents) expect(e.id).toBe(`${e.scanEventId as string}-set`);
    });

    it('counting a scan\'s card is idempotent by its event id: the same event again counts nothing and answers the same set', async () => {
      expect(completedBy.size).toBeGreaterThan(0);
      const def = JSON.parse((await cluster.client.hget(keys.campaignDefs, pairCampaign)) as string) as Campaign;
      const c = compileCampaign(def);
      const cards = new ScanCards(cluster.client, new VoucherCodec(Buffer.alloc(32, 7), 'http://test'), null, Date.now);
      const before = new Map<string, Record<string, number>>();
      for (const user of ['cp_a', 'cp_b', 'cp_c', 'cp_d', 'cp_e', 'cp_f']) before.set(user, await cardsOf(user, pairCampaign));
      for (const [eventId, was] of completedBy) {
        const [user, setJson] = was.split(/\|(.*)/s) as [string, string];
        const set = JSON.parse(setJson) as { id: string; completed: number; prize: unknown; reason: string | null };
        // whichever card that scan won, a second count of its event counts nothing and answers the set it completed
        for (const id of ['l', 'r']) {
          const again = await cards.count(c, user, eventId, id);
          expect(again).toBe(`${set.id}|${set.completed}|${set.prize === null ? '' : JSON.stringify(set.prize)}|${set.reason ?? ''}`);
        }
      }
      for (const entry of countedOnly) {
        const [user, eventId, id] = entry.split('|') as [string, string, string];
        expect(await cards.count(c, user, eventId, id)).toBe('');
      }
      for (const [user, held] of before) expect(await cardsOf(user, pairCampaign), user).toEqual(held);
      const setEvents = (await client.events()).filter((e) => e.type === 'set' && e.campaignId === pairCampaign);
      expect(setEvents).toHaveLength(completedBy.size);
    });

    it('a card whose count the engine never made (as if it died between the scan and the count) is counted by the persist step, once; one it cannot count does not stall it', async () => {
      const { batchId, campaignId: cid } = await client.batchWithLiveCampaign(
        [{ id: 'solo', name: 'Solo', kind: 'card', set: 'pair', probability: 1 }],
        { size: 10, extra: { sets: [{ id: 'pair', prize: { id: 'solo-box', name: 'Box', kind: 'gift', stock: 10 } }] } },
      );
      // an engine started after the campaign was created knows it from its start; its store stays for the audit below
      skippingDir = mkdtempSync(join(tmpdir(), 'scanlot-skipping-'));
      const skipping = await startEngine({ dataDir: skippingDir, env: { REDIS_CLUSTER: cluster.seeds, SCANLOT_TEST_SKIP_CARD_COUNT: '1' } });
      try {
        const other = new TestClient(skipping);
        const answers = [];
        for (let serial = 0; serial < 3; serial++) answers.push(await other.scan({ code: other.code(batchId, serial), user: 'cp_skip' }));
        for (const a of answers) expect(a).toMatchObject({ outcome: 'won', prize: { id: 'solo' } });
        // the answers carry no set: the count was never made by the engine
        for (const a of answers) expect(a.set).toBeUndefined();
        // a card the script cannot count (the user's cards key holds a string) is left uncounted: the
        // stream does not stall behind it
        await cluster.client.set(keys.cards(homeShard('cp_poison'), 'cp_poison'), 'not a hash');
        expect(await other.scan({ code: other.code(batchId, 5), user: 'cp_poison' })).toMatchObject({ outcome: 'won' });
        await waitForBacklog(skipping);
        await waitForBacklog(engine);
        const held = (await engine.api('GET', '/v1/members/cp_skip')).body.cards?.[cid]?.pair;
        expect(held).toEqual({ solo: 3, done: 3 });
        // stored by either engine's persist step: both stores
        const stored = new Map<string, StoredEvent>();
        for (const e of [...(await allEvents(engine)), ...(await allEvents(skipping))] as StoredEvent[]) stored.set(e.id, e);
        const setEvents = [...stored.values()].filter((e) => e.type === 'set' && e.campaignId === cid);
        expect(setEvents.map((e) => e.scanEventId).sort()).toEqual(answers.map((a) => a.eventId!).sort());
        expect(setEvents.map((e) => (e.set as { completed: number }).completed).sort()).toEqual([1, 2, 3]);
        for (const e of setEvents) expect((e.set as { prize: { id: string } | null }).prize?.id).toBe('solo-box');
        // the persist step's set prize carries a voucher of the engine's CODE_SECRET: a shop can redeem it
        const voucher = (setEvents[0]!.set as { prize: { voucher?: { code: string } } }).prize.voucher?.code;
        expect(voucher).toMatch(/^[0-9A-Z]{20}$/);
        expect((await client.redeem(voucher!, 'shop-repair')).shop).toBe('shop-repair');
      } finally {
        await skipping.stop();
      }
    }, 120_000);
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
