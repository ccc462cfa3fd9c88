// The one place Redis keys are named.
//
// Every key one script call touches carries the same hash tag, a shard tag `{s<k>}`, so the scripts run on
// Redis Cluster unchanged. A deployment has SCANLOT_SHARDS shards (src/redis/shard-placement.ts picks
// tags on different primaries and records them under `{meta}:shards`); the engine sets them once at
// start (`useShards`) before any key is named. Codes go to shards by batch and serial, interleaved, so a
// carton of consecutive serials spreads over every shard while each shard's bitmap stays one bit a
// code. Definitions that no script reads live under `{meta}`.
//
// The scan script builds the names of per-code, per-user and per-campaign keys itself, from the prefixes
// below that travel with each call (`scanKeyPrefixes`, `campaignPrefix`): the names are still made here.

export type ShardTag = string;

/** The deployment's shard tags, in shard order; `['{s0}']` until the engine sets them. */
export let ALL_SHARDS: readonly ShardTag[] = ['{s0}'];

/** Set once at start-up (and by tests) before any key is named. */
export function useShards(tags: readonly ShardTag[]): void {
  if (tags.length === 0) throw new Error('a deployment has at least one shard');
  ALL_SHARDS = Object.freeze([...tags]);
}

/** The shard of a code: consecutive serials land on consecutive shards. */
export function shardIndex(batchId: number, serial: number): number {
  return (serial + batchId) % ALL_SHARDS.length;
}

export function shardTag(batchId: number, serial: number): ShardTag {
  return ALL_SHARDS[(serial + batchId) % ALL_SHARDS.length] as ShardTag;
}

/** The code's bit in its shard's `seen` bitmap: serials of one shard are S apart, so bit ⌊serial / S⌋ keeps the bitmap dense. */
export function seenBit(serial: number): number {
  return Math.floor(serial / ALL_SHARDS.length);
}

/** FNV-1a of a string, for home shards: cheap, stable across engines and restarts. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The index of the shard that holds one user's (or one IP's) counters, whatever shard the code is in. */
export function homeIndex(name: string): number {
  return ALL_SHARDS.length === 1 ? 0 : fnv1a(name) % ALL_SHARDS.length;
}

export function homeShard(name: string): ShardTag {
  return ALL_SHARDS[homeIndex(name)] as ShardTag;
}

/**
 * Shard `index`'s part of a total split over `count` shards: the parts differ by at most one and sum to
 * the total exactly, for any safe integer (the scan script computes the same in lua/scanCodes-1.lua `share`).
 */
export function shareOf(total: number, index: number, count: number): number {
  return Math.floor(total / count) + (index >= count - (total % count) ? 1 : 0);
}

/** the states a payout has a record and an index in (a pending payout is its cash win: src/fulfilment/payouts.ts) */
export type PayoutIndex = 'paid' | 'failed';

/** `${tag}:cp:${campaignId}:`, the start of every key of one campaign in one shard */
export const campaignPrefix = (t: ShardTag, campaignId: string): string => `${t}:cp:${campaignId}:`;

