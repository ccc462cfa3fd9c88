// `scanlot rebalance --repair`: gives back units stranded between shards by a crash during a transfer
// (every campaign). `scanlot rebalance CAMPAIGN`: evens out that campaign's stock and budget buckets.
import type { EvenedBucket, RepairReport } from '../buckets/bucket-mover.js';
import { call, CliError, type CliContext } from './client.js';

export function formatRepair(r: RepairReport): string {
  const lines = r.transfers.map(
    (t) => `  ${t.campaignId}  ${t.field}${t.day ? ` (${t.day})` : ''}  ${t.from} -> ${t.to}  ${t.units}  ${t.result === 'given' ? 'returned' : 'was given already, closed'}`,
  );
  return [
    ...(lines.length > 0 ? ['open transfers (campaign  bucket  from -> to  units  what repair did):', ...lines, ''] : []),
    `repaired ${r.moves} open transfer${r.moves === 1 ? '' : 's'} in ${r.campaigns} campaign${r.campaigns === 1 ? '' : 's'}: ${r.units} stranded unit${r.units === 1 ? '' : 's'} returned`,
  ].join('\n');
}

export function formatEvened(campaignId: string, buckets: EvenedBucket[]): string {
  return [
    `${campaignId}: buckets evened out over the shards`,
    ...buckets.map((b) => `  ${b.prize} ${b.kind}: before [${b.before.join(', ')}], ${b.moved} moved`),
  ].join('\n');
}

export async function rebalance(ctx: CliContext): Promise<void> {
  if (ctx.flags.get('repair') === 'true') {
    console.log(formatRepair((await call(ctx, 'POST', '/v1/rebalance/repair')) as RepairReport));
    return;
  }
  const campaign = ctx.args[0];
  if (campaign === undefined) throw new CliError('rebalance: name a campaign, or --repair to return stranded units');
  const r = (await call(ctx, 'POST', `/v1/campaigns/${encodeURIComponent(campaign)}/rebalance`)) as { campaignId: string; buckets: EvenedBucket[] };
  console.log(formatEvened(r.campaignId, r.buckets));
}
