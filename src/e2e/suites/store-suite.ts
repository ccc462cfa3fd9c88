// The store as a place, end to end over real HTTP on a real Redis (one shard, or `shards` shards of it): shops and scene codes, check-ins
// (once per user, shop and campaign day; position; what they grant), draw chances (granted once per
// idempotency key, never below zero under concurrency), draws under stock, and tickets revealed in the shop.
import { waitForBacklog } from '../../testing/events.js';
import { describe, expect, it } from 'vitest';
import { useEngine } from '../../testing/engine-fixture.js';
import { uniqueSku } from '../../testing/fixtures.js';
import { clearClockShift, shiftClockTo } from '../../testing/clock-shift.js';
import { ALL_SHARDS, homeIndex, useShards } from '../../redis/keys.js';
import type { ChanceGrant, CheckInRequest } from '../../testing/test-client.js';

/** the suite, against an engine on `shards` shards of one redis-server (default one) */
export function storeSuite(shards?: number): void {
  const fx = useEngine(shards === undefined ? {} : { shards });
  const DAY = 86_400_000;

  let shopSeq = 0;
  async function newShop(extra: Record<string, unknown> = {}): Promise<{ id: string; sceneCode: string; url: string }> {
    const id = `shop_${Date.now().toString(36)}_${shopSeq++}`;
    const r = await fx.client.registerShop({ id, name: `Shop ${id}`, lat: 23.13, lng: 113.26, radiusM: 300, region: 'Guangzhou', ...extra });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }

  async function campaign(prizes: Record<string, unknown>[], extra: Record<string, unknown> = {}): Promise<string> {
    const sku = uniqueSku();
    await fx.client.createBatch({ sku, size: 100 });
    const id = `st-${sku}`;
    await fx.client.createLiveCampaign(id, sku, prizes as never, extra);
    return id;
  }

  const checkIn = (body: CheckInRequest) => fx.client.checkIn(body);
  const grant = (cid: string, body: ChanceGrant) => fx.client.grantChances(cid, body);
  const draw = (cid: string, user: string) => fx.client.draw(cid, user);

  /** `n` users whose home shard is the engine's first: their draws are decided there */
  function usersOfFirstShard(prefix: string, n: number): string[] {
    const mine = ALL_SHARDS;
    // this process names shards as the engine does only to find the users' home shard
    useShards(Array.from({ length: shards ?? 1 }, (_, i) => `{s${i}}`));
    try {
      const out: string[] = [];
      for (let i = 0; out.length < n; i++) if (homeIndex(`${prefix}${i}`) === 0) out.push(`${prefix}${i}`);
      return out;
    } finally {
      useShards(mine);
    }
  }

  describe('shops and scene codes', () => {
    it('registers a shop once and serves its scene code as SVG, PNG and URL', async () => {
      const shop = await newShop();
      expect(shop.sceneCode).toMatch(/^[0-9A-Z]{24}$/);
      expect(shop.url).toMatch(new RegExp(`/s/${shop.sceneCode}$`));
      expect((await fx.client.registerShop({ id: shop.id, name: 'again' })).status).toBe(409);
      expect((await fx.engine.api('GET', `/v1/shops/${shop.id}`)).body.sceneCode).toBe(shop.sceneCode);
      expect((await fx.engine.api('GET', '/v1/shops')).body.shops.map((s: { id: string }) => s.id)).toContain(shop.id);
      const svgAnswer = await fx.engine.api('GET', `/v1/shops/${shop.id}/scene-code?format=svg`);
      expect(svgAnswer.status).toBe(200);
      expect(String(svgAnswer.body)).toContain('<svg');
      const png = await fx.engine.api('GET', `/v1/shops/${shop.id}/scene-code?format=png`);
      expect(png.status).toBe(200);
      const url = await fx.engine.api('GET', `/v1/shops/${shop.id}/scene-code?format=url`);
      expect(url.body).toMatchObject({ shop: shop.id, sceneCode: shop.sceneCode, url: shop.url });
      expect((await fx.engine.api('GET', `/v1/shops/${shop.id}/scene-code?format=gif`)).body.error.message).toMatch(/^format:/);
      expect((await fx.engine.api('GET', '/v1/shops/nope-shop')).status).toBe(404);
    });

    it('answers every bad field with a 400 naming it', async () => {
      const bad: [Record<string, unknown>, string][] = [
        [{ name: 'x' }, 'id'],
        [{ id: 'a b', name: 'x' }, 'id'],
        [{ id: 'ok1' }, 'name'],
        [{ id: 'ok2', name: 'x', lat: 91, lng: 1 }, 'lat'],
        [{ id: 'ok3', name: 'x', lat: 1 }, 'lng'],
        [{ id: 'ok4', name: 'x', radiusM: 0 }, 'radiusM'],
        [{ id: 'ok5', name: 'x', region: '' }, 'region'],
      ];
      for (const [body, field] of bad) {
        const r = await fx.client.registerShop(body);
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(r.body.error.message.startsWith(`${field}:`), r.body.error.message).toBe(true);
      }
    });
  });

  describe('check-ins', () => {
    it('once per user, shop and campaign day; grants points and chances; an event each; again the next day', async () => {
      const cid = await campaign([{ id: 'p', kind: 'points', amount: 5, probability: 0.1 }], { checkin: { points: 10, chances: 2 } });
      const shop = await newShop();
      await fx.engine.api('PUT', '/v1/members/ci_user', { level: 1 });
      const first = await checkIn({ sceneCode: shop.sceneCode, user: 'ci_user', campaignId: cid, lat: 23.1301, lng: 113.2601 });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body).toMatchObject({ outcome: 'checked_in', granted: { points: 10, chances: 2 }, chances: 2 });
      // concurrent repeats: none of them checks in again
      const again = await Promise.all(Array.from({ length: 8 }, () => checkIn({ sceneCode: shop.sceneCode, user: 'ci_user', campaignId: cid })));
      for (const r of again) {
        expect(r.status).toBe(409);
        expect(r.body.error.code).toBe('already_checked_in');
      }
      const member = await fx.engine.api('GET', '/v1/members/ci_user');
      expect(member.body.points).toBe(10);
      expect(member.body.chances).toEqual({ [cid]: 2 });
      // another shop the same day is another check-in
      const other = await newShop();
      expect((await checkIn({ sceneCode: other.sceneCode, user: 'ci_user', campaignId: cid })).status).toBe(201);
      const events = (await fx.client.events()).filter((e) => e.type === 'checkin' && e.user === 'ci_user');
      expect(events).toHaveLength(2);
      expect(events[0]).toMatchObject({ shop: shop.id, campaignId: cid, granted: { points: 10, chances: 2 }, chances: 2, points: 10 });

      // the next campaign day, the same shop takes the user again
      try {
        await shiftClockTo(fx.redis.client, Date.now() + DAY);
        await new Promise((r) => setTimeout(r, 1500));
        const next = await checkIn({ sceneCode: shop.sceneCode, user: 'ci_user', campaignId: cid });
        expect(next.status, JSON.stringify(next.body)).toBe(201);
        expect(next.body.chances).toBe(6);
      } finally {
        await clearClockShift(fx.redis.client);
        await new Promise((r) => setTimeout(r, 1500));
      }
    });

    it("a check-in's day and time are the shared clock's (Redis' TIME and its shift), not the engine's estimate of it", async () => {
      const cid = await campaign([], { checkin: { chances: 1 } });
      const today = await checkIn({ sceneCode: (await newShop()).sceneCode, user: 'clock_user', campaignId: cid });
      expect(today.status, JSON.stringify(today.body)).toBe(201);
      const shop = await newShop();
      try {
        const shifted = Date.now() + DAY;
        await shiftClockTo(fx.redis.client, shifted);
        // at once: the engine reads the shift only every second, and has not heard of it yet
        const next = await checkIn({ sceneCode: shop.sceneCode, user: 'clock_user', campaignId: cid });
        expect(next.status, JSON.stringify(next.body)).toBe(201);
        expect(next.body.checkin.day).not.toBe(today.body.checkin.day);
        expect(Math.abs(Date.parse(next.body.checkin.at) - shifted)).toBeLessThan(60_000);
        const event = (await fx.client.events()).find((e) => e.type === 'checkin' && e.id === next.body.checkin.eventId);
        expect(event).toMatchObject({ at: next.body.checkin.at, day: next.body.checkin.day });
      } finally {
        await clearClockShift(fx.redis.client);
        await new Promise((r) => setTimeout(r, 1500));
      }
    });

    it('position: required refuses a check-in without one; outside the radius is refused; forged scene codes never count', async () => {
      const cid = await campaign([], { checkin: { position: 'required', chances: 1 } });
      const shop = await newShop();
      const none = await checkIn({ sceneCode: shop.sceneCode, user: 'pos_user', campaignId: cid });
      expect(none.body).toMatchObject({ outcome: 'blocked', reason: 'no_position', checkin: null });
      const far = await checkIn({ sceneCode: shop.sceneCode, user: 'pos_user', campaignId: cid, lat: 23.2, lng: 113.26 });
      expect(far.body).toMatchObject({ outcome: 'blocked', reason: 'geofence' });
      const near = await checkIn({ sceneCode: shop.sceneCode, user: 'pos_user', campaignId: cid, lat: 23.131, lng: 113.26 });
      expect(near.status).toBe(201);
      const forged = shop.sceneCode.slice(0, -1) + (shop.sceneCode.endsWith('0') ? '1' : '0');
      expect((await checkIn({ sceneCode: forged, user: 'pos_user', campaignId: cid })).body.error.code).toBe('invalid_code');
      for (const [body, field] of [
        [{ user: 'u' }, 'sceneCode'],
        [{ sceneCode: shop.sceneCode }, 'user'],
        [{ sceneCode: shop.sceneCode, user: 'u', lat: 1 }, 'lng'],
        [{ sceneCode: shop.sceneCode, user: 'u', campaignId: 'a b' }, 'campaignId'],
      ] as const) {
        const r = await checkIn(body);
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(r.body.error.message.startsWith(`${field}:`), r.body.error.message).toBe(true);
      }
    });
  });

  describe('draw chances', () => {
    it('a grant applies once per idempotency key; the same key with another request is 409', async () => {
      const cid = await campaign([{ id: 'p', kind: 'points', amount: 1, probability: 0.5 }]);
      const body = { user: 'g_user', count: 3, reason: '拼团成功', idempotencyKey: 'order-1' };
      const answers = await Promise.all(Array.from({ length: 6 }, () => grant(cid, body)));
      for (const a of answers) expect(a.body).toEqual({ user: 'g_user', campaignId: cid, chances: 3 });
      expect((await grant(cid, { ...body, count: 4 })).status).toBe(409);
      expect((await grant(cid, { ...body, idempotencyKey: 'order-2' })).body.chances).toBe(6);
      expect((await fx.engine.api('GET', '/v1/members/g_user')).body.chances).toEqual({ [cid]: 6 });
      const grants = (await fx.client.events()).filter((e) => e.type === 'chance' && e.user === 'g_user');
      expect(grants.map((e) => e.delta)).toEqual([3, 3]);
      for (const [b, field] of [
        [{ ...body, user: undefined }, 'user'],
        [{ ...body, count: 0 }, 'count'],
        [{ ...body, reason: '' }, 'reason'],
        [{ ...body, idempotencyKey: undefined }, 'idempotencyKey'],
      ] as const) {
        const r = await grant(cid, b);
        expect(r.status).toBe(400);
        expect(r.body.error.message.startsWith(`${field}:`), r.body.error.message).toBe(true);
      }
      expect((await grant('no-such-campaign', body)).status).toBe(404);
    });

    it('never below zero: of concurrent draws, exactly the balance succeed; each spend an event', async () => {
      const cid = await campaign([{ id: 'p', kind: 'points', amount: 1, probability: 0.5 }]);
      await grant(cid, { user: 'd_user', count: 5, reason: 'pay', idempotencyKey: 'k1' });
      const answers = await Promise.all(Array.from({ length: 20 }, () => draw(cid, 'd_user')));
      const ok = answers.filter((a) => a.status === 200);
      expect(ok).toHaveLength(5);
      for (const a of answers.filter((x) => x.status !== 200)) {
        expect(a.status).toBe(409);
        expect(a.body.error.code).toBe('no_chances');
      }
      expect(ok.map((a) => a.body.chances).sort()).toEqual([0, 1, 2, 3, 4]);
      for (const a of ok) expect(['won', 'lost']).toContain(a.body.outcome);
      expect((await fx.engine.api('GET', '/v1/members/d_user')).body.chances).toEqual({});
      const spends = (await fx.client.events()).filter((e) => e.type === 'chance' && e.user === 'd_user' && e.delta === -1);
      expect(spends).toHaveLength(5);
      for (const e of spends) expect(e.draw).toHaveProperty('outcome');
      expect((await fx.engine.api('POST', '/v1/draws', { user: 'd_user' })).body.error.message).toMatch(/^campaignId:/); // no typed call sends a draw without its campaign
    });

    it('a draw obeys the stock: of 12 concurrent draws of a prize of 3 units, 3 win', async () => {
      const cid = await campaign([{ id: 'mug', name: 'Mug', kind: 'gift', probability: 1, stock: 3 }]);
      await Promise.all(Array.from({ length: 12 }, (_, i) => grant(cid, { user: `s_user${i}`, count: 1, reason: 'pay', idempotencyKey: 'k' })));
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => draw(cid, `s_user${i}`)));
      const won = answers.filter((a) => a.body.outcome === 'won');
      expect(won).toHaveLength(3);
      for (const a of won) expect(a.body.prize.voucher.code).toMatch(/^[0-9A-Z]{20}$/);
      // a won draw is a win like a scan's: on the member's list, its voucher redeemed once in a shop
      const first = won[0]!.body;
      const redeem = async () => fx.engine.api('POST', '/v1/redemptions', { voucher: first.prize.voucher.code, shop: 's_store' }); // fulfilment's route, not the store's
      // the voucher is indexed by the persist step (a redemption answers an unknown voucher at once)
      await waitForBacklog(fx.engine);
      const r = await redeem();
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ eventId: first.eventId, prize: { id: 'mug' } });
      expect((await redeem()).status).toBe(409);
      for (const a of answers.filter((x) => x.body.outcome !== 'won')) expect(a.body).toMatchObject({ outcome: 'lost', reason: 'out_of_stock', prize: null });
      expect((await fx.engine.api('GET', `/v1/campaigns/${cid}`)).body.prizes[0].stockLeft).toBe(0);
    });
  });

  describe('draws on one home shard, units in the others', () => {
    // 2 units (or a cap of 2, a budget of two wins) split over three shards sit in the second and third
    // (a third of 2 is 0 for the first, one each for the others): users of the first shard win them all
    // through pulls; with one shard they are there already. Never more than the total.
    const cases: [string, Record<string, unknown>[], Record<string, unknown>, (b: { prize: { id: string } | null; set: { prize: unknown } | null }) => boolean, string][] = [
      ['stock', [{ id: 'cup', name: 'Cup', kind: 'gift', probability: 1, stock: 2 }], {}, (b) => b.prize?.id === 'cup', 'out_of_stock'],
      ['budget', [{ id: 'cash', name: 'Cash', kind: 'points', amount: 100, probability: 1, budget: 200 }], {}, (b) => b.prize?.id === 'cash', 'budget'],
      ['dailyCap', [{ id: 'pen', name: 'Pen', kind: 'points', amount: 1, probability: 1, dailyCap: 2 }], {}, (b) => b.prize?.id === 'pen', 'daily_cap'],
      ['set prize stock', [{ id: 'solo', name: 'Solo', kind: 'card', set: 'one', probability: 1 }], { sets: [{ id: 'one', prize: { id: 'one-box', name: 'Box', kind: 'gift', stock: 2 } }] }, (b) => b.set?.prize !== null && b.set?.prize !== undefined, 'out_of_stock'],
    ];
    for (const [name, prizes, extra, won, reason] of cases) {
      it(`${name} 2: of 8 concurrent draws by users of one home shard, exactly 2 win`, async () => {
        const cid = await campaign(prizes, extra);
        const users = usersOfFirstShard(`pull_${name.replace(/ /g, '_')}_`, 8);
        await Promise.all(users.map((user) => grant(cid, { user, count: 1, reason: 'pay', idempotencyKey: 'k' })));
        const answers = await Promise.all(users.map((user) => draw(cid, user)));
        for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(200);
        const wins = answers.filter((a) => won(a.body));
        expect(wins, JSON.stringify(answers.map((a) => a.body))).toHaveLength(2);
        for (const a of answers.filter((x) => !won(x.body))) expect(a.body.reason ?? a.body.set?.reason).toBe(reason);
      });
    }
  });

  describe('draws revealed in the shop', () => {
    it('a draw answers a sealed ticket; a shop key reveals it once; a check-in at the shop reveals the user\'s tickets', async () => {
      const cid = await campaign([{ id: 'bottle', name: 'Bottle', kind: 'gift', probability: 1, stock: 10 }], { reveal: 'in_shop', checkin: {} });
      await grant(cid, { user: 't_user', count: 2, reason: 'pay', idempotencyKey: 'k' });
      const a = await draw(cid, 't_user');
      expect(a.body).toMatchObject({ outcome: 'ticket', prize: null, chances: 1 });
      expect(a.body.ticket.code).toMatch(/^[0-9A-Z]{20}$/);
      expect(a.body.ticket.url).toMatch(new RegExp(`/t/${a.body.ticket.code}$`));

      // the ticket's page: its QR code while open
      const ticketPage = async (): Promise<string> => (await (await fetch(`${fx.engine.url}/t/${a.body.ticket.code}`)).text());
      expect(await ticketPage()).toContain('data-state="open"');
      expect((await fetch(`${fx.engine.url}/t/0000000000000000000A`)).status).toBe(404);
      const shop = await newShop();
      const key = await fx.client.shopKey(shop.id);
      const reveal = (ticket: string) => fx.client.revealTicket(ticket, key);
      const reveals = await Promise.all(Array.from({ length: 5 }, () => reveal(a.body.ticket.code)));
      const done = reveals.filter((r) => r.status === 200);
      expect(done).toHaveLength(1);
      expect(done[0]!.body).toMatchObject({ outcome: 'won', shop: shop.id, prize: { id: 'bottle' } });
      for (const r of reveals.filter((x) => x.status !== 200)) expect(r.status).toBe(409);
      expect((await reveal('0000000000000000000A')).status).toBe(404);
      expect(await ticketPage()).toContain('data-state="revealed"');

      // the second ticket: its user checks in at the shop
      const b = await draw(cid, 't_user');
      const at = await checkIn({ sceneCode: shop.sceneCode, user: 't_user', campaignId: cid });
      expect(at.status).toBe(201);
      expect(at.body.reveals).toHaveLength(1);
      expect(at.body.reveals[0]).toMatchObject({ outcome: 'won', ticket: { code: b.body.ticket.code } });
      expect((await reveal(b.body.ticket.code)).status).toBe(409);
      const events = (await fx.client.events()).filter((e) => e.type === 'reveal' && e.user === 't_user');
      expect(events).toHaveLength(2);
    });
  });

  describe('collect the set', () => {
    it('the draw that completes a set wins its prize in the same step, once per completion, never beyond its stock', async () => {
      const cid = await campaign([
        { id: 'rat', name: 'Rat', kind: 'card', set: 'zodiac', probability: 0.5 },
        { id: 'ox', name: 'Ox', kind: 'card', set: 'zodiac', probability: 0.5 },
      ], { sets: [{ id: 'zodiac', prize: { id: 'zodiac-box', name: 'Zodiac box', kind: 'gift', stock: 3 } }] });
      const users = Array.from({ length: 6 }, (_, i) => `card_user${i}`);
      await Promise.all(users.map((user) => grant(cid, { user, count: 8, reason: 'pay', idempotencyKey: 'k' })));
      const answers = await Promise.all(users.flatMap((user) => Array.from({ length: 8 }, () => draw(cid, user).then((a) => ({ user, a })))));
      for (const { a } of answers) expect(a.status, JSON.stringify(a.body)).toBe(200);
      let completions = 0;
      let setWins = 0;
      for (const user of users) {
        const mine = answers.filter((x) => x.user === user).map((x) => x.a.body);
        const rat = mine.filter((b) => b.prize?.id === 'rat').length;
        const ox = mine.filter((b) => b.prize?.id === 'ox').length;
        const done = mine.filter((b) => b.set !== null);
        // once per completion: as many as the pairs the user holds, each by the draw that made the pair
        expect(done).toHaveLength(Math.min(rat, ox));
        for (const b of done) expect(b.set.id).toBe('zodiac');
        expect(done.map((b) => b.set.completed).sort()).toEqual(Array.from({ length: done.length }, (_, i) => i + 1));
        completions += done.length;
        setWins += done.filter((b) => b.set.prize !== null).length;
        const member = (await fx.engine.api('GET', `/v1/members/${user}`)).body;
        expect(member.cards[cid]?.zodiac ?? {}).toEqual({ ...(rat ? { rat } : {}), ...(ox ? { ox } : {}), ...(done.length ? { done: done.length } : {}) });
      }
      expect(completions).toBeGreaterThan(3);
      // the set prize: never beyond its stock, and not refused while stock was left
      expect(setWins).toBe(3);
      for (const { a } of answers) if (a.body.set?.prize === null) expect(a.body.set.reason).toBe('out_of_stock');
      const live = (await fx.engine.api('GET', `/v1/campaigns/${cid}`)).body;
      expect(live.sets).toEqual([{ id: 'zodiac', cards: ['rat', 'ox'], prize: expect.objectContaining({ id: 'zodiac-box', stock: 3 }) }]);
      const events = (await fx.client.events()).filter((e) => e.type === 'chance' && e.campaignId === cid && (e.draw as { set?: unknown } | undefined)?.set);
      expect(events).toHaveLength(completions);
    });

    // a user's cards live on the user's home shard, out of reach of the code's shard's call: one shard only
    it.skipIf((shards ?? 1) > 1)('the first scan whose card completes a set wins its prize in the same step, once per completion, never beyond its stock; its voucher redeems once', async () => {
      const { batchId, campaignId: cid } = await fx.client.batchWithLiveCampaign([
        { id: 'rat', name: 'Rat', kind: 'card', set: 'zodiac', probability: 0.5 },
        { id: 'ox', name: 'Ox', kind: 'card', set: 'zodiac', probability: 0.5 },
      ], { size: 60, extra: { sets: [{ id: 'zodiac', prize: { id: 'zodiac-box', name: 'Zodiac box', kind: 'gift', stock: 3 } }] } });
      const users = Array.from({ length: 6 }, (_, i) => `scard_user${i}`);
      const answers = await Promise.all(users.flatMap((user, u) => Array.from({ length: 8 }, (_, i) => fx.client.scan({ code: fx.client.code(batchId, u * 8 + i), user }).then((a) => ({ user, a })))));
      let completions = 0;
      const setWins: { eventId: string; voucher: string }[] = [];
      for (const user of users) {
        const mine = answers.filter((x) => x.user === user).map((x) => x.a);
        for (const a of mine) expect(a.outcome).toBe('won');
        const rat = mine.filter((a) => a.prize?.id === 'rat').length;
        const ox = mine.filter((a) => a.prize?.id === 'ox').length;
        const done = mine.filter((a) => a.set !== undefined);
        // once per completion: as many as the pairs the user holds, each by the scan that made the pair
        expect(done).toHaveLength(Math.min(rat, ox));
        expect(done.map((a) => a.set!.completed).sort()).toEqual(Array.from({ length: done.length }, (_, i) => i + 1));
        completions += done.length;
        for (const a of done) {
          expect(a.set!.id).toBe('zodiac');
          if (a.set!.prize === null) expect(a.set!.reason).toBe('out_of_stock');
          else setWins.push({ eventId: a.eventId!, voucher: a.set!.prize.voucher!.code });
        }
        const member = (await fx.engine.api('GET', `/v1/members/${user}`)).body;
        expect(member.cards[cid]?.zodiac ?? {}).toEqual({ ...(rat ? { rat } : {}), ...(ox ? { ox } : {}), ...(done.length ? { done: done.length } : {}) });
      }
      expect(completions).toBeGreaterThan(3);
      // never beyond its stock, and not refused while stock was left
      expect(setWins).toHaveLength(3);
      // each completion is an event of its own; the set prize is a win: its voucher redeems once
      const events = (await fx.client.events()).filter((e) => e.type === 'set' && e.campaignId === cid);
      expect(events).toHaveLength(completions);
      const won = setWins[0]!;
      expect(events.find((e) => e.id === `${won.eventId}-set`)).toMatchObject({ scanEventId: won.eventId, set: { id: 'zodiac', prize: { id: 'zodiac-box' } } });
      const r = await fx.engine.api('POST', '/v1/redemptions', { voucher: won.voucher, shop: 's_set' });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ eventId: `${won.eventId}-set`, prize: { id: 'zodiac-box' } });
      expect((await fx.engine.api('POST', '/v1/redemptions', { voucher: won.voucher, shop: 's_set' })).status).toBe(409);
    });

    it('answers a bad set definition with a 400 naming the field', async () => {
      const sku = uniqueSku();
      const card = { id: 'rat', name: 'Rat', kind: 'card', set: 'zodiac', probability: 0.5 };
      const bad: [Record<string, unknown>[], unknown, string][] = [
        [[{ ...card, set: undefined }], undefined, 'prizes[0].set'],
        [[card], undefined, 'prizes[0].set'],
        [[card], [{ id: 'zodiac', prize: { id: 'box', name: 'Box', kind: 'card' } }], 'sets[0].prize.set'],
        [[card], [{ id: 'zodiac' }], 'sets[0].prize'],
        [[card], [{ id: 'zodiac', prize: { id: 'box', name: 'Box', kind: 'gift' } }, { id: 'other', prize: { id: 'box2', name: 'Box', kind: 'gift' } }], 'sets'],
      ];
      for (const [prizes, sets, field] of bad) {
        const r = await fx.engine.api('POST', '/v1/campaigns', { id: `bad-${sku}`, startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + DAY).toISOString(), scope: { skus: [sku] }, prizes, ...(sets ? { sets } : {}) });
        expect(r.status, JSON.stringify([prizes, sets])).toBe(400);
        expect(r.body.error.message.startsWith(`${field}:`), r.body.error.message).toBe(true);
      }
    });
  });

  describe('chances by scans (满N次)', () => {
    it('every 3rd counted first scan of a user grants a chance, with its event; repeats do not count', async () => {
      const { batchId, campaignId: cid } = await fx.client.batchWithLiveCampaign([{ id: 'p', kind: 'points', amount: 1, probability: 0.5 }], { size: 20, extra: { chances: { perScans: 3 } } });
      for (let serial = 0; serial < 7; serial++) expect((await fx.client.scan({ code: fx.client.code(batchId, serial), user: 'n_user' })).outcome).toMatch(/^(won|lost)$/);
      // a repeat is no counted first scan; another user's scans count for that user
      await fx.client.scan({ code: fx.client.code(batchId, 0), user: 'n_user' });
      await fx.client.scan({ code: fx.client.code(batchId, 10), user: 'n_other' });
      expect((await fx.engine.api('GET', '/v1/members/n_user')).body.chances).toEqual({ [cid]: 2 });
      expect((await fx.engine.api('GET', '/v1/members/n_other')).body.chances).toEqual({});
      const grants = (await fx.client.events()).filter((e) => e.type === 'chance' && e.campaignId === cid);
      expect(grants.map((e) => [e.user, e.delta, e.scans, e.chances, e.source])).toEqual([
        ['n_user', 1, 3, 1, 'scan'],
        ['n_user', 1, 6, 2, 'scan'],
      ]);
      for (const e of grants) expect(Math.abs(Date.parse(e.at) - Date.now())).toBeLessThan(120_000);
      expect((await draw(cid, 'n_user')).status).toBe(200);
    });

    it('a check-in answers the chances scans earned before it (on several shards too, where the home shard credits them)', async () => {
      const { batchId, campaignId: cid } = await fx.client.batchWithLiveCampaign([{ id: 'p', kind: 'points', amount: 1, probability: 0.5 }], { size: 20, extra: { chances: { perScans: 3 }, checkin: { points: 0, chances: 1 } } });
      const shop = await newShop();
      // three first scans of consecutive serials: with several shards, one on each
      for (let serial = 0; serial < 3; serial++) expect((await fx.client.scan({ code: fx.client.code(batchId, serial), user: 'nci_user' })).outcome).toMatch(/^(won|lost)$/);
      const r = await checkIn({ sceneCode: shop.sceneCode, user: 'nci_user', campaignId: cid });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      // one chance for the 3rd scan, one for the check-in
      expect(r.body).toMatchObject({ outcome: 'checked_in', granted: { chances: 1 }, chances: 2 });
    });

    it('under concurrency each N-th counted first scan grants one chance: concurrent scans, draws and balance reads', async () => {
      const { batchId, campaignId: cid } = await fx.client.batchWithLiveCampaign([{ id: 'p', kind: 'points', amount: 1, probability: 0.5 }], { size: 40, extra: { chances: { perScans: 3 } } });
      const users = ['nc_a', 'nc_b'];
      // 10 first scans each, all at once (with several shards their codes sit in every shard)
      const scans = await Promise.all(users.flatMap((user, u) => Array.from({ length: 10 }, (_, i) => fx.client.scan({ code: fx.client.code(batchId, u * 20 + i), user }))));
      for (const a of scans) expect(a.outcome).toMatch(/^(won|lost)$/);
      const answers = await Promise.all(users.flatMap((user) => [
        ...Array.from({ length: 6 }, () => draw(cid, user).then((a) => ({ user, a }))),
        ...Array.from({ length: 3 }, () => fx.engine.api('GET', `/v1/members/${user}`).then(() => null)),
      ]));
      for (const user of users) {
        const mine = answers.filter((x): x is NonNullable<typeof x> => x !== null && x.user === user).map((x) => x.a);
        expect(mine.filter((a) => a.status === 200), user).toHaveLength(3);
        for (const a of mine.filter((x) => x.status !== 200)) expect(a.body.error.code).toBe('no_chances');
      }
      const grants = (await fx.client.events()).filter((e) => e.type === 'chance' && e.campaignId === cid && e.reason === 'perScans');
      for (const user of users) expect(grants.filter((e) => e.user === user).map((e) => e.scans).sort()).toEqual([3, 6, 9]);
    });
  });

  describe('the audit', () => {
    it('reconciles chances (granted = spent + left), tickets, check-ins, and the units draws took, for every campaign above', async () => {
      const r = await fx.engine.api('GET', '/v1/audit');
      expect(r.status, fx.engine.output().slice(-1500)).toBe(200);
      const bad = (r.body.rows as { ok: boolean }[]).filter((x) => !x.ok);
      expect(bad).toEqual([]);
      const checks = new Set((r.body.rows as { check: string }[]).map((x) => x.check));
      for (const c of ['chances', 'tickets', 'checkins', 'stock']) expect(checks).toContain(c);
    });
  });
}
