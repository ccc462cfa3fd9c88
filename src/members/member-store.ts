// Members as the DCRM pushes them (level, blocked) and as scans credit them (points).
// Level and blocked are written to every shard, because the scan script reads them next to the code;
// points live in the member's home shard (homeShard(user), see src/aggregates/campaign-figures.ts). A
// member's wins are counted in the event stores (src/fulfilment/stored-wins.ts): nothing per win in Redis.
import { badRequest } from '../errors.js';
import { ALL_SHARDS, homeShard, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { ANON_PREFIX } from '../identity/anonymous.js';
import { asObject, ID_RE, ID_WHAT, optBool, optInt, reqString, type JsonObject } from '../validation/json-fields.js';

export interface Member {
  user: string;
  level: number;
  blocked: boolean;
  points: number;
}

export interface MemberUpdate {
  level: number | null;
  blocked: boolean | null;
}

/** anonymous visitors own no member record: their ids cannot be given one */
export function memberId(user: string, path: string): string {
  if (user.startsWith(ANON_PREFIX)) throw badRequest(path, `ids starting with ${ANON_PREFIX} are reserved for anonymous visitors`);
  return user;
}

export function parseMemberUpdate(body: JsonObject, path = ''): MemberUpdate {
  const level = optInt(body, 'level', 0, 9, `${path}level`);
  const blocked = optBool(body, 'blocked', `${path}blocked`);
  if (level === null && blocked === null) throw badRequest(`${path}level`, 'or blocked is required');
  return { level, blocked };
}

/** Members per `PUT /v1/members`: a nightly sync of levels and blacklists in a few requests. */
export const MAX_BULK_MEMBERS = 10_000;

export interface MemberBulkItem extends MemberUpdate {
  user: string;
}

/** `{"members":[{"user","level","blocked"}…]}`, all validated before anything is written (a 400 names the item). */
export function parseMemberBulk(body: JsonObject): MemberBulkItem[] {
  const list = body.members;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BULK_MEMBERS) {
    throw badRequest('members', `must be an array of 1 to ${MAX_BULK_MEMBERS} members`);
  }
  return list.map((raw: unknown, i) => {
    const path = `members[${i}].`;
    const o = asObject(raw, `members[${i}]`);
    return { user: memberId(reqString(o, 'user', ID_RE, ID_WHAT, `${path}user`), `${path}user`), ...parseMemberUpdate(o, path) };
  });
}

function memberFields(u: MemberUpdate): string[] {
  const fields: string[] = [];
  if (u.level !== null) fields.push('level', String(u.level));
  if (u.blocked !== null) fields.push('blocked', u.blocked ? '1' : '0');
  return fields;
}

export class MemberStore {
  constructor(private readonly redis: RedisClient) {}

  async update(user: string, u: MemberUpdate): Promise<Member> {
    const fields = memberFields(u);
    for (const t of ALL_SHARDS) await this.redis.hset(keys.member(t, user), ...fields);
    return this.get(user);
  }

  /**
   * Writes many members with one pipeline per shard: one round trip instead of one per member. Every key
   * of a pipeline carries the shard's hash tag, so it also runs on Redis Cluster (one slot). Items are
   * applied in order: a user listed twice ends with the last values.
   */
  async updateMany(items: readonly MemberBulkItem[]): Promise<number> {
    for (const t of ALL_SHARDS) {
      const pipeline = this.redis.pipeline();
      for (const m of items) pipeline.hset(keys.member(t, m.user), ...memberFields(m));
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err !== null);
      if (failed) throw failed[0] as Error;
    }
    return items.length;
  }

  async get(user: string): Promise<Member> {
    const [level, blocked, points] = await this.redis.hmget(keys.member(homeShard(user), user), 'level', 'blocked', 'points');
    return { user, level: Number(level ?? 0), blocked: blocked === '1', points: Number(points ?? 0) };
  }
}
