// Redemptions: a won gift or coupon handed over at a shop, once. The win is read from the event store;
// the hand-over is recorded with HSETNX, so of two concurrent redemptions exactly one succeeds.
import { conflict, notFound } from '../errors.js';
import type { EventQuery } from '../events/event-query.js';
import { keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';

interface WonEvent {
  outcome: string;
  user: string;
  campaignId: string | null;
  prize: { id: string; name: string; kind: string; amount: number | null } | null;
}

export interface Redemption {
  eventId: string;
  shop: string;
  user: string;
  campaignId: string | null;
  prize: WonEvent['prize'];
  redeemedAt: string;
}

export class Redemptions {
  constructor(private readonly redis: RedisClient, private readonly events: EventQuery, private readonly now: () => number) {}

  async redeem(eventId: string, shop: string): Promise<Redemption> {
    // a win answered a moment ago may still be on its way from the stream to SQLite
    let body = this.events.body(eventId);
    for (let i = 0; body === null && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 100));
      body = this.events.body(eventId);
    }
    if (body === null) throw notFound(`event ${eventId}`);
    const e = JSON.parse(body) as WonEvent;
    if (e.outcome !== 'won' || !e.prize || (e.prize.kind !== 'gift' && e.prize.kind !== 'coupon')) {
      throw notFound(`won gift or coupon with event ${eventId}`);
    }
    const r: Redemption = { eventId, shop, user: e.user, campaignId: e.campaignId, prize: e.prize, redeemedAt: new Date(this.now()).toISOString() };
    const fresh = await this.redis.hsetnx(keys.redemptions, eventId, JSON.stringify(r));
    if (fresh === 0) {
      const prev = JSON.parse((await this.redis.hget(keys.redemptions, eventId)) ?? '{}') as Partial<Redemption>;
      throw conflict(`event ${eventId} was redeemed at ${prev.shop ?? '?'} on ${prev.redeemedAt ?? '?'}`);
    }
    return r;
  }
}
