// The campaign every bench scans against: fixtures/bench-campaign.json, live from an hour ago for 30
// days, covering one sku.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';

export function campaignBody(id: string, sku: string): Record<string, unknown> {
  const fixture = JSON.parse(readFileSync(join(PROJECT_ROOT, 'fixtures', 'bench-campaign.json'), 'utf8')) as Record<string, unknown>;
  delete fixture._comment;
  const now = Date.now();
  return { ...fixture, id, startsAt: new Date(now - 3_600_000).toISOString(), endsAt: new Date(now + 30 * 86_400_000).toISOString(), scope: { skus: [sku] } };
}