export const keys = {
  // --- definitions, read by the engine, never by a script
  batchSeq: '{meta}:batch:seq',
  batchDefs: '{meta}:batch:defs', // hash batchId -> batch JSON
  campaignDefs: '{meta}:campaign:defs', // hash campaignId -> campaign JSON
  shards: '{meta}:shards', // JSON array of the deployment's shard tags, written once by the first engine (shard-placement.ts)
  campaignVersion: '{meta}:campaign:version', // counter, +1 per campaign created: engines re-read defs when it moved
  redemptions: '{meta}:redemptions', // hash eventId -> redemption JSON, written before vouchers (issue 17); now only read, so those stay redeemed
  apiKeys: '{meta}:apikeys', // hash keyId -> API key JSON (role, name, shop, createdAt, SHA-256 of the secret)
  apiKeyVersion: '{meta}:apikey:version', // counter, +1 per key created or revoked: engines re-read the keys when it moved
  apiKeyLastUsed: '{meta}:apikey:used', // hash keyId -> ms of the last use, flushed every few seconds
  definitionsChannel: 'scanlot:definitions', // pub/sub: a batch or campaign changed
  codeSecretFingerprint: '{meta}:code-secret:fingerprint', // hex HMAC-SHA256(CODE_SECRET, fixed text): never the secret
  eventStores: '{meta}:stores', // hash consumer name -> JSON of the SQLite event store registered under it
  eventStoreAlive: (consumer: string) => `{meta}:store:alive:${consumer}`, // store id, expires unless its engine renews it
  usedLinkToken: (digest: string) => `{meta}:link-token:${digest}`, // a ?t= token's jti (SHA-256 with its sub), kept until the token expires: each link signs in once

  // --- per shard, touched by scripts
  batchStatus: (t: ShardTag) => `${t}:batch:status`, // hash batchId -> a|p|v
  seen: (t: ShardTag, batchId: number) => `${t}:seen:${batchId}`, // bitmap, bit = serial consumed
  codeRecords: (t: ShardTag, batchId: number, bucket: number) => `${t}:rec:${batchId}:${bucket}`, // hash: the records of up to CODE_RECORDS_PER_KEY consumed codes (src/scan/code-record.ts)
  legacyCode: (t: ShardTag, batchId: number, serial: number) => `${t}:code:${batchId}:${serial}`, // a code's record as written before the bucketed records: read on a repeat only
  member: (t: ShardTag, user: string) => `${t}:member:${user}`, // hash level, blocked, points, wins; the user's campaign counters (see scanCodes)
  anonCounters: (t: ShardTag, user: string) => `${t}:anon:${user}`, // an anonymous visitor's campaign counters (no member record)
  events: (t: ShardTag) => `${t}:events`, // stream of events
  /** the shared clock's shift in ms (absent: none): added to Redis' TIME by every script; for tests and drills */
  clockShift: (t: ShardTag) => `${t}:clock:shift`,
  campaignState: (t: ShardTag, campaignId: string) => `${campaignPrefix(t, campaignId)}state`, // s:<prize> stock left, b:<prize> budget left, state, end
  campaignStats: (t: ShardTag, campaignId: string) => `${campaignPrefix(t, campaignId)}stats`, // aggregates: outcomes, wins, see campaign-figures
  campaignDay: (t: ShardTag, campaignId: string, day: string) => `${campaignPrefix(t, campaignId)}day:${day}`, // w:<prize> wins that day (prizes with dailyCap)
  campaignMoves: (t: ShardTag, campaignId: string) => `${campaignPrefix(t, campaignId)}moves`, // hash transferId -> JSON of a bucket transfer taken from this shard and not yet closed (src/buckets)
  campaignGiven: (t: ShardTag, campaignId: string) => `${campaignPrefix(t, campaignId)}given`, // hash transferId -> units given into this shard, or closed:<ms> once its transfer closed (makes a give idempotent; pruned a while after the close: see src/buckets/given-transfers.ts)
  campaignClerk: (t: ShardTag, campaignId: string, clerk: string) => `${campaignPrefix(t, campaignId)}clerk:${clerk}`, // w:<prize> rebates of the clerk
  ipMinute: (t: ShardTag, campaignId: string, ip: string, minute: number) => `${campaignPrefix(t, campaignId)}ip:${ip}:${minute}`, // scans from one IP in one minute
  board: (t: ShardTag, campaignId: string, by: 'shop' | 'clerk') => `${campaignPrefix(t, campaignId)}board:${by}`, // sorted set, see ackEvents' rank op
  boardArrivals: (t: ShardTag, campaignId: string) => `${campaignPrefix(t, campaignId)}board:arrivals`, // counter ordering leaderboard arrivals
  box: (t: ShardTag, boxBatchId: number, boxSerial: number) => `${t}:box:${boxBatchId}:${boxSerial}`, // the shop that opened a box, and where

  // --- fulfilment, in the shard of the win's event: what was done to a win (nothing per win itself: wins
  // are found in the event stores, src/fulfilment/stored-wins.ts). Aggregates (written by the persist
  // step from events, see src/fulfilment/*-source.ts) unless marked "script"
  redeemed: (t: ShardTag) => `${t}:redeemed`, // script (redeemWin): hash eventId -> redemption JSON
  redemptionsByTime: (t: ShardTag) => `${t}:redemptions:at`, // sorted set eventId by redemption time (ms)
  redemptionsOfShop: (t: ShardTag, shop: string) => `${t}:redemptions:shop:${shop}`, // sorted set eventId by redemption time (ms)
  payouts: (t: ShardTag) => `${t}:payouts`, // hash payoutId -> payout JSON; state changed by script (setPayout)
  payoutIndex: (t: ShardTag, state: PayoutIndex) => `${t}:payouts:${state}`, // script (setPayout): sorted set, score 0, payoutIds in lexical (≈ time) order; each payout that left pending in one
  pointsKeys: (t: ShardTag, user: string) => `${t}:member:${user}:points-keys`, // script (changePoints): hash idempotencyKey -> '<request hash> <balance answered>'
  shopRate: (t: ShardTag, campaignId: string) => `${campaignPrefix(t, campaignId)}shop-rate`, // hash b:<boxBatchId>:<shop> boxes opened, s:<shop> their items scanned

  // --- per shard, aggregates the persist step keeps from the event stream (src/aggregates)
  reportDay: (t: ShardTag, campaignId: string, day: string) => `${t}:agg:report:${campaignId}:${day}`, // hash "<batchId>|<shop>|<metric>" -> n, day in the campaign time zone (see src/reports)
  minutes: (t: ShardTag, utcDay: string) => `${t}:agg:minutes:${utcDay}`, // hash "<minute of the UTC day>|<metric>" -> n, every scan of the deployment
  aggOutbox: (t: ShardTag, to: ShardTag) => `${t}:agg:out:${to}`, // stream: ops for shard `to` derived from t's events (ackEvents appends, the persist step forwards)
  aggForwardedFrom: (t: ShardTag, from: ShardTag) => `${t}:agg:from:${from}`, // string: the last outbox entry id of shard `from` applied here (applyForwarded)
  boardLatest: (t: ShardTag, campaignId: string, by: 'shop' | 'clerk') => `${campaignPrefix(t, campaignId)}board:${by}:latest`, // hash member -> ms of its latest counted scan in this shard (ties across shards)

  // --- the store as a place (src/shops, src/chances): definitions under {meta}, a user's balances and
  // check-ins on the user's home shard, so one script call decides each
  shops: '{meta}:shops', // hash shopId -> shop JSON (src/shops/shop.ts)
  shopSeq: '{meta}:shop:seq', // counter: the number a new shop's scene code carries
  shopNumbers: '{meta}:shop:numbers', // hash scene-code number -> shopId
  checkins: (t: ShardTag, campaignId: string, day: string) => `${campaignPrefix(t, campaignId)}checkin:${day}`, // script (checkIn): hash "<user>|<shop>" -> eventId, for 3 days
  chances: (t: ShardTag, user: string) => `${t}:chances:${user}`, // script (grantChances, drawChance, checkIn): hash campaignId -> draw chances left
  chanceKeys: (t: ShardTag, user: string) => `${t}:chances:${user}:keys`, // script (grantChances): hash "<campaignId>|<idempotencyKey>" -> '<request hash> <balance answered>'
  tickets: (t: ShardTag) => `${t}:tickets`, // script (drawChance): hash ticket -> 'o|<user>|<campaignId>|<eventId>' open, 'r|…|<reveal eventId>|<reveal event JSON>' revealed
  openTickets: (t: ShardTag, user: string) => `${t}:tickets:open:${user}`, // script (drawChance): set of the user's open tickets
  cards: (t: ShardTag, user: string) => `${t}:cards:${user}`, // script (drawChance): hash "<campaignId>|<card>" -> cards held, "<campaignId>|<set>|done" -> sets completed
  countedCard: (t: ShardTag, scanEventId: string) => `${t}:card:${scanEventId}`, // script (countCard): what counting a scan's card did ('-', or the set it completed), for 3 days: makes the count idempotent
} as const;

