// Points spending and crediting: one changePoints script call on the member's home
// shard, never below zero, once per idempotency key (the same key with another request is 409), with a
// points event.
//
// The home shard is homeShard(user): the persist step credits points won on any shard there too
// (src/aggregates/campaign-figures.ts, forwarded by src/persistence/forward-ops.ts), so the whole balance is
// in one hash and one script call decides.
import { ApiError } from '../errors.js';
import type { EventIds } from '../scan/event-ids.js';
import { homeShard } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { changePoints } from './change-points-call.js';
import { requestHash } from '../validation/request-hash.js';

export interface PointsChange {
  readonly delta: number;
  readonly reason: string;
  readonly idempotencyKey: string;
}

export class Points {
  constructor(private readonly redis: RedisClient, private readonly ids: EventIds, private readonly now: () => number) {}

  /** The balance after the change (or after the first change with this key). */
  async change(user: string, c: PointsChange): Promise<number> {
    const now = this.now();
    const head =
      `{"id":"${this.ids.next(now)}","type":"points","at":"${new Date(now).toISOString()}","user":${JSON.stringify(user)},` +
      `"delta":${c.delta},"reason":${JSON.stringify(c.reason)},"idempotencyKey":${JSON.stringify(c.idempotencyKey)}`;
    const hash = requestHash({ delta: c.delta, reason: c.reason });
    const reply = await changePoints(this.redis, homeShard(user), user, { delta: c.delta, idempotencyKey: c.idempotencyKey, requestHash: hash }, head);
    if (reply.outcome === 'key_reused') throw new ApiError('conflict', `idempotencyKey: ${c.idempotencyKey} was used with another request (delta or reason)`);
    if (reply.outcome === 'insufficient') throw new ApiError('conflict', `insufficient points: the balance is ${reply.balance}`);
    return reply.balance;
  }
}
