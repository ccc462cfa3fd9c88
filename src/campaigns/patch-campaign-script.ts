// The TypeScript side of lua/patchCampaign-2.lua (see its header): keys, arguments, reply.
import { loadScript, runScript, type RedisClient } from '../redis/scripts.js';
import { keys, type ShardTag } from '../redis/keys.js';
import type { CampaignPatch } from './campaign-patch.js';

const SCRIPT = loadScript('patchCampaign-2.lua');

export type PatchReply = 'applied' | 'ended';

export async function runPatchCampaign(redis: RedisClient, tag: ShardTag, campaignId: string, patch: CampaignPatch, eventJson: string): Promise<PatchReply> {
  const args: (string | number)[] = [keys.campaignState(tag, campaignId), keys.events(tag), eventJson, patch.state ?? '', patch.endsAt?.ms ?? '', patch.prizes.length];
  for (const p of patch.prizes) args.push(p.id, p.addStock, p.addBudget);
  const reply = Number(await runScript(redis, SCRIPT, args));
  if (reply === 1) return 'applied';
  if (reply === -1) return 'ended';
  throw new Error(`patchCampaign answered ${reply}`);
}
