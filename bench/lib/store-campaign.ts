// The campaign of the bench's store-rules scenario: the bench campaign (fixtures/bench-campaign.json)
// plus the store's rules that add to a scan: 满N次 (a draw chance every 3rd counted first scan of a
// user) and a card set (two cards a scan may win, and the set's prize). The plain run beside it prices
// the same scans without them.
import { campaignBody } from './bench-campaign.js';

/** every N-th counted first scan of a user grants a draw chance */
export const PER_SCANS = 3;

export function storeCampaignBody(id: string, sku: string): Record<string, unknown> {
  const body = campaignBody(id, sku);
  const prizes = body.prizes as Record<string, unknown>[];
  return {
    ...body,
    prizes: [
      ...prizes,
      { id: 'rat', name: 'Rat card', kind: 'card', set: 'zodiac', probability: 0.1 },
      { id: 'ox', name: 'Ox card', kind: 'card', set: 'zodiac', probability: 0.1 },
    ],
    sets: [{ id: 'zodiac', prize: { id: 'zodiac-box', name: 'Zodiac box', kind: 'gift', stock: 1_000_000 } }],
    chances: { perScans: PER_SCANS },
  };
}