/**
 * The per-shard prefixes the scan script completes (in this order, see lua/scanCodes-1.lua "ARGV 2..8"):
 * batch status hash (whole name), seen bitmap + batchId, code records + batchId:bucket, member + user,
 * anonymous visitor + user, box + boxBatchId:boxSerial, clock shift (whole name).
 */
export const scanKeyPrefixes = (t: ShardTag): readonly string[] => [
  keys.batchStatus(t),
  keys.seen(t, 0).slice(0, -1),
  keys.codeRecords(t, 0, 0).slice(0, -3),
  keys.member(t, ''),
  keys.anonCounters(t, ''),
  keys.box(t, 0, 0).slice(0, -3),
  keys.clockShift(t),
];

/** Consumed codes of one batch and shard whose records share a hash: field = seen bit % this, key by seen bit // this. */
export const CODE_RECORDS_PER_KEY = 64;

/** The hash and field of a consumed code's record (see lua/scanCodes-1.lua "Code records"). */
export function codeRecordOf(batchId: number, serial: number): { key: string; field: string } {
  const bit = seenBit(serial);
  return { key: keys.codeRecords(shardTag(batchId, serial), batchId, Math.floor(bit / CODE_RECORDS_PER_KEY)), field: String(bit % CODE_RECORDS_PER_KEY) };
}

/** The fields of a user's hash that count one campaign's limits for that user (see scanCodes). */
export const userCampaignFields = {
  day: (campaignId: string) => `d:${campaignId}`,
  scansToday: (campaignId: string) => `us:${campaignId}`,
  winsToday: (campaignId: string) => `uw:${campaignId}`,
  prizeWins: (campaignId: string, prize: string) => `w:${campaignId}:${prize}`,
};

export const CONSUMER_GROUP = 'persist';
