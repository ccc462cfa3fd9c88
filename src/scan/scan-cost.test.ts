// Cost counters: how many commands Redis runs for each kind of scan (the `redis.call`s inside one call
// of the scan script, as a quiet engine sends it: one scan a call) and per persisted event (the persist
// step: read, acknowledge, aggregate figures), counted from INFO commandstats on a real Redis that
// nothing else talks to. The numbers are deterministic: each test holds a ceiling, so a change that adds
// work to every scan or event fails here until someone raises the ceiling on purpose (and says why in
// the commit). docs/cost.md has the budget these ceilings come from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { commandsDuring } from '../testing/command-counter.js';
import { CONSUMER_GROUP, keys } from '../redis/keys.js';
import { loadScript, runScript } from '../redis/scripts.js';
import { campaignStatic, readReply, ScanCall, type CampaignBelief, type ChosenPrize, type ScanArgs } from './scan-script-call.js';
import persistBatch from '../startup/persist-worker-entry.js';
import { EventIds } from './event-ids.js';

/**
 * Ceilings of `redis.call`s per scan of each kind, counted in a call of K scans of that kind (what a
 * scan adds to a call under load), and of the call's own fixed part (the clock, the batch's status, the
 * campaign's state: read once per call). What each pays for is in docs/cost.md. Raise one only on purpose.
 */
const SCAN_CEILINGS = {
  freshLost: 5,
  freshWonStock: 7,
  freshWonCapped: 9,
  pointsWin: 5,
  repeat: 6,
  blocked: 2,
} as const;
const CALL_CEILING = 4;
/** scans per call when the cost per scan is counted */
const K = 10;
/**
 * Redis commands per persisted event, for the bench's mix of outcomes (persist step included): 0.93 since
 * wins are found in the event stores (no user win index, pending payout index nor voucher index in Redis)
 */
const PERSIST_CEILING_PER_EVENT = 0.95;

const T = '{s0}';
const CAMPAIGN = 'cost';
const BATCH = 7;
const script = loadScript('scanCodes-1.lua');

const SPECS = [
  { id: 'coupon', stock: 1000, budget: null, dailyCap: null, perUserCap: null },
  { id: 'grand', stock: 1000, budget: null, dailyCap: 100, perUserCap: 1 },
  { id: 'pts', stock: null, budget: null, dailyCap: null, perUserCap: null },
  { id: 'red', stock: null, budget: 100_000, dailyCap: null, perUserCap: null },
];
const PRIZE_JSON: Record<string, string> = {
  coupon: '{"id":"coupon","name":"Coupon","kind":"coupon","amount":null,"voucher":{"code":"V1","url":"http://x/v/V1"}}',
  grand: '{"id":"grand","name":"Phone","kind":"gift","amount":null,"voucher":{"code":"V2","url":"http://x/v/V2"}}',
  pts: '{"id":"pts","name":"50 points","kind":"points","amount":50}',
  red: '{"id":"red","name":"Red packet","kind":"cash","amount":88}',
};

