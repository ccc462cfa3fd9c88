// Measurement, not a check (runs only with SCANLOT_MEASURE=1): DCRM delivery rate to a loopback
// receiver from a 20,000-event outbox, and scan throughput with delivery on vs off in the same run.
//   SCANLOT_MEASURE=1 npx vitest run src/e2e/dcrm-throughput.test.ts
import autocannon from 'autocannon';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { startEngine, type TestEngine } from '../testing/engine-process.js';
import { uniqueSku } from '../testing/fixtures.js';
import { TestClient } from '../testing/test-client.js';
import { dcrmEnv, dcrmReceiver, health, waitFor, type DcrmReceiver } from '../testing/dcrm-receiver.js';

const enabled = process.env.SCANLOT_MEASURE === '1';
const redises: TestRedis[] = [];
const engines: TestEngine[] = [];
let receiver: DcrmReceiver | undefined;

afterAll(async () => {
  for (const e of engines) await e.stop();
  await receiver?.close();
  for (const r of redises) await r.stop();
});

async function load(engine: TestEngine, batchId: number, from: number, opts: { amount?: number; duration?: number }): Promise<{ rps: number; next: number; non2xx: number }> {
  let serial = from;
  const r = await autocannon({
    url: engine.url,
    connections: 32,
    ...(opts.amount !== undefined ? { amount: opts.amount } : { duration: opts.duration ?? 5 }),
    requests: [
      {
        method: 'POST',
        path: '/v1/scans',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ code: engine.codec.encode(batchId, serial++), user: `u${serial % 100}` }) }),
      },
    ],
  });
  return { rps: r.requests.total / r.duration, next: serial, non2xx: r.non2xx };
}

describe.skipIf(!enabled)('DCRM throughput (measurement)', () => {
  it('delivers a 20,000-event outbox; scan rps with delivery on vs off', async () => {
    // one Redis each: engines on one Redis share the event stream, so each would persist (and deliver) only part of it
    redises.push(await startRedis(), await startRedis());
    receiver = await dcrmReceiver();
    const on = await startEngine({ redisUrl: redises[0]?.url, env: dcrmEnv(receiver, { SCANLOT_DCRM_LINGER_MS: '200', SCANLOT_DCRM_TIMEOUT_MS: '10000' }) });
    const off = await startEngine({ redisUrl: redises[1]?.url });
    engines.push(on, off);
    const sku = uniqueSku();
    const { batchId } = await new TestClient(on).createBatch({ sku, size: 5_000_000 });
    expect((await new TestClient(off).createBatch({ sku, size: 5_000_000 })).batchId).toBe(batchId);

    const fill = await load(on, batchId, 0, { amount: 20_000 });
    expect(fill.non2xx).toBe(0);
    await waitFor('outbox of 20,000', async () => (await health(on)).outbox === 20_000, 60_000);
    const t0 = Date.now();
    await receiver.listen();
    await waitFor('20,000 delivered', () => (receiver as DcrmReceiver).acceptedIds().length >= 20_000, 120_000);
    const deliverS = (Date.now() - t0) / 1000;
    const batches = receiver.batches.length;
    // from the first request to the last: without the backoff wait before the receiver was noticed
    const busyS = ((receiver.batches[batches - 1]?.at ?? 0) - (receiver.batches[0]?.at ?? 0)) / 1000;
    const connections = receiver.connections();

    let serial = fill.next;
    const rps: Record<'on' | 'off', number[]> = { on: [], off: [] };
    for (const [name, engine] of [['on', on], ['off', off], ['on', on], ['off', off]] as const) {
      const r = await load(engine, batchId, serial, { duration: 6 });
      serial = r.next;
      rps[name].push(r.rps);
      if (name === 'on') await waitFor('caught up', async () => (await health(on)).outbox === 0, 60_000);
    }
    const mean = (xs: number[]): number => xs.reduce((a, x) => a + x, 0) / xs.length;
    const report = {
      deliveredEventsPerSec: Math.round(20_000 / deliverS),
      deliverSeconds: deliverS,
      firstToLastRequestEventsPerSec: Math.round(20_000 / busyS),
      requests: batches,
      connections,
      scanRpsDeliveryOn: rps.on.map(Math.round),
      scanRpsDeliveryOff: rps.off.map(Math.round),
      onVsOff: Number((mean(rps.on) / mean(rps.off)).toFixed(3)),
      fillRpsWithReceiverDown: Math.round(fill.rps),
    };
    console.log(JSON.stringify(report));
  });
});
