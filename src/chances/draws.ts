// Draw chances (抽奖机会) and the draws that spend them. A user's balance per campaign lives on the user's
// home shard; a grant (another system's: 拼团成功, 支付有礼) is one grantChances call, once per idempotency
// key; a draw is one drawChance call that spends a chance and decides under the campaign's stock, budget,
// caps and pacing, or, for a campaign revealed in the shop, records a sealed ticket decided later by
// `reveal`. With several shards, a prize out in the home shard's bucket is pulled from the other shards
// before the draw is decided (draw-pulls.ts). Every grant and spend is an event (`"type":"chance"`).
import { randomInt } from 'node:crypto';
import { ApiError, conflict, notFound, unavailable } from '../errors.js';
import { ALL_SHARDS, homeShard, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { EventIds } from '../scan/event-ids.js';
import type { VoucherCodec, Voucher } from '../codes/voucher-codec.js';
import type { CampaignStore, CompiledCampaign } from '../campaigns/campaign-store.js';
import type { Prize } from '../campaigns/campaign.js';
import { PPM, pick } from '../campaigns/draw-table.js';
import { ANON_PREFIX } from '../identity/anonymous.js';
import { requestHash } from '../validation/request-hash.js';
import type { SetProgress } from '../fulfilment/pages/set-progress.js';
import { grantChances } from './grant-chances-call.js';
import { drawChance, type DrawCall, type DrawCandidate, type DrawMode, type DrawReply } from './draw-chance-call.js';
import { DrawPulls, type BucketPuller } from './draw-pulls.js';
import { PerScansCredit } from './per-scans.js';
import { prizeCandidate } from './prize-candidate.js';
import { mayPullAgain } from '../buckets/pull-bounds.js';
import { ticketStateOf, type TicketState } from './ticket-record.js';
import { homeDayOf } from './home-day.js';

export interface Grant {
  readonly user: string;
  readonly count: number;
  readonly reason: string;
  readonly idempotencyKey: string;
}

/** the answer of a draw, in the shape of a scan's draw */
export interface DrawAnswer {
  eventId: string;
  outcome: 'won' | 'lost' | 'ticket';
  reason: string | null;
  campaignId: string;
  prize: unknown;
  ticket: Voucher | null;
  /** the user's draw chances left in the campaign */
  chances: number;
  /** 集卡: the set this draw's card completed (its prize, or why not), or null */
  set: { id: string; completed: number; prize: unknown; reason: string | null } | null;
  random: number | null;
}

/** where a reveal happens: the shop whose key presented the ticket, or whose scene code its user scanned */
export interface RevealPlace {
  readonly shop: string;
  /** the user presenting it, when known (a check-in); a shop key's reveal names no user */
  readonly user: string | null;
}

const STALE_RETRIES = 3;

interface Candidates {
  readonly list: DrawCandidate[];
  readonly set: DrawCall['set'];
}

export class Draws {
  readonly #pulls: DrawPulls;
  readonly #perScans: PerScansCredit;

  constructor(
    private readonly redis: RedisClient,
    private readonly campaigns: CampaignStore,
    private readonly vouchers: VoucherCodec,
    private readonly tickets: VoucherCodec,
    private readonly ids: EventIds,
    private readonly now: () => number,
    /** moves units between shards (src/buckets); null: a draw takes its home shard's units only */
    puller: BucketPuller | null = null,
  ) {
    this.#pulls = new DrawPulls(redis, puller, now);
    this.#perScans = new PerScansCredit(redis, ids, now);
    campaigns.onTopUp((id) => this.#pulls.forget(id));
  }

  campaign(id: string): CompiledCampaign {
    const c = this.campaigns.get(id);
    if (c === undefined || c.def.state === 'draft') throw notFound(`campaign ${id}`);
    return c;
  }

  async grant(campaignId: string, g: Grant, source: string): Promise<number> {
    this.campaign(campaignId);
    const now = this.now();
    const head =
      `{"id":"${this.ids.next(now)}","type":"chance","at":"${new Date(now).toISOString()}","user":${JSON.stringify(g.user)},` +
      `"campaignId":${JSON.stringify(campaignId)},"delta":${g.count},"reason":${JSON.stringify(g.reason)},"source":${JSON.stringify(source)},` +
      `"idempotencyKey":${JSON.stringify(g.idempotencyKey)}`;
    const reply = await grantChances(
      this.redis,
      homeShard(g.user),
      { user: g.user, campaignId, count: g.count, idempotencyKey: g.idempotencyKey, requestHash: requestHash({ count: g.count, reason: g.reason }) },
      head,
    );
    if (reply.outcome === 'key_reused') throw conflict(`idempotencyKey: ${g.idempotencyKey} was used with another request (count or reason)`);
    return reply.balance;
  }

  /** the user's balance per campaign (campaigns with none are left out) */
  async balances(user: string): Promise<Record<string, number>> {
    // 满N次 with several shards: what the user's scans earned is credited when it is looked at
    for (const c of this.campaigns.all()) if (c.def.state !== 'draft' && this.#perScans.applies(c)) await this.#perScans.credit(c, user);
    const all = await this.redis.hgetall(keys.chances(homeShard(user), user));
    const out: Record<string, number> = {};
    for (const [id, n] of Object.entries(all)) if (Number(n) !== 0) out[id] = Number(n);
    return out;
  }

  /** the user's cards per campaign and set (集卡): `{campaignId: {setId: {card: n}}}`, and sets completed as `done` */
  async cards(user: string): Promise<Record<string, Record<string, Record<string, number>>>> {
    const all = await this.redis.hgetall(keys.cards(homeShard(user), user));
    const out: Record<string, Record<string, Record<string, number>>> = {};
    for (const [field, n] of Object.entries(all)) {
      const [cid, a, b] = field.split('|') as [string, string, string | undefined];
      // which scan completed a set last (lua/scanCodes-1.lua): no count
      if (b === 'last') continue;
      const c = this.campaigns.get(cid);
      // a card's set from the definition; a completion count under its set as `done`
      const setId = b === 'done' ? a : c?.def.prizes.find((p) => p.id === a)?.set;
      if (setId === undefined) continue;
      ((out[cid] ??= {})[setId] ??= {})[b === 'done' ? 'done' : a] = Number(n);
    }
    return out;
  }

  /** 集卡 on /me: every set the user holds a card of, with each card of the set and the sets completed */
  async setProgress(user: string): Promise<SetProgress[]> {
    const held = await this.cards(user);
    const out: SetProgress[] = [];
    for (const [cid, sets] of Object.entries(held)) {
      const c = this.campaigns.get(cid);
      if (c === undefined) continue;
      for (const [setId, counts] of Object.entries(sets)) {
        const prize = c.def.prizes.find((p) => p.completes === setId);
        const cards = c.def.prizes.filter((p) => p.set === setId).map((p) => ({ id: p.id, name: p.name, held: counts[p.id] ?? 0 }));
        out.push({ campaignId: cid, setId, prizeName: prize?.name ?? '', cards, done: counts.done ?? 0 });
      }
    }
    return out;
  }

  /** spends one chance: decided now, or (reveal in the shop) a sealed ticket */
  async draw(campaignId: string, user: string): Promise<DrawAnswer> {
    const c = this.campaign(campaignId);
    await this.#perScans.credit(c, user);
    const mode: DrawMode = c.def.reveal === 'in_shop' ? 'ticket' : 'draw';
    const eventId = this.ids.next(this.now());
    const ticket = mode === 'ticket' ? this.tickets.voucherOf(eventId) : null;
    const r = randomInt(PPM);
    const candidates = mode === 'draw' ? await this.#candidates(c, user, r, eventId) : { list: [], set: null };
    const reply = await this.#run(c, user, mode, eventId, ticket?.code ?? '', candidates, this.#drawHead(eventId, user, c, mode === 'draw' ? r : null, ticket));
    return this.#answer(reply, eventId, c, ticket, mode === 'draw' ? r : null);
  }

  /** decides a ticket presented in a shop, once; the answer is the draw's */
  async reveal(ticketText: string, place: RevealPlace): Promise<DrawAnswer & { ticket: Voucher; shop: string; issuedEventId: string }> {
    const code = this.tickets.parse(ticketText);
    if (code === null) throw notFound('ticket');
    // the ticket's record is on its user's home shard, which the code does not carry: a shop asks each
    const found = await this.#findTicket(code);
    if (found === null || (place.user !== null && place.user !== found.user)) throw notFound('ticket');
    const c = this.campaign(found.campaignId);
    const eventId = this.ids.next(this.now());
    const r = randomInt(PPM);
    const candidates = await this.#candidates(c, found.user, r, eventId);
    const ticket = this.tickets.voucherOf(found.issuedEventId);
    const reply = await this.#run(c, found.user, 'reveal', eventId, code, candidates,
      `{"id":"${eventId}","type":"reveal","user":${JSON.stringify(found.user)},"campaignId":${JSON.stringify(c.def.id)},` +
      `"ticket":"${code}","ticketEventId":"${found.issuedEventId}","shop":${JSON.stringify(place.shop)},"random":${r}`,
    );
    if (reply.outcome === 'revealed') throw conflict(`ticket ${code} was revealed before (event ${reply.reason})`);
    if (reply.outcome === 'no_ticket') throw notFound('ticket');
    return { ...this.#answer(reply, eventId, c, ticket, r), ticket, shop: place.shop, issuedEventId: found.issuedEventId };
  }

  /**
   * A check-in at a shop reveals the user's open tickets of that campaign there (线下开奖): each is
   * decided as if a shop key had presented it. At most 10 at once (the rest at the next check-in).
   */
  async revealAtCheckIn(user: string, shop: string, campaignId: string): Promise<DrawAnswer[]> {
    const c = this.campaigns.get(campaignId);
    if (c === undefined || c.def.reveal !== 'in_shop') return [];
    const open = await this.redis.smembers(keys.openTickets(homeShard(user), user));
    const out: DrawAnswer[] = [];
    for (const code of open.sort().slice(0, 10)) {
      const found = await this.#findTicket(code);
      if (found === null || found.campaignId !== campaignId) continue;
      try {
        const { random: _r, ...a } = await this.reveal(code, { shop, user });
        out.push({ ...a, random: null });
      } catch (err) {
        // revealed by a shop key meanwhile: nothing to show for it here
        if (!(err instanceof ApiError) || (err.code !== 'conflict' && err.code !== 'not_found')) throw err;
      }
    }
    return out;
  }

  /** a ticket's state for its page: open or revealed (by which event, and that event as the reveal wrote it), its campaign; null for no such ticket */
  async ticketState(text: string): Promise<TicketState | null> {
    const code = this.tickets.parse(text);
    if (code === null) return null;
    for (const tag of ALL_SHARDS) {
      const raw = await this.redis.hget(keys.tickets(tag), code);
      if (raw === null) continue;
      return ticketStateOf(code, raw);
    }
    return null;
  }

  /** the open or revealed ticket `code`: its user, campaign and the event that issued it */
  async #findTicket(code: string): Promise<{ user: string; campaignId: string; issuedEventId: string } | null> {
    for (const tag of ALL_SHARDS) {
      const raw = await this.redis.hget(keys.tickets(tag), code);
      if (raw === null) continue;
      const [, user, campaignId, issuedEventId] = raw.split('|');
      if (user === undefined || campaignId === undefined || issuedEventId === undefined) return null;
      return { user, campaignId, issuedEventId };
    }
    return null;
  }

  /** the event without its time (the script adds the decision's) and the closing brace */
  #drawHead(eventId: string, user: string, c: CompiledCampaign, r: number | null, ticket: Voucher | null): string {
    return (
      `{"id":"${eventId}","type":"chance","user":${JSON.stringify(user)},"campaignId":${JSON.stringify(c.def.id)},` +
      `"delta":-1,"reason":"draw","random":${r ?? 'null'},"ticket":${ticket === null ? 'null' : `"${ticket.code}"`}`
    );
  }

  async #run(c: CompiledCampaign, user: string, mode: DrawMode, eventId: string, ticket: string, candidates: Candidates, head: string): Promise<DrawReply> {
    const tag = homeShard(user);
    const anon = user.startsWith(ANON_PREFIX);
    // the engine's estimate of the shared clock names the day; a script that disagrees (a day's edge, a
    // clock shift not heard yet) answers `stale` with its own time, which names it the next time
    let now = this.now();
    let pullable: Set<string> | null = null;
    let pulls = 0;
    const startedAt = Date.now();
    for (let attempt = 0; ; ) {
      const b = c.day.bounds(now);
      pullable ??= this.#pulls.pullable(c, b.day);
      const reply = await drawChance(
        this.redis,
        tag,
        {
          mode,
          user,
          userKey: anon ? keys.anonCounters(tag, user) : keys.member(tag, user),
          campaignId: c.def.id,
          endsAtMs: c.def.endsAtMs,
          ...homeDayOf(c, b, user),
          eventId,
          ticket,
          candidates: candidates.list,
          set: candidates.set,
          pullable,
        },
        head,
      );
      if (reply.outcome === 'short' && reply.short !== null) {
        // out in the home shard's bucket: units from the other shards, and the same draw again; none
        // anywhere (or pulled long enough: src/buckets/pull-bounds.ts), and that prize is decided here
        const moved = mayPullAgain(pulls++, startedAt) ? await this.#pulls.pull(c, reply.short, b.day, tag) : 0;
        if (moved === 0) pullable.delete(reply.short.prize);
        continue;
      }
      if (reply.outcome !== 'stale') return this.#refuse(reply);
      if (attempt++ >= STALE_RETRIES) throw unavailable('the campaign day could not be agreed on; retry');
      now = reply.now;
      pullable = null;
    }
  }

  #refuse(reply: DrawReply): DrawReply {
    if (reply.outcome === 'no_chances') throw new ApiError('no_chances', 'no draw chance left in this campaign');
    if (reply.outcome === 'not_live') throw conflict('campaign is not live');
    if (reply.outcome === 'paused') throw conflict('campaign is paused');
    return reply;
  }

  #answer(reply: DrawReply, eventId: string, c: CompiledCampaign, ticket: Voucher | null, r: number | null): DrawAnswer {
    const outcome = reply.outcome === 'won' || reply.outcome === 'lost' || reply.outcome === 'ticket' ? reply.outcome : 'lost';
    return {
      eventId,
      outcome,
      reason: reply.reason === '' ? null : reply.reason,
      campaignId: c.def.id,
      prize: reply.prizeJson === '' ? null : JSON.parse(reply.prizeJson),
      ticket,
      chances: reply.chances,
      set: reply.set === null ? null : { id: reply.set.id, completed: reply.set.completed, prize: reply.set.prizeJson === '' ? null : JSON.parse(reply.set.prizeJson), reason: reply.set.reason === '' ? null : reply.set.reason },
      random: r,
    };
  }

  /** the guaranteed prizes first, then the one r falls on for the user's level (none: no candidate); a card brings its set */
  async #candidates(c: CompiledCampaign, user: string, r: number, eventId: string): Promise<Candidates> {
    const list: DrawCandidate[] = [];
    for (const p of c.guaranteed.consumer) list.push(this.#candidate(c, p, 1, eventId, false));
    const draw = c.consumer;
    if (draw.prizes.length === 0) return { list, set: null };
    const level = user.startsWith(ANON_PREFIX) ? 0 : Math.min(9, Math.max(0, Number((await this.redis.hget(keys.member(homeShard(user), user), 'level')) ?? 0) || 0));
    const idx = pick(draw.tables[draw.tableOfLevel[level] as number]!, r);
    if (idx < 0) return { list, set: null };
    const p = draw.prizes[idx]!;
    const m = c.pointsMultipliers !== null && p.kind === 'points' ? (c.pointsMultipliers[level] ?? 1) : 1;
    list.push(this.#candidate(c, p, m, eventId, true));
    const setPrize = p.set === undefined ? undefined : c.def.prizes.find((x) => x.completes === p.set);
    if (setPrize === undefined) return { list, set: null };
    const cards = c.def.prizes.filter((x) => x.set === p.set).map((x) => x.id);
    // the set prize's voucher is its own: derived from the draw's event id and the set
    return { list, set: { id: p.set!, cards, prize: this.#candidate(c, setPrize, 1, `${eventId}-set`, false) } };
  }

  #candidate(c: CompiledCampaign, p: Prize, multiplier: number, eventId: string, drawn: boolean): DrawCandidate {
    return prizeCandidate(c, p, multiplier, eventId, drawn, this.vouchers);
  }
}
