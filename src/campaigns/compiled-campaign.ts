// A campaign definition compiled once for the hot path: the draw tables per audience, the day in its time
// zone, the prize JSON heads the answers are built from, points multipliers, guaranteed prizes.
import type { Campaign, Prize } from './campaign.js';
import { buildAudienceDraw, type AudienceDraw } from './draw-table.js';
import { CampaignDay } from './campaign-day.js';
import { pointsMultipliers } from './points-boost.js';

export interface CompiledCampaign {
  readonly def: Campaign;
  readonly consumer: AudienceDraw;
  readonly shop: AudienceDraw;
  readonly clerk: AudienceDraw;
  readonly day: CampaignDay;
  /** prize id -> JSON of the prize up to its amount: `{"id":…,"name":…,"kind":…,"amount":` */
  readonly prizeJsonHead: ReadonlyMap<string, string>;
  /** pointsBoost per member level 0..9, or null when every level gets the plain amount */
  readonly pointsMultipliers: readonly number[] | null;
  /** prizes with a guaranteed release, per audience (a scan may win one whatever it drew) */
  readonly guaranteed: { readonly consumer: readonly Prize[]; readonly shop: readonly Prize[] };
  /** the start (ms) of the calendar day, in the campaign's time zone, that startsAt falls in */
  readonly firstDayStart: number;
  /** 集卡: whether a prize is a card of a set (a scan that wins one counts it in the user's cards) */
  readonly hasCards: boolean;
}

export function compileCampaign(def: Campaign): CompiledCampaign {
  const multipliers = pointsMultipliers(def.pointsBoost);
  const prizeJsonHead = new Map<string, string>();
  for (const p of def.prizes) {
    prizeJsonHead.set(p.id, `{"id":${JSON.stringify(p.id)},"name":${JSON.stringify(p.name)},"kind":"${p.kind}","amount":`);
  }
  return {
    def,
    consumer: buildAudienceDraw(def, 'consumer'),
    shop: buildAudienceDraw(def, 'shop'),
    clerk: buildAudienceDraw(def, 'clerk'),
    day: new CampaignDay(def.timezone),
    prizeJsonHead,
    pointsMultipliers: multipliers.every((m) => m === 1) ? null : multipliers,
    guaranteed: {
      consumer: def.prizes.filter((p) => p.guaranteed === true && p.for === 'consumer'),
      shop: def.prizes.filter((p) => p.guaranteed === true && p.for === 'shop'),
    },
    firstDayStart: new CampaignDay(def.timezone).bounds(def.startsAtMs).start,
    hasCards: def.prizes.some((p) => p.set !== undefined),
  };
}
