// The overview's "today" is the calendar day of the zone asked for (the operator's), not the UTC day:
// Asia/Shanghai's day began at 16:00 UTC the day before, so it spans two UTC days' minute aggregates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { ackEvents } from '../persistence/ack-events-call.js';
import { scanReportSource } from './scan-report-source.js';
import { CampaignStore } from '../campaigns/campaign-store.js';
import { Overview } from './overview.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => redis?.stop());

/** stores scans at these instants the way the persist step does: their aggregates come with the ack */
async function scansAt(instants: string[]): Promise<void> {
  const stream = '{s0}:events';
  await redis.client.xgroup('CREATE', stream, 'g', '0', 'MKSTREAM');
  const events = instants.map((at, i) => ({ id: `e${i}`, type: 'scan', at, outcome: 'verified', campaignId: null }));
  for (const e of events) await redis.client.xadd(stream, '*', 'j', JSON.stringify(e));
  const read = (await redis.client.xreadgroup('GROUP', 'g', 'a', 'COUNT', 10, 'STREAMS', stream, '>')) as [string, [string, string[]][]][];
  const ops = events.flatMap((e) => scanReportSource(e, '{s0}', { campaignDay: () => null }));
  await ackEvents(redis.client, stream, 'g', 'a', read[0]![1].map(([id]) => id), ops);
}

describe('overview today', () => {
  it('counts the scans of the asked zone\'s day, across the two UTC days it spans', async () => {
    // in Shanghai: 15:00 and 23:00 on 1 March, then 01:00 and 08:30 on 2 March (now 09:00);
    // in Los Angeles: 23:00 on 28 February, then 07:00, 09:00 and 16:30 on 1 March (now 17:00)
    await scansAt(['2027-03-01T07:00:00.000Z', '2027-03-01T15:00:00.000Z', '2027-03-01T17:00:00.000Z', '2027-03-02T00:30:00.000Z']);
    const now = Date.parse('2027-03-02T01:00:00.000Z');
    const overview = new Overview({
      redis: redis.client,
      campaigns: new CampaignStore(redis.client, () => now),
      outbox: { backlog: () => 0, oldestUndeliveredAgeS: () => 0, deadLetterCounts: () => ({}) },
      forged: () => 0,
      now: () => now,
    });
    const shanghai = await overview.read('Asia/Shanghai');
    expect(shanghai).toMatchObject({ timezone: 'Asia/Shanghai', today: { scans: 2, firstScans: 2 }, todayUtc: { scans: 1 } });
    expect((await overview.read('America/Los_Angeles')).today).toMatchObject({ scans: 3 });
    expect((await overview.read('UTC')).today).toMatchObject({ scans: 1 });
  });
});
