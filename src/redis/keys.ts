// The one place Redis keys are named.
//
// Every key one scan touches carries the same hash tag, the shard tag `{s<N>}`, so the scan script runs
// on Redis Cluster unchanged. Today there is one shard, `{s0}`; splitting a hot campaign over several
// shards (routed by batch/serial) only changes `shardTag`. Definitions that no script reads live under
// `{meta}`.

export type ShardTag = string;

export function shardTag(_batchId: number, _serial: number): ShardTag {
  return '{s0}';
}

export const ALL_SHARDS: readonly ShardTag[] = ['{s0}'];

export const keys = {
  // --- definitions, read by the engine, never by a script
  batchSeq: '{meta}:batch:seq',
  batchDefs: '{meta}:batch:defs', // hash batchId -> batch JSON
  campaignDefs: '{meta}:campaign:defs', // hash campaignId -> campaign JSON
  campaignVersion: '{meta}:campaign:version', // counter, +1 per campaign created: engines re-read defs when it moved
  redemptions: '{meta}:redemptions', // hash eventId -> redemption JSON
  apiKeys: '{meta}:apikeys', // hash keyId -> API key JSON (role, name, shop, createdAt, SHA-256 of the secret)
  apiKeyVersion: '{meta}:apikey:version', // counter, +1 per key created or revoked: engines re-read the keys when it moved
  apiKeyLastUsed: '{meta}:apikey:used', // hash keyId -> ms of the last use, flushed every few seconds
  definitionsChannel: 'scanlot:definitions', // pub/sub: a batch or campaign changed

  // --- per shard, touched by scripts
  batchStatus: (t: ShardTag) => `${t}:batch:status`, // hash batchId -> a|p|v
  seen: (t: ShardTag, batchId: number) => `${t}:seen:${batchId}`, // bitmap, bit = serial consumed
  code: (t: ShardTag, batchId: number, serial: number) => `${t}:code:${batchId}:${serial}`, // record of a scanned code
  member: (t: ShardTag, user: string) => `${t}:member:${user}`, // hash level, blocked, points, wins
  events: (t: ShardTag) => `${t}:events`, // stream of scan events
  campaignState: (t: ShardTag, campaignId: string) => `${t}:cp:${campaignId}:state`, // s:<prize> stock left, b:<prize> budget left, w:<prize> won
  campaignStats: (t: ShardTag, campaignId: string) => `${t}:cp:${campaignId}:stats`,
  campaignDay: (t: ShardTag, campaignId: string, day: string) => `${t}:cp:${campaignId}:day:${day}`, // w:<prize> wins that day
  campaignUser: (t: ShardTag, campaignId: string, user: string) => `${t}:cp:${campaignId}:user:${user}`, // w:<prize> wins of the user
  campaignClerk: (t: ShardTag, campaignId: string, clerk: string) => `${t}:cp:${campaignId}:clerk:${clerk}`, // w:<prize> rebates of the clerk
  ipMinute: (t: ShardTag, campaignId: string, ip: string, minute: number) => `${t}:cp:${campaignId}:ip:${ip}:${minute}`, // scans from one IP in one minute
  board: (t: ShardTag, campaignId: string, by: 'shop' | 'clerk') => `${t}:cp:${campaignId}:board:${by}`, // sorted set, see scanCodes
  box: (t: ShardTag, boxBatchId: number, boxSerial: number) => `${t}:box:${boxBatchId}:${boxSerial}`, // the shop that opened a box, and where
} as const;

export const CONSUMER_GROUP = 'persist';
