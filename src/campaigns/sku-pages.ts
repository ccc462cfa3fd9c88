// A SKU's scan-page look (brand, product, logo, colour, hotline, call to action, theme, animation): what
// a product's page shows when no campaign covers it, and beneath a campaign's own settings when one does.
// Kept in Redis under {meta}; pages read it through a short cache (never on the scan path).
import { badRequest } from '../errors.js';
import type { RedisClient } from '../redis/scripts.js';
import type { JsonObject } from '../validation/json-fields.js';
import { parseAnimation, parsePageSettings, parseTheme, type Animation, type PageSettings, type Theme } from './page-settings.js';

export const SKU_PAGES_KEY = '{meta}:sku:pages';
const CACHE_MS = 5_000;

export interface SkuLook {
  page: PageSettings;
  theme: Theme;
  animation: Animation;
}

export function parseSkuLook(body: JsonObject): SkuLook {
  for (const k of Object.keys(body)) if (k !== 'page' && k !== 'theme' && k !== 'animation') throw badRequest(k, 'is not a page setting (page, theme, animation)');
  return { page: parsePageSettings(body) ?? {}, theme: parseTheme(body), animation: parseAnimation(body) };
}

export class SkuPages {
  readonly #cache = new Map<string, { at: number; look: SkuLook | null }>();

  constructor(private readonly redis: RedisClient, private readonly now: () => number) {}

  async set(sku: string, look: SkuLook): Promise<void> {
    await this.redis.hset(SKU_PAGES_KEY, sku, JSON.stringify(look));
    this.#cache.delete(sku);
  }

  /** the SKU's look, read again at most every few seconds */
  async get(sku: string): Promise<SkuLook | null> {
    const hit = this.#cache.get(sku);
    if (hit && this.now() - hit.at < CACHE_MS) return hit.look;
    const raw = await this.redis.hget(SKU_PAGES_KEY, sku);
    const look = raw === null ? null : (JSON.parse(raw) as SkuLook);
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(sku, { at: this.now(), look });
    return look;
  }
}
