// A receiver that rejects one event (400) forever: the events around it are delivered, it lands in the
// dead letters, an operator sees it and replays it (here through the CLI command), and once the receiver
// takes it, it is delivered.
import { describe, expect, it, vi } from 'vitest';
import { TEST_TOKEN } from '../testing/engine-process.js';
import { useEngine } from '../testing/engine-fixture.js';
import { uniqueSku } from '../testing/fixtures.js';
import { health, scanRange, waitFor } from '../testing/dcrm-receiver.js';
import { dcrmReplay } from '../cli/dcrm-commands.js';

const fx = useEngine({ dcrm: { listen: true, env: { SCANLOT_DCRM_POISON_ATTEMPTS: '3', SCANLOT_DCRM_RETRY_MAX_MS: '50' } } });

const deadLetters = async (state = 'dead'): Promise<any> => (await fx.engine.api('GET', `/v1/dcrm/dead-letters?state=${state}`)).body;

describe('a poison event', () => {
  it('is isolated into the dead letters without holding back the others, listed, and replayed', async () => {
    let poison: string | null = null;
    let acceptPoison = false;
    // until the test knows which event is poison, the DCRM is unavailable
    fx.receiver.handler = (b) => (poison === null ? 503 : b.ids.includes(poison) && !acceptPoison ? 400 : 200);
    const b = await fx.client.createBatch({ sku: uniqueSku(), size: 300 });
    const ids = await scanRange(fx.engine, b.batchId, 0, 300, (s) => `u${s % 5}`);
    poison = ids[137] as string;

    await waitFor('all but the poison event delivered', () => fx.receiver.acceptedIds().length >= 299);
    await waitFor('the poison event dead-lettered', async () => (await deadLetters()).counts.dead === 1);
    expect(new Set(fx.receiver.acceptedIds())).toEqual(new Set(ids.filter((id) => id !== poison)));
    expect((await health(fx.engine)).outbox).toBe(0);

    const dl = await deadLetters();
    expect(dl.deadLetters).toHaveLength(1);
    expect(dl.deadLetters[0]).toMatchObject({ id: poison, state: 'dead', status: 400, attempts: 3, error: '{"error":"answered 400"}', replayedAt: null });
    expect(dl.deadLetters[0].event).toMatchObject({ id: poison, type: 'scan', serial: 137 });
    expect(dl.counts).toEqual({ dead: 1, queued: 0, delivered: 0 });
    expect(fx.engine.output()).toMatch(/moved to dead letters/);
    const metrics = (await fx.engine.api('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/scanlot_dcrm_deliveries_total\{result="dead"\} 1\b/);
    expect(metrics).toMatch(/scanlot_dcrm_dead_letters\{state="dead"\} 1\b/);

    // admin only
    expect((await fx.engine.api('GET', '/v1/dcrm/dead-letters', undefined, { authorization: 'Bearer nope-nope-nope-nope' })).status).toBe(401);
    expect((await fx.engine.api('POST', '/v1/dcrm/replay', { ids: ['not an id'] })).status).toBe(400);

    // replayed while the receiver still rejects it: back among the dead letters, attempts adding up
    const again = await fx.engine.api('POST', '/v1/dcrm/replay', { ids: [poison] });
    expect(again).toMatchObject({ status: 200, body: { queued: 1, delivery: 'on' } });
    await waitFor('rejected again', async () => (await deadLetters()).deadLetters[0]?.attempts === 6);

    // the receiver is fixed; the operator replays everything with `scanlot dcrm replay`
    acceptPoison = true;
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await dcrmReplay({ url: fx.engine.url, token: TEST_TOKEN, args: [], flags: new Map() });
    expect(log).toHaveBeenCalledWith('queued 1 dead-lettered event for delivery');
    log.mockRestore();
    await waitFor('the poison event delivered', () => fx.receiver.acceptedIds().includes(poison as string));
    await waitFor('marked delivered', async () => (await deadLetters('delivered')).counts.delivered === 1);
    const done = await deadLetters('all');
    expect(done.deadLetters[0]).toMatchObject({ id: poison, state: 'delivered' });
    expect(done.deadLetters[0].deliveredAt).not.toBeNull();
    expect((await health(fx.engine)).outbox).toBe(0);
    expect(await fx.engine.api('POST', '/v1/dcrm/replay')).toMatchObject({ status: 200, body: { queued: 0 } });
  });
});
