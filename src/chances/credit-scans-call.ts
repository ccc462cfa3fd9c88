// The TypeScript side of lua/creditScans-4.lua (see its header).
import { keys, type ShardTag } from '../redis/keys.js';
import { evalScript, loadScript, type RedisClient } from '../redis/scripts.js';

const SCRIPT = loadScript('creditScans-4.lua');

export interface CreditScans {
  readonly campaignId: string;
  readonly user: string;
  /** the user's hash on the home shard (a member's, or an anonymous visitor's counters) */
  readonly userKey: string;
  /** perScans: N */
  readonly perScans: number;
  /** the user's counted first scans in the campaign, summed over the shards */
  readonly scans: number;
  /** the k-th threshold's event id is `<eventIdPrefix>-<k>` */
  readonly eventIdPrefix: string;
}

/** Credits the chances the summed scans earned and were not credited yet; the chances credited now and the balance. */
export async function creditScans(redis: RedisClient, tag: ShardTag, c: CreditScans): Promise<{ credited: number; balance: number }> {
  const [credited, balance] = (await evalScript(redis, SCRIPT, [
    keys.chances(tag, c.user),
    c.userKey,
    keys.events(tag),
    keys.clockShift(tag),
    c.campaignId,
    c.perScans,
    c.scans,
    c.eventIdPrefix,
    `,"user":${JSON.stringify(c.user)},"campaignId":${JSON.stringify(c.campaignId)}`,
  ])) as [number, number];
  return { credited: Number(credited), balance: Number(balance) };
}
