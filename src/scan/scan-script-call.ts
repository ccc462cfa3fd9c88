// The TypeScript side of lua/scanCodes-1.lua: its header, mirrored. One call = the scans of one turn
// for one shard; this module writes its arguments and reads its reply, nothing else. A test
// (scan-script-call.test.ts) holds this mirror to the script's header.
import { MsgpackWriter } from '../redis/msgpack-writer.js';
import { ALL_SHARDS, campaignPrefix, keys, scanKeyPrefixes, type ShardTag } from '../redis/keys.js';

/** ARGV 10 items 8-14 of one campaign in one shard: the same for every call, packed once (15 follows per call) */
export interface CampaignStatic {
  readonly id: string;
  readonly prefix: string;
  readonly startsAt: number;
  readonly endsAt: number;
  /** userScansPerDay, userWinsPerDay, ipScansPerMinute, geofence, position required, prize specs, id */
  readonly tail: Buffer;
  readonly specCount: number;
  /** item 16: where userScansPerDay and userWinsPerDay are counted ('s' here, 'h' on the user's home shard) */
  readonly limitModes: string;
  /** items 17-18, only for a campaign granting a draw chance every N first scans (满N次): N and the chances key prefix ('' with several shards: count only) */
  readonly perScans: { readonly n: number; readonly chancesPrefix: string } | null;
  /** items 19-20, only for a campaign with card sets (集卡) on one shard: the cards key prefix and the sets */
  readonly sets: { readonly cardsPrefix: string; readonly list: readonly CardSetSpec[] } | null;
}

/** a card set as the scan script reads it: its id, its prize's spec index and its cards' (from 1) */
export interface CardSetSpec {
  readonly id: string;
  readonly prize: number;
  readonly cards: readonly number[];
}

export interface PrizeSpecLimits {
  readonly id: string;
  readonly stock: number | null;
  readonly budget: number | null;
  readonly dailyCap: number | null;
  readonly perUserCap: number | null;
  readonly release?: { readonly perDay: number } | { readonly perHour: number } | null;
  readonly guaranteed?: boolean;
}

/** the limits as this shard checks them (src/scan/limit-placement.ts) */
export interface CampaignLimits {
  readonly userScansPerDay: number | null;
  readonly userWinsPerDay: number | null;
  readonly ipScansPerMinute: number | null;
  /** 's' or 'h' for userScansPerDay, then userWinsPerDay (header item 16) */
  readonly limitModes: string;
  readonly geofence: 'off' | 'flag' | 'block';
  readonly positionRequired: boolean;
}

export function campaignStatic(tag: ShardTag, id: string, startsAt: number, endsAt: number, limits: CampaignLimits, specs: readonly PrizeSpecLimits[], perScans: number | null = null, sets: readonly CardSetSpec[] | null = null): CampaignStatic {
  const w = new MsgpackWriter(256);
  w.int(limits.userScansPerDay ?? 0);
  w.int(limits.userWinsPerDay ?? 0);
  w.int(limits.ipScansPerMinute ?? 0);
  w.str(limits.geofence);
  w.str(limits.positionRequired ? '1' : '0');
  w.array(specs.length);
  for (const p of specs) {
    w.array(8);
    w.str(p.id);
    w.str(p.stock === null ? '0' : '1');
    w.str(p.budget === null ? '0' : '1');
    w.int(p.dailyCap ?? 0);
    w.int(p.perUserCap ?? 0);
    const r = p.release ?? null;
    w.str(r === null ? '' : 'perDay' in r ? 'd' : 'h');
    w.int(r === null ? 0 : 'perDay' in r ? r.perDay : r.perHour);
    w.str(r !== null && p.guaranteed === true ? '1' : '0');
  }
  w.str(id);
  return {
    id,
    prefix: campaignPrefix(tag, id),
    startsAt,
    endsAt,
    tail: w.take(),
    specCount: specs.length,
    limitModes: limits.limitModes,
    // with several shards the scan only counts; the user's home shard credits (src/chances/per-scans.ts)
    perScans: perScans === null ? null : { n: perScans, chancesPrefix: ALL_SHARDS.length === 1 ? keys.chances(tag, '') : '' },
    sets: sets === null || sets.length === 0 ? null : { cardsPrefix: keys.cards(tag, ''), list: sets },
  };
}

