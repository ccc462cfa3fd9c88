// A campaign as the brand defines it, and the validation of its input.
import { badRequest } from '../errors.js';
import { MAX_BATCH_ID } from '../codes/code-codec.js';
import { asObject, oneOf, optBool, optInt, reqInt, reqNumber, reqString, type JsonObject } from '../validation/json-fields.js';
import { parseStoreRules, publicStoreRules, type StoreRules } from './store-rules.js';
import { checkSets, parseSets, publicSets } from './card-sets.js';
import { parseAnimation, parseClaim, parsePageSettings, parseRedeemBy, parseTheme, type Animation, type PageSettings, type Theme } from './page-settings.js';

export type PrizeKind = 'cash' | 'points' | 'coupon' | 'gift' | 'card';
export type Audience = 'consumer' | 'shop' | 'clerk';
export type Geofence = 'off' | 'flag' | 'block';
/**
 * set by PATCH (or `draft` at creation); absent = live. `scheduled` and a past end are derived from the
 * times, never stored. A draft covers no code and may still be edited; publishing makes it live.
 */
export type CampaignState = 'draft' | 'live' | 'paused' | 'ended';
export type CampaignPhase = 'scheduled' | CampaignState;

export interface Prize {
  id: string;
  name: string;
  kind: PrizeKind;
  for: Audience;
  probability: number;
  /** parts per million, exact */
  ppm: number;
  amount: number | { min: number; max: number } | null;
  stock: number | null;
  budget: number | null;
  dailyCap: number | null;
  perUserCap: number | null;
  /** pacing: units released per day (in the campaign time zone) or per hour from startsAt; null: all at once */
  release?: Release | null;
  /** every released unit is won within its day (hour) by an eligible first scan; only with release */
  guaranteed?: boolean;
  /** how the winner claims it, shown with the win (absent: the page's default for the kind) */
  claim?: string;
  /** vouchers (gift, coupon) are honoured until then: a date (end of that day in the campaign's zone) or a date-time */
  redeemBy?: string;
  /** a card (集卡): the set it belongs to */
  set?: string;
  /** the prize of a complete set: the set's id (never drawn itself: probability 0) */
  completes?: string;
}

export type Release = { perDay: number } | { perHour: number };

export interface Limits {
  userScansPerDay: number | null;
  userWinsPerDay: number | null;
  ipScansPerMinute: number | null;
}

export interface Campaign extends StoreRules {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string;
  startsAtMs: number;
  endsAtMs: number;
  timezone: string;
  scope: { skus: string[]; batchIds: number[] };
  prizes: Prize[];
  levelBoost: Record<string, number>;
  /** points prizes multiplied by level, as levelBoost does odds; absent in campaigns stored before it */
  pointsBoost?: Record<string, number>;
  limits: Limits;
  geofence: Geofence;
  /** "required": a scan without lat/lng is blocked (no_position) and does not consume the code; absent in campaigns stored before the field existed */
  position?: 'optional' | 'required';
  createdAt: string;
  state?: CampaignState;
  /** the scan page's brand settings; absent in campaigns stored before them */
  page?: PageSettings;
  theme?: Theme;
  animation?: Animation;
}

export const CAMPAIGN_ID_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const PRIZE_ID_RE = /^[A-Za-z0-9_.-]{1,32}$/;
/** names of Object.prototype's own machinery: an id that is one would vanish or misbehave wherever an id keys an object */
const RESERVED_IDS = new Set(['__proto__', 'constructor', 'prototype']);
const notReserved = (id: string, path: string): string => {
  if (RESERVED_IDS.has(id)) throw badRequest(path, `${id} is a reserved name`);
  return id;
};
const NAME_RE = /^[^\u0000-\u001f]{1,200}$/u;
const SKU_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_AMOUNT = 1_000_000_000_000;

function parseInstant(o: JsonObject, field: string): { text: string; ms: number } {
  const text = reqString(o, field, /^\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})$/, 'an ISO 8601 date-time with offset');
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw badRequest(field, 'is not a valid date-time');
  return { text, ms };
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function parseAmount(p: JsonObject, path: string): Prize['amount'] {
  const a = p.amount;
  if (a === undefined || a === null) return null;
  if (typeof a === 'number') {
    if (!Number.isInteger(a) || a < 0 || a > MAX_AMOUNT) throw badRequest(`${path}.amount`, `must be an integer from 0 to ${MAX_AMOUNT}`);
    return a;
  }
  const r = asObject(a, `${path}.amount`);
  const min = reqInt(r, 'min', 0, MAX_AMOUNT, `${path}.amount.min`);
  const max = reqInt(r, 'max', 0, MAX_AMOUNT, `${path}.amount.max`);
  if (max < min) throw badRequest(`${path}.amount.max`, 'must be at least min');
  return { min, max };
}

