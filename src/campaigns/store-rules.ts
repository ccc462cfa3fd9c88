// A campaign's rules for the store as a place: check-ins at shops (门店打卡), draw chances (抽奖机会) and
// draws revealed in the shop (线上抽奖,线下开奖). Each is optional: a campaign without them is the
// campaign it always was (the scan path never reads them).
import { asObject, oneOf, optInt, type JsonObject } from '../validation/json-fields.js';

export interface CheckinRule {
  /** required: a check-in without lat/lng is refused (no_position); with one, it must be within the shop's radius */
  position: 'optional' | 'required';
  /** points credited to a member per check-in (anonymous visitors hold none) */
  points: number;
  /** draw chances granted per check-in */
  chances: number;
}

export interface ChancesRule {
  /** every N-th counted first scan of a user in the campaign grants one chance (满N次); null: none */
  perScans: number | null;
}

export interface StoreRules {
  checkin?: CheckinRule;
  chances?: ChancesRule;
  /** in_shop: a draw answers a sealed ticket, decided when it is presented in a shop */
  reveal?: 'in_shop';
}

export function parseStoreRules(body: JsonObject): StoreRules {
  const out: StoreRules = {};
  if (body.checkin !== undefined && body.checkin !== null) {
    const c = asObject(body.checkin, 'checkin');
    out.checkin = {
      position: oneOf(c, 'position', ['optional', 'required'] as const, 'optional', 'checkin.position'),
      points: optInt(c, 'points', 0, 1_000_000, 'checkin.points') ?? 0,
      chances: optInt(c, 'chances', 0, 1000, 'checkin.chances') ?? 0,
    };
  }
  if (body.chances !== undefined && body.chances !== null) {
    const c = asObject(body.chances, 'chances');
    out.chances = { perScans: optInt(c, 'perScans', 1, 1_000_000, 'chances.perScans') };
  }
  if (oneOf(body, 'reveal', ['instant', 'in_shop'] as const, 'instant') === 'in_shop') out.reveal = 'in_shop';
  return out;
}

/** the rules as a campaign's public form shows them (absent ones left out) */
export function publicStoreRules(r: StoreRules): JsonObject {
  return {
    ...(r.checkin ? { checkin: r.checkin } : {}),
    ...(r.chances ? { chances: r.chances } : {}),
    reveal: r.reveal ?? 'instant',
  };
}