/** The campaign a scan names, with what the engine believes of it at its estimate of the shared clock. */
export interface CampaignBelief {
  readonly campaign: CampaignStatic;
  readonly live: boolean;
  readonly day: string;
  readonly dayStart: number;
  readonly dayEnd: number;
  /** the day's number since the campaign's first day */
  readonly dayIndex: number;
}

export interface ChosenPrize {
  /** index into the campaign's specs, from 1 */
  readonly spec: number;
  readonly json: string;
  readonly amount: number;
}

export interface ScanArgs {
  readonly batchId: number;
  readonly serial: number;
  readonly user: string;
  readonly eventId: string;
  readonly head: string;
  readonly campaign: CampaignBelief | null;
  readonly kind: 'item' | 'box';
  readonly shop: string;
  readonly clerk: string;
  readonly lat: number | null;
  readonly lng: number | null;
  readonly region: { readonly lat: number; readonly lng: number; readonly radiusKm: number } | null;
  /** "boxBatchId:boxSerial" of the box holding this item, '' when its batch is not packed in boxes */
  readonly box: string;
  readonly boxKm: number;
  readonly ip: string;
  /** 10 characters, per member level: '0' no prize, '1'.. the index into `chosen` */
  readonly levelMap: string;
  /** index into `chosen` of the clerk's prize, 0 none; after the drawn ones, the guaranteed prizes of the audience */
  readonly clerkChoice: number;
  /** '' when the code's shard decides the user's and the IP's limits; else what their home shards decided (header, item 20) */
  readonly pre: string;
  /** per chosen prize, '1' when that prize out in this shard's bucket answers `short` (the engine may pull units from other shards); '' none */
  readonly short: string;
  readonly chosen: readonly ChosenPrize[];
}

export const OUTCOMES = ['won', 'lost', 'verified', 'repeat', 'blocked', 'stale', 'expired', 'short', 'error'] as const;
export type ScriptOutcome = (typeof OUTCOMES)[number];

/**
 * outcome, reason, scanCount, firstAtMs, sameUser (0|1), prizeJSON, originalEventId, originalOutcome,
 * original prize (campaignId|prizeId|amount or '', see code-record.ts; JSON from a legacy record), clerk won
 * ('1' | ''), followed by '|<setId>|<completions>|<set prize JSON or ''>|<reason or ''>' when the scanner's card completed a set
 */
export type ScanReply = readonly [ScriptOutcome, string, string, string, string, string, string, string, string, string];
export const REPLY_FIELDS = 10;
const SEPARATOR = '\x1f';

/** One call being assembled: scans are written as they arrive, campaigns once per call. Reused after take(). */
export class ScanCall {
  readonly #scans = new MsgpackWriter();
  #scansHead = this.#scans.reserveArray();
  readonly #campaigns = new MsgpackWriter(1024);
  #campaignsHead = this.#campaigns.reserveArray();
  /** campaign id + belief -> index in ARGV 10, from 1 */
  readonly #campaignIndex = new Map<string, number>();
  count = 0;
  readonly #prefixes: readonly string[];
  readonly #shard: string;
  readonly #shards: string;
  readonly #legacyCodes: string;

  constructor(readonly tag: ShardTag, readonly stream: string) {
    this.#prefixes = scanKeyPrefixes(tag);
    this.#legacyCodes = keys.legacyCode(tag, 0, 0).slice(0, -3);
    this.#shard = String(ALL_SHARDS.indexOf(tag));
    this.#shards = String(ALL_SHARDS.length);
  }

