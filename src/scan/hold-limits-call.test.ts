// lua/holdLimits-1.lua through its typed mirror, on a real Redis: reservations never pass a limit, a
// release gives back exactly what was reserved, nothing is reserved past the deadline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { LUA_DIR } from '../paths.js';
import { campaignPrefix, keys, userCampaignFields } from '../redis/keys.js';
import { loadScript, runScript } from '../redis/scripts.js';
import { holdLimitsArgs, ipCounterPrefix, LimitsExpired, readLimitReply, type LimitEntry, type LimitReply } from './hold-limits-call.js';

const t = '{s1}';
const script = loadScript('holdLimits-1.lua');
let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => redis?.stop());

async function call(entries: LimitEntry[], deadline = Date.now() + 60_000): Promise<LimitReply[]> {
  return readLimitReply(await runScript(redis.client, script, holdLimitsArgs(t, entries, deadline)), entries);
}

const reserve = (user: string, extra: Partial<Extract<LimitEntry, { kind: 'reserve' }>> = {}): LimitEntry => ({
  kind: 'reserve', user, campaignId: 'cp', day: '20270301', userScansPerDay: 0, userWinsPerDay: 0, levelMap: '1111111111',
  chosen: [{ id: 'g', perUserCap: 1, guaranteed: false, clerk: false }], ...extra,
});

describe('holdLimits header', () => {
  it('names the entry kinds the mirror writes and 5 reply values', () => {
    const header = readFileSync(join(LUA_DIR, 'holdLimits-1.lua'), 'utf8').split(']]')[0] as string;
    for (const kind of ["{'u'", "{'i'", "{'k'", "{'r'", "{'x'", "{'y'"]) expect(header).toContain(kind);
    expect(header).toMatch(/5 values per entry/);
    expect(header).toMatch(/5 deadline/);
  });
});

describe('holdLimits on a real Redis', () => {
  it('reserves a capped win once, gives it back on release, and reserves it again', async () => {
    const [a] = await call([reserve('u1')]);
    expect(a).toEqual({ status: '-', level: 0, grants: '1', winSlot: false, prizes: ['g'] });
    const [b] = await call([reserve('u1')]);
    expect(b).toMatchObject({ status: '-', grants: '0', prizes: [] });
    await call([{ kind: 'release', user: 'u1', campaignId: 'cp', day: '20270301', scans: false, wins: false, prizes: ['g'] }]);
    expect((await call([reserve('u1')]))[0]).toMatchObject({ grants: '1', prizes: ['g'] });
    expect(await redis.client.hget(keys.member(t, 'u1'), userCampaignFields.prizeWins('cp', 'g'))).toBe('1');
  });

  it('counts scans and wins of the day, refuses past them, and a new day starts from zero', async () => {
    const e = reserve('u2', { userScansPerDay: 2, userWinsPerDay: 1, chosen: [{ id: 'p', perUserCap: 0, guaranteed: false, clerk: false }] });
    expect((await call([e]))[0]).toMatchObject({ status: '-', grants: '1', winSlot: true });
    expect((await call([e]))[0]).toMatchObject({ status: '-', grants: '0', winSlot: false });
    expect((await call([e]))[0]).toMatchObject({ status: 'u' });
    // a release of a past day gives nothing back to the new one
    const next = { ...e, day: '20270302' } as LimitEntry;
    expect((await call([next]))[0]).toMatchObject({ status: '-', winSlot: true });
    await call([{ kind: 'release', user: 'u2', campaignId: 'cp', day: '20270301', scans: true, wins: true, prizes: [] }]);
    const f = userCampaignFields;
    expect(await redis.client.hmget(keys.member(t, 'u2'), f.day('cp'), f.scansToday('cp'), f.winsToday('cp'))).toEqual(['20270302', '1', '1']);
  });

  it('a blacklisted member is refused without a write; the level picks the choice', async () => {
    await redis.client.hset(keys.member(t, 'bad'), 'blocked', '1');
    expect((await call([reserve('bad')]))[0]).toMatchObject({ status: 'b' });
    expect(await redis.client.hlen(keys.member(t, 'bad'))).toBe(1);
    await redis.client.hset(keys.member(t, 'lvl'), 'level', '5');
    // level 5 draws nothing: nothing reserved
    expect((await call([reserve('lvl', { levelMap: '1111101111' })]))[0]).toMatchObject({ status: '-', level: 5, grants: '0', prizes: [] });
  });

  it('counts an IP per minute and a clerk per prize; uncount and unclerk give back', async () => {
    const ip: LimitEntry = { kind: 'countIp', counterPrefix: ipCounterPrefix(campaignPrefix(t, 'cp'), '203.0.113.5'), ipScansPerMinute: 1 };
    const [first, second] = await call([ip, ip]);
    expect(first).toMatchObject({ within: true });
    expect(second).toMatchObject({ within: false });
    const key = (first as { counterKey: string }).counterKey;
    expect(await redis.client.get(key)).toBe('2');
    await call([{ kind: 'uncount', counterKey: key }]);
    expect(await redis.client.get(key)).toBe('1');
    const clerkKey = keys.campaignClerk(t, 'cp', 'k1');
    const clerk: LimitEntry = { kind: 'clerk', clerkKey, prize: 'r', perUserCap: 1 };
    expect(await call([clerk, clerk])).toEqual([{ reserved: true }, { reserved: false }]);
    await call([{ kind: 'unclerk', clerkKey, prize: 'r' }]);
    expect(await call([clerk])).toEqual([{ reserved: true }]);
  });

  it('past its deadline reserves and counts nothing; a release still applies', async () => {
    const [r] = await call([reserve('late')], Date.now() - 1);
    expect(r).toBeInstanceOf(LimitsExpired);
    expect(await redis.client.exists(keys.member(t, 'late'))).toBe(0);
    await redis.client.hset(keys.member(t, 'late2'), userCampaignFields.prizeWins('cp', 'g'), '1');
    await call([{ kind: 'release', user: 'late2', campaignId: 'cp', day: '20270301', scans: false, wins: false, prizes: ['g'] }], Date.now() - 1);
    expect(await redis.client.hget(keys.member(t, 'late2'), userCampaignFields.prizeWins('cp', 'g'))).toBe('0');
  });
});
