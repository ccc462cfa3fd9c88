import { describe, expect, it } from 'vitest';
import { EventIds } from '../scan/event-ids.js';
import { indexedWin, userWinMember, userWinRange } from './user-win-index.js';

describe('user win index members', () => {
  it('a win that is its code record keeps the time and the code, not the random part', () => {
    const id = new EventIds().forCode(Date.parse('2027-03-01T08:00:00.000Z'), 7, 12345);
    const m = userWinMember('u:1.x@y', id);
    expect(m.length).toBeLessThan(`u:1.x@y|${id}`.length - 19);
    expect(indexedWin(m)).toEqual({ kind: 'code', batchId: 7, serial: 12345 });
  });

  it('any other win keeps its id', () => {
    for (const winId of ['e1', 'e1-clerk', `${new EventIds().forCode(1_800_000_000_000, 1, 2)}-clerk`, `${new EventIds().next(1_800_000_000_000)}-set`]) {
      expect(indexedWin(userWinMember('u1', winId))).toEqual({ kind: 'id', winId });
    }
  });

  it("one user's range holds their members and nobody else's", () => {
    const users = ['u', 'u1', 'u-', 'uv', 'u.', 'u:', 'U', 't', 'v', 'u@x'];
    const members = users.flatMap((u) => [userWinMember(u, 'e1'), userWinMember(u, 'e2')]).sort();
    for (const u of users) {
      const { min, max } = userWinRange(u);
      // Redis compares bytes: so does this, for ASCII
      const inRange = members.filter((m) => m >= min.slice(1) && m < max.slice(1));
      expect(inRange).toEqual([`${u}|e1`, `${u}|e2`]);
    }
  });
});
