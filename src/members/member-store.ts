// Members as the DCRM pushes them (level, blocked) and as scans credit them (points, wins).
// Level and blocked are written to every shard, because the scan script reads them next to the code;
// points and wins are summed over shards.
import { badRequest } from '../errors.js';
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { optBool, optInt, type JsonObject } from '../validation/json-fields.js';

export interface Member {
  user: string;
  level: number;
  blocked: boolean;
  points: number;
  wins: number;
}

export interface MemberUpdate {
  level: number | null;
  blocked: boolean | null;
}

export function parseMemberUpdate(body: JsonObject): MemberUpdate {
  const level = optInt(body, 'level', 0, 9);
  const blocked = optBool(body, 'blocked');
  if (level === null && blocked === null) throw badRequest('level', 'or blocked is required');
  return { level, blocked };
}

export class MemberStore {
  constructor(private readonly redis: RedisClient) {}

  async update(user: string, u: MemberUpdate): Promise<Member> {
    const fields: string[] = [];
    if (u.level !== null) fields.push('level', String(u.level));
    if (u.blocked !== null) fields.push('blocked', u.blocked ? '1' : '0');
    for (const t of ALL_SHARDS) await this.redis.hset(keys.member(t, user), ...fields);
    return this.get(user);
  }

  async get(user: string): Promise<Member> {
    const m: Member = { user, level: 0, blocked: false, points: 0, wins: 0 };
    for (const [i, t] of ALL_SHARDS.entries()) {
      const [level, blocked, points, wins] = await this.redis.hmget(keys.member(t, user), 'level', 'blocked', 'points', 'wins');
      if (i === 0) {
        m.level = Number(level ?? 0);
        m.blocked = blocked === '1';
      }
      m.points += Number(points ?? 0);
      m.wins += Number(wins ?? 0);
    }
    return m;
  }
}