  add(s: ScanArgs): void {
    const w = this.#scans;
    w.array(21 + 3 * s.chosen.length);
    w.int(s.batchId);
    w.int(s.serial);
    w.str(s.user);
    w.str(s.eventId);
    w.str(s.head);
    w.int(s.campaign === null ? 0 : this.#campaignOf(s.campaign));
    w.str(s.kind);
    w.str(s.shop);
    w.str(s.clerk);
    if (s.lat === null || s.lng === null) {
      w.str('');
      w.str('');
    } else {
      w.num(s.lat);
      w.num(s.lng);
    }
    if (s.region === null) {
      w.str('');
      w.str('');
      w.str('');
    } else {
      w.num(s.region.lat);
      w.num(s.region.lng);
      w.num(s.region.radiusKm);
    }
    w.str(s.box);
    w.num(s.boxKm);
    w.str(s.ip);
    w.str(s.levelMap);
    w.int(s.clerkChoice);
    w.str(s.pre);
    w.str(s.short);
    for (const c of s.chosen) {
      w.int(c.spec);
      w.str(c.json);
      w.int(c.amount);
    }
    this.count++;
  }

  #campaignOf(b: CampaignBelief): number {
    // a belief is part of the block: two scans of one turn that believe differently get a block each
    const id = b.live ? `1${b.campaign.id}` : `0${b.campaign.id}`;
    let i = this.#campaignIndex.get(id);
    if (i !== undefined) return i;
    i = this.#campaignIndex.size + 1;
    this.#campaignIndex.set(id, i);
    const w = this.#campaigns;
    const { perScans, sets } = b.campaign;
    w.array(sets !== null ? 20 : perScans !== null ? 18 : 16);
    w.str(b.campaign.prefix);
    w.int(b.campaign.startsAt);
    w.int(b.campaign.endsAt);
    w.str(b.live ? '1' : '0');
    w.str(b.day);
    w.int(b.dayStart);
    w.int(b.dayEnd);
    w.raw(b.campaign.tail);
    w.int(b.dayIndex);
    w.str(b.campaign.limitModes);
    if (perScans !== null || sets !== null) {
      w.int(perScans?.n ?? 0);
      w.str(perScans?.chancesPrefix ?? '');
    }
    if (sets !== null) {
      w.str(sets.cardsPrefix);
      w.array(sets.list.length);
      for (const set of sets.list) {
        w.array(3);
        w.str(set.id);
        w.int(set.prize);
        w.array(set.cards.length);
        for (const card of set.cards) w.int(card);
      }
    }
    return i;
  }

  /** KEYS and ARGV of the call, in the header's order; the call is empty again afterwards. */
  take(deadline: number, believedNow: number): (string | Buffer)[] {
    this.#scans.setArrayLength(this.#scansHead, this.count);
    this.#campaigns.setArrayLength(this.#campaignsHead, this.#campaignIndex.size);
    const args = [this.stream, String(deadline), String(believedNow), ...this.#prefixes, this.#campaigns.take(), this.#scans.take(), this.#shard, this.#shards, this.#legacyCodes];
    this.#scansHead = this.#scans.reserveArray();
    this.#campaignsHead = this.#campaigns.reserveArray();
    this.#campaignIndex.clear();
    this.count = 0;
    return args;
  }

}

export interface CallReply {
  /** the shared clock's ms when Redis ran the call */
  readonly now: number;
  readonly scans: ScanReply[];
}

export function readReply(reply: unknown, scans: number): CallReply {
  const values = typeof reply === 'string' ? reply.split(SEPARATOR) : [];
  if (values.length !== 1 + scans * REPLY_FIELDS) throw new Error(`scan script answered ${values.length} values for ${scans} scans`);
  const out: ScanReply[] = new Array(scans);
  for (let i = 0; i < scans; i++) out[i] = values.slice(1 + i * REPLY_FIELDS, 1 + (i + 1) * REPLY_FIELDS) as unknown as ScanReply;
  return { now: Number(values[0]), scans: out };
}

/** the set a scan's card completed (the reply's 10th value after '|'), or null */
export interface CompletedSet {
  readonly id: string;
  readonly completed: number;
  /** the set prize's JSON, '' when it was not won */
  readonly prizeJson: string;
  /** why the set prize was not won, '' when it was */
  readonly reason: string;
}

/** whether the clerk won the clerk's prize, from the reply's 10th value */
export const clerkWon = (tenth: string): boolean => tenth.charCodeAt(0) === 49; // '1'

export function completedSet(tenth: string): CompletedSet | null {
  const at = tenth.indexOf('|');
  if (at < 0) return null;
  const m = /^\|([^|]*)\|(\d+)\|(.*)\|([^|]*)$/s.exec(tenth.slice(at));
  return m === null ? null : { id: m[1] as string, completed: Number(m[2]), prizeJson: m[3] as string, reason: m[4] as string };
}

/** the reply with its set replaced by `set` (the format of completedSet's, '' none), its clerk's win kept */
export function withSet(r: ScanReply, set: string): ScanReply {
  return [r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], (clerkWon(r[9]) ? '1' : '') + (set === '' ? '' : `|${set}`)];
}
