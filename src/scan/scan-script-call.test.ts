// Holds the TypeScript side of the scan script to the script's header: the argument lists the header
// numbers are the ones ScanCall writes, and one call against a real Redis touches exactly the keys that
// src/redis/keys.ts names, and writes the event fields src/events/event-format.ts reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { LUA_DIR } from '../paths.js';
import { codeRecordOf, keys, userCampaignFields } from '../redis/keys.js';
import { parseCodeRecord } from './code-record.js';
import { loadScript, runScript } from '../redis/scripts.js';
import { readEntry } from '../events/event-format.js';
import { campaignStatic, readReply, ScanCall, type ScanArgs } from './scan-script-call.js';

const header = readFileSync(join(LUA_DIR, 'scanCodes-1.lua'), 'utf8').split(']]')[0] as string;

/** the numbered items of one ARGV entry's list in the header, e.g. "1 batchId  2 serial …" */
function numberedItems(section: string): number[] {
  // an item starts a line or follows two spaces ("1 batchId  2 serial"); numbers inside prose do not
  return [...section.matchAll(/(?:^[ \t]+|[ ]{2})(\d+)(?:\.\.)? [a-zA-Z'"]/gm)].map((m) => Number(m[1]));
}

describe('scan script header', () => {
  it('numbers 16 items per campaign and 21 fixed items per scan, chosen prizes from 22 in threes, then the shard', () => {
    const campaigns = header.slice(header.indexOf('    10 MessagePack array of the campaigns'), header.indexOf('    11 MessagePack array of scans'));
    const scans = header.slice(header.indexOf('    11 MessagePack array of scans'), header.indexOf('  Returns'));
    expect(Math.max(...numberedItems(campaigns.split('\n').slice(1).join('\n')))).toBe(16);
    expect(numberedItems(scans.split('\n').slice(1).join('\n'))).toEqual([...Array.from({ length: 22 }, (_, i) => i + 1), 12, 13, 14]);
    expect(scans).toMatch(/22\.\. chosen prizes, 3 values each/);
    expect(scans).toMatch(/12 this shard's index \(0-based\)  13 the number of shards\n    14 key prefix of the code records written before/);
  });
});

describe('one call on a real Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => redis?.stop());

  it('decides with the keys keys.ts names and writes the fields event-format reads', async () => {
    const t = '{s0}';
    const now = Date.now();
    await redis.client.hset(keys.batchStatus(t), '7', 'a');
    await redis.client.hset(keys.member(t, 'u_1'), 'level', '3');
    await redis.client.hset(keys.box(t, 8, 2), 'shop', 's_box', 'lat', '23.1', 'lng', '113.3');
    await redis.client.hset(keys.campaignState(t, 'cp'), 's:g', '5', 'b:cash', '1000');
    await redis.client.xgroup('CREATE', keys.events(t), 'persist', '0', 'MKSTREAM');
    const cs = campaignStatic(t, 'cp', now - 60_000, now + 60_000, { userScansPerDay: 10, userWinsPerDay: 10, ipScansPerMinute: 10, limitModes: 'ss', geofence: 'flag', positionRequired: false }, [
      { id: 'g', stock: 5, budget: null, dailyCap: 3, perUserCap: 2 },
      { id: 'cash', stock: null, budget: 1000, dailyCap: null, perUserCap: 1 },
    ]);
    const call = new ScanCall(t, keys.events(t));
    const scan: ScanArgs = {
      batchId: 7, serial: 41, user: 'u_1', eventId: 'ev1', head: '"id":"ev1","type":"scan","code":"C"',
      campaign: { campaign: cs, live: true, day: '20270301', dayStart: now - 1000, dayEnd: now + 60_000, dayIndex: 0 },
      kind: 'item', shop: '', clerk: 'k_1', lat: 40, lng: 116, region: null, box: '8:2', boxKm: 50, ip: '203.0.113.9',
      // levels 0-2 draw nothing, 3-9 the gift; the clerk gets the cash
      levelMap: '0001111111', clerkChoice: 2, pre: '', short: '',
      chosen: [{ spec: 1, json: '{"id":"g"}', amount: 0 }, { spec: 2, json: '{"id":"cash","amount":30}', amount: 30 }],
    };
    call.add(scan);
    const reply = readReply(await runScript(redis.client, loadScript('scanCodes-1.lua'), call.take(now + 60_000, Date.now())), 1);
    expect(reply.scans[0]).toEqual(['won', '', '1', String(reply.now), '1', '{"id":"g"}', '', '', '', '1']);
    expect(Math.abs(reply.now - Date.now())).toBeLessThan(1000);

    const day = keys.campaignDay(t, 'cp', '20270301');
    expect(await redis.client.getbit(keys.seen(t, 7), 41)).toBe(1);
    // the code's record: one field of its batch's bucket, the prize as a reference to the campaign's definition
    const rec = codeRecordOf(7, 41);
    expect(rec).toEqual({ key: keys.codeRecords(t, 7, 0), field: '41' });
    expect(parseCodeRecord((await redis.client.hget(rec.key, rec.field)) ?? '')).toEqual({ count: 1, firstAt: reply.now, outcome: 'won', eventId: 'ev1', user: 'u_1', prize: { campaignId: 'cp', prizeId: 'g', amount: 0 } });
    // the campaign's day hash: wins of the prize with a dailyCap; the user's counters in the user's hash
    expect(await redis.client.hgetall(day)).toEqual({ 'w:g': '1' });
    const f = userCampaignFields;
    expect(await redis.client.hgetall(keys.member(t, 'u_1'))).toEqual({ level: '3', [f.day('cp')]: '20270301', [f.scansToday('cp')]: '1', [f.winsToday('cp')]: '1', [f.prizeWins('cp', 'g')]: '1' });
    expect(await redis.client.hgetall(keys.campaignClerk(t, 'cp', 'k_1'))).toEqual({ 'w:cash': '1' });
    expect(await redis.client.hgetall(keys.campaignState(t, 'cp'))).toEqual({ 's:g': '4', 'b:cash': '970' });
    expect(await redis.client.get(keys.ipMinute(t, 'cp', '203.0.113.9', Math.floor(reply.now / 60_000)))).toBe('1');
    const entries = (await redis.client.xrange(keys.events(t), '-', '+')) as [string, string[]][];
    const fields = entries[0]?.[1] ?? [];
    // the box's shop is inherited; 40,116 is far from the box's place: diverted (flag)
    expect(readEntry(fields).event).toMatchObject({ id: 'ev1', at: new Date(reply.now).toISOString(), outcome: 'won', prize: { id: 'g' }, clerkPrize: { id: 'cash', amount: 30 }, shop: 's_box', diverted: true, scanCount: 1 });
  });

  /** One plain scan of serial `serial` in a call with this deadline and believed time: what the script answered, and whether it wrote anything. */
  async function refusedCall(serial: number, deadline: number, believedNow: number): Promise<{ outcome: string | undefined; wrote: boolean }> {
    const t = '{s0}';
    await redis.client.hset(keys.batchStatus(t), '9', 'a');
    const call = new ScanCall(t, keys.events(t));
    call.add({
      batchId: 9, serial, user: 'late', eventId: `ev-${serial}`, head: `"id":"ev-${serial}"`, campaign: null, kind: 'item', shop: '', clerk: '',
      lat: null, lng: null, region: null, box: '', boxKm: 0, ip: '::1', levelMap: '0000000000', clerkChoice: 0, pre: '', short: '', chosen: [],
    });
    const before = await redis.client.xlen(keys.events(t));
    const reply = readReply(await runScript(redis.client, loadScript('scanCodes-1.lua'), call.take(deadline, believedNow)), 1);
    const wrote = (await redis.client.getbit(keys.seen(t, 9), serial)) === 1 || (await redis.client.xlen(keys.events(t))) !== before;
    return { outcome: reply.scans[0]?.[0], wrote };
  }

  it('a repeat of a code consumed before the records were bucketed reads its own hash, and counts there', async () => {
    const t = '{s0}';
    await redis.client.hset(keys.batchStatus(t), '11', 'a');
    await redis.client.setbit(keys.seen(t, 11), 5, 1);
    await redis.client.hset(keys.legacyCode(t, 11, 5), 'u', 'old_user', 't', '1700000000000', 'e', 'ev-old', 'o', 'won', 'p', '{"id":"g"}', 'n', '3');
    const call = new ScanCall(t, keys.events(t));
    call.add({
      batchId: 11, serial: 5, user: 'old_user', eventId: 'ev-new', head: '"id":"ev-new"', campaign: null, kind: 'item', shop: '', clerk: '',
      lat: null, lng: null, region: null, box: '', boxKm: 0, ip: '::1', levelMap: '0000000000', clerkChoice: 0, pre: '', short: '', chosen: [],
    });
    const reply = readReply(await runScript(redis.client, loadScript('scanCodes-1.lua'), call.take(Date.now() + 60_000, Date.now())), 1);
    expect(reply.scans[0]).toEqual(['repeat', '', '4', '1700000000000', '1', '', 'ev-old', 'won', '{"id":"g"}', '']);
    expect(await redis.client.exists(codeRecordOf(11, 5).key)).toBe(0);
  });

  it('a call whose sender believed another time (the clock moved) is stale, whole, and writes nothing', async () => {
    expect(await refusedCall(2, Date.now() + 60_000, Date.now() - 86_400_000)).toEqual({ outcome: 'stale', wrote: false });
  });

  it('a call past its deadline decides nothing and writes nothing', async () => {
    expect(await refusedCall(1, Date.now() - 1, Date.now())).toEqual({ outcome: 'expired', wrote: false });
    // the same call in time is decided and written: the two refusals above are not the script failing
    expect(await refusedCall(3, Date.now() + 60_000, Date.now())).toEqual({ outcome: 'verified', wrote: true });
  });
});
