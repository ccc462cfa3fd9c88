// Check-ins (门店打卡): a user scans a shop's scene code. The engine reads the scene code (a forged one
// never reaches Redis), finds the shop and the live campaign that takes check-ins, checks the position,
// and one checkIn script call on the user's home shard records it at most once per user, shop and
// campaign day, with the points and draw chances it grants and its event (`"type":"checkin"`).
import { ApiError, badRequest, conflict, invalidCode, notFound, unavailable } from '../errors.js';
import { homeShard, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { EventIds } from '../scan/event-ids.js';
import type { SceneCodec } from '../codes/scene-codec.js';
import type { CampaignStore, CompiledCampaign } from '../campaigns/campaign-store.js';
import { phaseOf } from '../campaigns/campaign.js';
import { ANON_PREFIX } from '../identity/anonymous.js';
import { metresBetween, type Shop } from './shop.js';
import type { ShopStore } from './shop-store.js';
import { checkIn, type CheckInReply } from './check-in-call.js';
import { PerScansCredit } from '../chances/per-scans.js';

/** a check-in answered `stale` is sent again with the script's time at most this often */
const STALE_RETRIES = 3;

export interface CheckInInput {
  readonly sceneCode: string;
  readonly user: string;
  readonly lat: number | null;
  readonly lng: number | null;
  /** which campaign, when several live ones take check-ins */
  readonly campaignId: string | null;
}

export type CheckInBlock = 'campaign_paused' | 'no_position' | 'geofence' | 'blacklisted';

export type CheckInResult =
  | {
      readonly outcome: 'checked_in';
      readonly eventId: string;
      readonly at: string;
      readonly shop: Shop;
      readonly campaign: CompiledCampaign;
      readonly day: string;
      readonly granted: { readonly points: number; readonly chances: number };
      /** the user's draw chances in the campaign after the check-in */
      readonly chances: number;
    }
  | { readonly outcome: 'blocked'; readonly reason: CheckInBlock; readonly shop: Shop; readonly campaign: CompiledCampaign };

/** the campaigns a check-in may count for at `now`: live (or paused: the check-in is refused as paused) with a check-in rule */
export function campaignsTakingCheckIns(all: Iterable<CompiledCampaign>, now: number): CompiledCampaign[] {
  return [...all].filter((c) => c.def.checkin && ['live', 'paused'].includes(phaseOf(c.def, now)));
}

export class CheckIns {
  readonly #perScans: PerScansCredit;

  constructor(
    private readonly redis: RedisClient,
    private readonly scenes: SceneCodec,
    private readonly shops: ShopStore,
    private readonly campaigns: CampaignStore,
    private readonly ids: EventIds,
    private readonly now: () => number,
  ) {
    this.#perScans = new PerScansCredit(redis, ids, now);
  }

  /** the shop of a scene code: a code whose MAC fails is invalid_code (no Redis read) */
  async shopOf(sceneCode: string): Promise<Shop> {
    const n = this.scenes.decode(sceneCode);
    if (n === null) throw invalidCode();
    const shop = await this.shops.byNumber(n);
    if (shop === null) throw notFound('shop of this scene code');
    return shop;
  }

  /** the campaign a check-in counts for: the one named, or the only live (or paused) one with a check-in rule */
  campaignFor(campaignId: string | null, now: number): CompiledCampaign {
    if (campaignId !== null) {
      const c = this.campaigns.get(campaignId);
      if (c === undefined) throw notFound(`campaign ${campaignId}`);
      if (!c.def.checkin) throw badRequest('campaignId', `campaign ${campaignId} takes no check-ins`);
      const phase = phaseOf(c.def, now);
      if (phase !== 'live' && phase !== 'paused') throw conflict(`campaign ${campaignId} is ${phase}`);
      return c;
    }
    const open = campaignsTakingCheckIns(this.campaigns.all(), now);
    if (open.length === 0) throw conflict('no live campaign takes check-ins');
    if (open.length > 1) throw badRequest('campaignId', `is required: ${open.length} live campaigns take check-ins`);
    return open[0] as CompiledCampaign;
  }

  async checkIn(input: CheckInInput): Promise<CheckInResult> {
    const shop = await this.shopOf(input.sceneCode);
    const now = this.now();
    const campaign = this.campaignFor(input.campaignId, now);
    const rule = campaign.def.checkin!;
    const blocked = (reason: CheckInBlock): CheckInResult => ({ outcome: 'blocked', reason, shop, campaign });
    if (phaseOf(campaign.def, now) === 'paused') return blocked('campaign_paused');
    if (input.lat === null || input.lng === null) {
      if (rule.position === 'required') return blocked('no_position');
    } else if (shop.lat !== null && shop.lng !== null && metresBetween(input.lat, input.lng, shop.lat, shop.lng) > shop.radiusM) {
      return blocked('geofence');
    }
    const anon = input.user.startsWith(ANON_PREFIX);
    const tag = homeShard(input.user);
    if (!anon && (await this.redis.hget(keys.member(tag, input.user), 'blocked')) === '1') return blocked('blacklisted');

    // 满N次 with several shards: the chances the user's scans earned are credited first, so that the
    // balance the check-in answers holds them (as a draw's and a balance read's do)
    await this.#perScans.credit(campaign, input.user);
    const eventId = this.ids.next(now);
    // anonymous visitors own nothing of a member: no points, chances only
    const points = anon ? 0 : rule.points;
    // the engine's estimate of the shared clock names the day; the script's clock decides it (a day's
    // edge, a clock shift not heard yet: `stale` with its time, which names the day the next time)
    let t = now;
    for (let attempt = 0; ; attempt++) {
      const b = campaign.day.bounds(t);
      const head =
        `{"id":"${eventId}","type":"checkin","user":${JSON.stringify(input.user)},"shop":${JSON.stringify(shop.id)},` +
        `"campaignId":${JSON.stringify(campaign.def.id)},"day":"${b.day}","lat":${input.lat ?? 'null'},"lng":${input.lng ?? 'null'},` +
        `"granted":{"points":${points},"chances":${rule.chances}}`;
      const reply: CheckInReply = await checkIn(
        this.redis,
        tag,
        { user: input.user, userKey: anon ? keys.anonCounters(tag, input.user) : keys.member(tag, input.user), shop: shop.id, campaignId: campaign.def.id, day: b.day, dayStart: b.start, dayEnd: b.end, eventId, points, chances: rule.chances },
        head,
      );
      if (reply.outcome === 'stale') {
        if (attempt >= STALE_RETRIES) throw unavailable('the campaign day could not be agreed on; retry');
        t = reply.now;
        continue;
      }
      if (reply.outcome === 'already') throw new ApiError('already_checked_in', `user ${input.user} checked in at shop ${shop.id} on ${b.day} already (event ${reply.eventId})`);
      return { outcome: 'checked_in', eventId, at: new Date(reply.now).toISOString(), shop, campaign, day: b.day, granted: { points, chances: rule.chances }, chances: reply.chances };
    }
  }
}