function parseRelease(p: JsonObject, path: string): Release | null {
  if (p.release === undefined || p.release === null) return null;
  const r = asObject(p.release, `${path}.release`);
  const names = Object.keys(r);
  if (names.length !== 1 || (names[0] !== 'perDay' && names[0] !== 'perHour')) {
    throw badRequest(`${path}.release`, 'must hold exactly one of perDay, perHour');
  }
  const unit = names[0];
  const n = reqInt(r, unit, 1, 1_000_000_000, `${path}.release.${unit}`);
  return unit === 'perDay' ? { perDay: n } : { perHour: n };
}

/** `{"3": 2}`: levels 0-9 to a multiplier above 0, at most 1000 (levelBoost and pointsBoost). */
function parseLevelMap(body: JsonObject, field: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (body[field] === undefined || body[field] === null) return out;
  const lb = asObject(body[field], field);
  for (const [k, v] of Object.entries(lb)) {
    if (!/^[0-9]$/.test(k)) throw badRequest(`${field}.${k}`, 'keys must be levels 0-9');
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 1000) throw badRequest(`${field}.${k}`, 'must be a number above 0, at most 1000');
    out[k] = v;
  }
  return out;
}

export function parsePrize(value: unknown, i: number, path = `prizes[${i}]`): Prize {
  const p = asObject(value, path);
  const id = notReserved(reqString(p, 'id', PRIZE_ID_RE, '1-32 characters of [A-Za-z0-9_.-]', `${path}.id`), `${path}.id`);
  const name = reqString(p, 'name', NAME_RE, '1-200 characters', `${path}.name`);
  const kind = oneOf(p, 'kind', ['cash', 'points', 'coupon', 'gift', 'card'] as const, 'gift', `${path}.kind`);
  if (p.kind === undefined) throw badRequest(`${path}.kind`, 'is required');
  const audience = oneOf(p, 'for', ['consumer', 'shop', 'clerk'] as const, 'consumer', `${path}.for`);
  const probability = reqNumber(p, 'probability', 0, 1, `${path}.probability`);
  const ppm = Math.round(probability * 1_000_000);
  if (Math.abs(probability * 1_000_000 - ppm) > 1e-6) throw badRequest(`${path}.probability`, 'must have at most 6 decimals');
  const amount = parseAmount(p, path);
  if ((kind === 'cash' || kind === 'points') && amount === null) throw badRequest(`${path}.amount`, `is required for ${kind} prizes`);
  const budget = optInt(p, 'budget', 0, Number.MAX_SAFE_INTEGER, `${path}.budget`);
  if (budget !== null && amount === null) throw badRequest(`${path}.budget`, 'needs an amount');
  const release = parseRelease(p, path);
  const guaranteed = optBool(p, 'guaranteed', `${path}.guaranteed`) ?? false;
  if (guaranteed && release === null) throw badRequest(`${path}.guaranteed`, 'needs a release (perDay or perHour)');
  const set = kind === 'card' ? reqString(p, 'set', PRIZE_ID_RE, '1-32 characters of [A-Za-z0-9_.-]', `${path}.set`) : null;
  const claim = parseClaim(p, path);
  const redeemBy = parseRedeemBy(p, path, kind);
  return {
    id,
    name,
    kind,
    for: audience,
    probability,
    ppm,
    amount,
    stock: optInt(p, 'stock', 0, Number.MAX_SAFE_INTEGER, `${path}.stock`),
    budget,
    dailyCap: optInt(p, 'dailyCap', 1, Number.MAX_SAFE_INTEGER, `${path}.dailyCap`),
    perUserCap: optInt(p, 'perUserCap', 1, Number.MAX_SAFE_INTEGER, `${path}.perUserCap`),
    // only when pacing is asked for: a prize without it reads as before
    ...(release === null ? {} : { release, guaranteed }),
    ...(set === null ? {} : { set }),
    ...(claim === null ? {} : { claim }),
    ...(redeemBy === null ? {} : { redeemBy }),
  };
}

