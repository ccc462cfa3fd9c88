// Campaign and batch bodies shared by tests; each test gets its own sku so scopes never overlap.
import { randomBytes } from 'node:crypto';

export const uniqueSku = (): string => `sku-${randomBytes(6).toString('hex')}`;

/** Asia/Shanghai, the test campaigns' zone, is UTC+8 all year */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/**
 * An hour ago, but never before today's midnight in the campaign's zone: a campaign that began yesterday
 * has released two days of paced units, which tests of one day's release would count (they failed from
 * 16:00 to 17:00 UTC).
 */
function startedToday(now: number): number {
  const midnight = Math.floor((now + SHANGHAI_OFFSET_MS) / 86_400_000) * 86_400_000 - SHANGHAI_OFFSET_MS;
  return Math.max(now - 3_600_000, midnight);
}

export function liveCampaign(id: string, sku: string, prizes: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now();
  return {
    id,
    name: `Test ${id}`,
    startsAt: new Date(startedToday(now)).toISOString(),
    endsAt: new Date(now + 86_400_000 * 30).toISOString(),
    timezone: 'Asia/Shanghai',
    scope: { skus: [sku] },
    prizes,
    ...extra,
  };
}