describe('cost counters on a real Redis', () => {
  let redis: TestRedis;
  let belief: CampaignBelief;
  let serial = 0;
  let seq = 0;

  beforeAll(async () => {
    redis = await startRedis();
    const now = Date.now();
    await redis.client.hset(keys.batchStatus(T), String(BATCH), 'a');
    await redis.client.hset(keys.campaignState(T, CAMPAIGN), 'state', 'live', 's:coupon', '1000', 's:grand', '1000', 'b:red', '100000');
    await redis.client.hset(keys.campaignDefs, CAMPAIGN, JSON.stringify({ id: CAMPAIGN, timezone: 'Asia/Shanghai' }));
    await redis.client.hset(keys.member(T, 'blocked_1'), 'blocked', '1');
    await redis.client.xgroup('CREATE', keys.events(T), CONSUMER_GROUP, '0', 'MKSTREAM');
    // the bench campaign's limits: per-user day counters are read and written on every scan
    const cs = campaignStatic(T, CAMPAIGN, now - 3_600_000, now + 3_600_000, { userScansPerDay: 1_000_000, userWinsPerDay: 1_000_000, ipScansPerMinute: null, limitModes: 'ss', geofence: 'off', positionRequired: false }, SPECS);
    belief = { campaign: cs, live: true, day: '20270301', dayStart: now - 3_600_000, dayEnd: now + 3_600_000, dayIndex: 0 };
  });
  afterAll(async () => redis?.stop());

  const ids = new EventIds();
  function scanArgs(prize: string | null, over: Partial<ScanArgs> = {}): ScanArgs {
    ++seq;
    // as the engine makes them: the id names the code's record (a repeat below reuses another serial: no win to find)
    const eventId = ids.forCode(Date.now(), BATCH, serial);
    const chosen: ChosenPrize[] = prize === null ? [] : [{ spec: SPECS.findIndex((p) => p.id === prize) + 1, json: PRIZE_JSON[prize] as string, amount: prize === 'red' ? 88 : prize === 'pts' ? 50 : 0 }];
    return {
      batchId: BATCH, serial: serial++, user: `u_${seq}`, eventId, head: `"id":"${eventId}","type":"scan","code":"C${seq}","batchId":${BATCH},"user":"u_${seq}","campaignId":"${CAMPAIGN}"`,
      campaign: belief, kind: 'item', shop: '', clerk: '', lat: null, lng: null, region: null, box: '', boxKm: 0, ip: '203.0.113.9',
      levelMap: prize === null ? '0000000000' : '1111111111', clerkChoice: 0, pre: '', short: '', chosen, ...over,
    };
  }

  /** one call of these scans: their outcomes and the commands it ran */
  async function call(scans: readonly ScanArgs[]): Promise<{ outcomes: string[]; total: number; byCommand: Readonly<Record<string, number>> }> {
    const c = new ScanCall(T, keys.events(T));
    for (const a of scans) c.add(a);
    let outcomes: string[] = [];
    const counted = await commandsDuring(redis.client, async () => {
      const reply = readReply(await runScript(redis.client, script, c.take(Date.now() + 60_000, Date.now())), scans.length);
      outcomes = reply.scans.map((r) => r[0]);
    });
    return { outcomes, ...counted };
  }

  /**
   * The commands one scan adds to a call, from a call of one such scan and a call of K: (cK - c1) / (K - 1),
   * and the call's fixed part c1 - perScan. `make` gives the scan of index i (fresh each call).
   */
  async function costOf(make: (i: number) => ScanArgs, outcome: string): Promise<{ perScan: number; fixed: number; detail: string }> {
    // a call first, not counted: once-a-day work (the TTL of a new campaign day's hash) is behind it
    await call([make(0)]);
    const one = await call([make(0)]);
    const many = await call(Array.from({ length: K }, (_, i) => make(i)));
    expect([...one.outcomes, ...many.outcomes]).toEqual(Array(K + 1).fill(outcome));
    const perScan = (many.total - one.total) / (K - 1);
    return { perScan, fixed: one.total - perScan, detail: `one scan: ${JSON.stringify(one.byCommand)}; ${K} scans: ${JSON.stringify(many.byCommand)}` };
  }

  it('a fresh scan that loses', async () => {
    const r = await costOf(() => scanArgs(null), 'lost');
    expect(r.perScan, r.detail).toBeLessThanOrEqual(SCAN_CEILINGS.freshLost);
    expect(r.fixed, r.detail).toBeLessThanOrEqual(CALL_CEILING);
  });
  it('a fresh scan that wins a prize with stock', async () => {
    const r = await costOf(() => scanArgs('coupon'), 'won');
    expect(r.perScan, r.detail).toBeLessThanOrEqual(SCAN_CEILINGS.freshWonStock);
    expect(r.fixed, r.detail).toBeLessThanOrEqual(CALL_CEILING);
  });
  it('a fresh scan that wins a prize with a daily cap and a per-user cap (new users: each wins once)', async () => {
    const r = await costOf(() => scanArgs('grand'), 'won');
    expect(r.perScan, r.detail).toBeLessThanOrEqual(SCAN_CEILINGS.freshWonCapped);
    expect(r.fixed, r.detail).toBeLessThanOrEqual(CALL_CEILING);
  });
  it('a fresh scan that wins points', async () => {
    const r = await costOf(() => scanArgs('pts'), 'won');
    expect(r.perScan, r.detail).toBeLessThanOrEqual(SCAN_CEILINGS.pointsWin);
    expect(r.fixed, r.detail).toBeLessThanOrEqual(CALL_CEILING);
  });
  it('a repeat by the same user', async () => {
    const firsts = Array.from({ length: K }, () => scanArgs('pts'));
    await call(firsts);
    const r = await costOf((i) => ({ ...scanArgs('pts'), serial: (firsts[i] as ScanArgs).serial, user: (firsts[i] as ScanArgs).user }), 'repeat');
    expect(r.perScan, r.detail).toBeLessThanOrEqual(SCAN_CEILINGS.repeat);
    expect(r.fixed, r.detail).toBeLessThanOrEqual(CALL_CEILING);
  });

  it('a blocked scan (blacklisted member)', async () => {
    const r = await costOf(() => scanArgs('pts', { user: 'blocked_1' }), 'blocked');
    expect(r.perScan, r.detail).toBeLessThanOrEqual(SCAN_CEILINGS.blocked);
    expect(r.fixed, r.detail).toBeLessThanOrEqual(CALL_CEILING);
  });

  it('a persisted event, in the bench mix of outcomes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scanlot-cost-'));
    try {
      // what the scans above left in the stream is stored first, outside the count
      const task = {
        target: { url: redis.url, cluster: null }, dbPath: join(dir, 'events.db'), stream: keys.events(T), tag: T, shards: [T],
        group: CONSUMER_GROUP, consumer: 'cost', count: 1000, mode: 'new' as const, blockMs: 10, claimIdleMs: 60_000,
      };
      while ((await persistBatch(task)).moved > 0);
      // 100 scans: the bench campaign's odds (about half points, a fifth cash, a few coupons, a quarter nothing), a tenth repeats
      const mix: (string | null)[] = [];
      for (let i = 0; i < 90; i++) mix.push(i % 20 < 10 ? 'pts' : i % 20 < 14 ? 'red' : i % 20 === 14 ? 'coupon' : null);
      const firsts: ScanArgs[] = [];
      for (const prize of mix) firsts.push(scanArgs(prize));
      await call([...firsts, ...firsts.slice(0, 10).map((f) => ({ ...scanArgs(null), serial: f.serial, user: f.user }))]);
      let moved = 0;
      const counted = await commandsDuring(redis.client, async () => {
        moved = (await persistBatch(task)).moved;
      });
      expect(moved).toBe(100);
      expect(counted.total / moved, JSON.stringify(counted.byCommand)).toBeLessThanOrEqual(PERSIST_CEILING_PER_EVENT);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
