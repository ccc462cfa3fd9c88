// A user's wins are indexed in the bucket of users their id falls in (src/redis/user-win-index.ts); wins
// indexed before the buckets, in a sorted set of the user's own, still count.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { eventually } from '../testing/eventually.js';
import { keys } from '../redis/keys.js';
import { userWinMember, userWinRange } from '../redis/user-win-index.js';

const fx = useEngine();

describe('the user win index', () => {
  it("counts a user's wins from their bucket, and from a per-user set written before the buckets", async () => {
    const { batchId } = await fx.client.batchWithLiveCampaign([{ id: 'g', kind: 'gift', probability: 1 }], { size: 10 });
    const user = 'win.index:u1';
    const ids: string[] = [];
    for (const serial of [0, 1, 2]) {
      const r = await fx.engine.scan({ code: fx.engine.codec.encode(batchId, serial), user });
      expect(r.body).toMatchObject({ outcome: 'won' });
      ids.push((r.body as { eventId: string }).eventId);
    }
    await fx.engine.scan({ code: fx.engine.codec.encode(batchId, 3), user: 'win.index:u2' });
    const wins = async (): Promise<number> => ((await fx.engine.api('GET', `/v1/members/${user}`)).body as { wins: number }).wins;
    expect(await eventually(wins, (n) => n === 3)).toBe(3);

    // all in one bucket set, with the users hashed there
    const bucket = keys.userWinIndex('{s0}', user);
    const { min, max } = userWinRange(user);
    expect(await fx.redis.client.zrangebylex(bucket, min, max)).toEqual(ids.map((id) => userWinMember(user, id)).sort());

    // one of them as indexed before the buckets
    await fx.redis.client.zrem(bucket, userWinMember(user, ids[0] as string));
    await fx.redis.client.zadd(keys.userWins('{s0}', user), Date.now(), ids[0] as string);
    expect(await wins()).toBe(3);
  });
});
