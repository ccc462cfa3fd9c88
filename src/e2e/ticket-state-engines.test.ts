// The ticket page with two engines on one Redis (a supported deployment): a ticket revealed in a shop
// through engine A, its state asked of engine B, whose own event store never held the reveal's event. The
// ticket's page, served by either engine, must uncover what the reveal drew (and the set its card completed).
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { TestClient } from '../testing/test-client.js';

const fx = useEngine();

describe('the ticket\'s state on another engine of the deployment', () => {
  it('a ticket revealed through engine A: engine B answers its result, although the reveal\'s event is in A\'s store only', async () => {
    const { campaignId } = await fx.client.batchWithLiveCampaign([{ id: 'tv', name: '智能电视 | 55"', kind: 'gift', probability: 1, stock: 3 }], {
      extra: { reveal: 'in_shop' },
    });
    expect((await fx.client.grantChances(campaignId, { user: 'buyer_1', count: 1, reason: '拼团成功', idempotencyKey: 'group-1' })).status).toBe(200);
    const sealed = await fx.client.draw(campaignId, 'buyer_1');
    expect(sealed.body.outcome).toBe('ticket');
    const code = sealed.body.ticket.code as string;
    const revealed = await fx.client.revealTicket(code, await fx.client.shopKey('s_tianhe'));
    expect(revealed.status).toBe(200);
    // A's persist step stores the reveal's event before B exists: B's store can never hold it
    const reveal = (await fx.client.events()).find((e) => e.type === 'reveal' && (e as { ticket?: string }).ticket === code);
    expect(reveal).toBeDefined();

    const b = await fx.anotherEngine();
    try {
      expect((await new TestClient(b).events()).some((e) => e.id === reveal!.id)).toBe(false);
      const state = await fetch(`${b.url}/t/${code}/state`);
      expect(state.status).toBe(200);
      const body = (await state.json()) as { ticket: string; state: string; result: { draw: { outcome: string; prize: { name: string } }; shop: string; set: unknown } | null };
      expect(body.ticket).toBe(code);
      expect(body.state).toBe('revealed');
      expect(body.result).not.toBeNull();
      expect(body.result!.draw.outcome).toBe('won');
      expect(body.result!.draw.prize.name).toBe('智能电视 | 55"');
      expect(body.result!.shop).toBe('s_tianhe');
      expect(body.result!.set).toBeNull();
    } finally {
      await b.stop();
    }
  });

  it('a revealed card that completes its set (集卡): the state names the set and its prize', async () => {
    const { campaignId } = await fx.client.batchWithLiveCampaign([{ id: 'leaf', name: '龙井卡', kind: 'card', set: 'tea', probability: 1 }], {
      extra: { reveal: 'in_shop', sets: [{ id: 'tea', prize: { id: 'tea-box', name: '名茶礼盒', kind: 'gift', stock: 2 } }] },
    });
    expect((await fx.client.grantChances(campaignId, { user: 'buyer_2', count: 1, reason: '支付有礼', idempotencyKey: 'pay-2' })).status).toBe(200);
    const code = (await fx.client.draw(campaignId, 'buyer_2')).body.ticket.code as string;
    expect((await fx.client.revealTicket(code, await fx.client.shopKey('s_xihu'))).status).toBe(200);
    const state = (await (await fetch(`${fx.engine.url}/t/${code}/state`)).json()) as { result: { draw: { prize: { name: string } }; set: { id: string; completed: number; prize: { name: string } } | null } };
    expect(state.result.draw.prize.name).toBe('龙井卡');
    expect(state.result.set).toMatchObject({ id: 'tea', completed: 1, prize: { name: '名茶礼盒' } });
  });
});