export function parseCampaignInput(body: JsonObject, now: number): Campaign {
  const id = notReserved(reqString(body, 'id', CAMPAIGN_ID_RE, '1-64 characters of [A-Za-z0-9_.-]'), 'id');
  const name = body.name === undefined ? id : reqString(body, 'name', NAME_RE, '1-200 characters');
  const starts = parseInstant(body, 'startsAt');
  const ends = parseInstant(body, 'endsAt');
  if (ends.ms <= starts.ms) throw badRequest('endsAt', 'must be after startsAt');
  const timezone = body.timezone === undefined ? 'UTC' : reqString(body, 'timezone', /^[A-Za-z0-9_+\-/]{1,64}$/, 'an IANA time zone');
  if (!isTimeZone(timezone)) throw badRequest('timezone', 'is not a known IANA time zone');

  const scopeObj = asObject(body.scope, 'scope');
  const skusRaw = scopeObj.skus ?? [];
  const idsRaw = scopeObj.batchIds ?? [];
  if (!Array.isArray(skusRaw) || skusRaw.length > 1000 || !skusRaw.every((s) => typeof s === 'string' && SKU_RE.test(s))) {
    throw badRequest('scope.skus', 'must be an array of at most 1000 skus');
  }
  if (!Array.isArray(idsRaw) || idsRaw.length > 10_000 || !idsRaw.every((n) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_BATCH_ID)) {
    throw badRequest('scope.batchIds', 'must be an array of at most 10000 batch ids');
  }
  if (skusRaw.length === 0 && idsRaw.length === 0) throw badRequest('scope', 'must name at least one sku or batchId');

  if (!Array.isArray(body.prizes) || body.prizes.length > 50) throw badRequest('prizes', 'must be an array of at most 50 prizes');
  const prizes = [...body.prizes.map((p, i) => parsePrize(p, i)), ...parseSets(body, body.prizes.length, parsePrize)];
  const seen = new Set<string>();
  for (const [i, p] of prizes.entries()) {
    if (seen.has(p.id)) throw badRequest(`prizes[${i}].id`, `duplicates ${p.id}`);
    seen.add(p.id);
  }
  checkSets(prizes);
  for (const audience of ['consumer', 'shop', 'clerk'] as const) {
    const sum = prizes.filter((p) => p.for === audience).reduce((a, p) => a + p.ppm, 0);
    if (sum > 1_000_000) throw badRequest('prizes', `probabilities for ${audience} sum to more than 1`);
  }

  const page = parsePageSettings(body);
  const levelBoost = parseLevelMap(body, 'levelBoost');
  const pointsBoost = parseLevelMap(body, 'pointsBoost');

  const limitsObj = body.limits === undefined || body.limits === null ? {} : asObject(body.limits, 'limits');
  const limits: Limits = {
    userScansPerDay: optInt(limitsObj, 'userScansPerDay', 1, 1_000_000, 'limits.userScansPerDay'),
    userWinsPerDay: optInt(limitsObj, 'userWinsPerDay', 1, 1_000_000, 'limits.userWinsPerDay'),
    ipScansPerMinute: optInt(limitsObj, 'ipScansPerMinute', 1, 1_000_000, 'limits.ipScansPerMinute'),
  };

  return {
    id,
    name,
    startsAt: starts.text,
    endsAt: ends.text,
    startsAtMs: starts.ms,
    endsAtMs: ends.ms,
    timezone,
    scope: { skus: [...new Set(skusRaw as string[])], batchIds: [...new Set(idsRaw as number[])] },
    prizes,
    levelBoost,
    pointsBoost,
    limits,
    geofence: oneOf(body, 'geofence', ['off', 'flag', 'block'] as const, 'off'),
    position: oneOf(body, 'position', ['optional', 'required'] as const, 'optional'),
    createdAt: new Date(now).toISOString(),
    ...(page === null ? {} : { page }),
    theme: parseTheme(body),
    animation: parseAnimation(body),
    ...parseStoreRules(body),
    ...(oneOf(body, 'state', ['draft', 'live'] as const, 'live') === 'draft' ? { state: 'draft' as const } : {}),
  };
}

/** The public form of a campaign: what was defined, without internal fields. */
export function publicCampaign(c: Campaign): JsonObject {
  return {
    id: c.id,
    name: c.name,
    startsAt: c.startsAt,
    endsAt: c.endsAt,
    timezone: c.timezone,
    scope: c.scope,
    prizes: c.prizes.filter((p) => p.completes === undefined).map(({ ppm: _ppm, ...p }) => p),
    ...publicSets(c.prizes),
    levelBoost: c.levelBoost,
    pointsBoost: c.pointsBoost ?? {},
    limits: c.limits,
    geofence: c.geofence,
    position: c.position ?? 'optional',
    createdAt: c.createdAt,
    page: c.page ?? {},
    theme: c.theme ?? 'default',
    animation: c.animation ?? 'plain',
    ...publicStoreRules(c),
  };
}

/** The fields of a campaign's input, from its definition: a draft's edit is merged into them and checked again. */
export function campaignInput(c: Campaign): JsonObject {
  const { createdAt: _c, ...input } = publicCampaign(c);
  return input;
}

/** Where a campaign stands at `now`: ended (by an operator or by its end), paused, scheduled or live. */
export function phaseOf(c: Campaign, now: number): CampaignPhase {
  if (c.state === 'draft') return 'draft';
  if (c.state === 'ended' || now >= c.endsAtMs) return 'ended';
  if (c.state === 'paused') return 'paused';
  return now < c.startsAtMs ? 'scheduled' : 'live';
}
