// Campaign and batch bodies shared by tests; each test gets its own sku so scopes never overlap.
import { randomBytes } from 'node:crypto';

export const uniqueSku = (): string => `sku-${randomBytes(6).toString('hex')}`;

export function liveCampaign(id: string, sku: string, prizes: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now();
  return {
    id,
    name: `Test ${id}`,
    startsAt: new Date(now - 3_600_000).toISOString(),
    endsAt: new Date(now + 86_400_000 * 30).toISOString(),
    timezone: 'Asia/Shanghai',
    scope: { skus: [sku] },
    prizes,
    ...extra,
  };
}
