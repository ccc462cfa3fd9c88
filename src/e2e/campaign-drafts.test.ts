// Drafts and page settings: a draft covers no code and can be edited field by field; publishing checks
// the scope then; every bad page setting is a 400 naming the field; changes record the key's name.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { liveCampaign, uniqueSku } from '../testing/fixtures.js';
import { runAuditCli } from '../testing/audit.js';
import { eventually } from '../testing/eventually.js';

const fx = useEngine();

const PAGE = { brand: '好茶 <b>Tea</b>', productName: '龙井 250g', logoUrl: 'https://cdn.example.com/logo.png', color: '#C8102E', hotline: '400-800-1234', cta: { text: '关注公众号', url: 'https://example.com/follow' } };

describe('drafts', () => {
  it('a draft covers no code, takes edits of any field, and goes live when published', async () => {
    const sku = uniqueSku();
    const { batchId } = await fx.client.createBatch({ sku, size: 20 });
    const id = `draft-${sku}`;
    const created = await fx.client.createCampaign({ ...liveCampaign(id, sku, [{ id: 'g', name: 'Cup', kind: 'gift', probability: 1, stock: 5 }]), state: 'draft', page: PAGE, theme: 'mid-autumn', animation: 'scratch' });
    expect(created).toMatchObject({ page: { ...PAGE, color: '#c8102e' }, theme: 'mid-autumn', animation: 'scratch' });
    expect((await fx.client.get(`/v1/campaigns/${id}`)).state).toBe('draft');
    expect((await fx.client.get<{ campaigns: { id: string }[] }>('/v1/campaigns?state=draft')).campaigns.map((c) => c.id)).toContain(id);

    // covers nothing: the scan is a plain genuine check and consumes the code
    expect(await fx.client.scan({ code: fx.client.code(batchId, 1), user: 'u1' })).toMatchObject({ outcome: 'verified', campaignId: null });

    // any field may change while a draft; a bad one is a 400 naming it, and changes nothing
    const bad = await fx.engine.api('PATCH', `/v1/campaigns/${id}`, { prizes: [{ id: 'g', name: 'Cup', kind: 'gift', probability: 2 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('prizes[0].probability');
    const edited = await fx.client.patchCampaign(id, { name: 'Mid-autumn cups', prizes: [{ id: 'g', name: 'Thermos cup 保温杯', kind: 'gift', probability: 1, stock: 3, claim: 'Show the voucher at any store', redeemBy: '2099-12-31' }] });
    expect(edited).toMatchObject({ name: 'Mid-autumn cups', state: 'draft', page: { brand: PAGE.brand } });
    expect((edited.prizes as unknown[])[0]).toMatchObject({ name: 'Thermos cup 保温杯', stock: 3, stockLeft: 3, claim: 'Show the voucher at any store', redeemBy: '2099-12-31' });
    expect((await fx.engine.api('PATCH', `/v1/campaigns/${id}`, { id: 'other' })).status).toBe(400);

    // a live campaign over the same sku is allowed while this one is a draft; publishing then conflicts
    await fx.client.createLiveCampaign(`rival-${sku}`, sku, []);
    expect((await fx.engine.api('PATCH', `/v1/campaigns/${id}`, { state: 'live' })).status).toBe(409);
    await fx.client.patchCampaign(`rival-${sku}`, { state: 'ended' });

    // published by a named key: the change records its name
    const key = await fx.client.createKey('operator', 'Li Na (marketing)');
    expect((await fx.client.as(key.key).patchCampaign(id, { state: 'live' })).state).toBe('live');
    // the serial is drawn anew each time: a code consumed by a losing scan would only repeat
    const won = await eventually(() => fx.client.scan({ code: fx.client.code(batchId, 2 + Math.floor(Math.random() * 15)), user: 'u2' }), (r) => r.outcome === 'won');
    expect(won).toMatchObject({ outcome: 'won', campaignId: id, prize: { id: 'g', name: 'Thermos cup 保温杯' } });

    // published: the draw is fixed, the page's look can still change
    expect((await fx.engine.api('PATCH', `/v1/campaigns/${id}`, { name: 'x' })).status).toBe(400);
    const look = await fx.client.patchCampaign(id, { theme: 'spring-festival', page: { brand: 'Tea Co' } });
    expect(look).toMatchObject({ theme: 'spring-festival', animation: 'scratch', page: { brand: 'Tea Co' } });

    const events = await eventually(
      async () => (await fx.client.get<{ events: { type: string; campaignId: string }[] }>('/v1/events?limit=1000')).events.filter((e) => e.type === 'campaign' && e.campaignId === id),
      (e) => e.length === 4,
    );
    expect(events.map((e) => (e as unknown as { change: unknown }).change)).toEqual([{ created: true, state: 'draft' }, { fields: ['name', 'prizes'] }, { state: 'live', published: true }, { fields: ['theme', 'page'] }]);
    expect(events[2]).toMatchObject({ who: key.id, whoName: 'Li Na (marketing)' });

    const audit = runAuditCli(fx.engine, id);
    expect(audit.status, audit.out).toBe(0);
  });
});

describe('page settings', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['colour', { page: { color: 'red' } }, 'page.color'],
    ['logo over http', { page: { logoUrl: 'http://x.example/logo.png' } }, 'page.logoUrl'],
    ['logo as javascript', { page: { logoUrl: 'javascript:alert(1)' } }, 'page.logoUrl'],
    ['hotline', { page: { hotline: 'call us' } }, 'page.hotline'],
    ['cta without url', { page: { cta: { text: 'Join' } } }, 'page.cta.url'],
    ['unknown page field', { page: { font: 'x' } }, 'page.font'],
    ['theme', { theme: 'halloween' }, 'theme'],
    ['animation', { animation: 'fireworks' }, 'animation'],
    ['state', { state: 'paused' }, 'state'],
  ];
  it.each(cases)('a bad %s is a 400 naming %s', async (_what, extra, field) => {
    const sku = uniqueSku();
    const r = await fx.engine.api('POST', '/v1/campaigns', { ...liveCampaign(`bad-${sku}`, sku, []), ...extra });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain(field);
  });
  it('redeemBy is for vouchers (gift, coupon) only; claim is for any prize', async () => {
    const sku = uniqueSku();
    const r = await fx.engine.api('POST', '/v1/campaigns', liveCampaign(`rb-${sku}`, sku, [{ id: 'c', name: 'Cash', kind: 'cash', probability: 0.1, amount: 100, redeemBy: '2099-01-01' }]));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('prizes[0].redeemBy');
    const ok = await fx.client.createLiveCampaign(`rb2-${sku}`, sku, [{ id: 'c', name: 'Cash', kind: 'cash', probability: 0.1, amount: 100, claim: '红包将发放至您的微信零钱' }]);
    expect((ok as { prizes?: { claim: string }[] }).prizes?.[0]?.claim).toBe('红包将发放至您的微信零钱');
  });
});
