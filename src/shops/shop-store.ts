// Shops in Redis under {meta}: registered once each (the id is the key: a second registration is 409),
// numbered by a counter so that a scene code can carry a small number rather than the id. Read by
// every engine; cached after the first read (a shop never changes once registered).
import { conflict, notFound } from '../errors.js';
import { keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { Shop, ShopInput } from './shop.js';

export class ShopStore {
  readonly #byId = new Map<string, Shop>();
  readonly #idOfNumber = new Map<number, string>();

  constructor(private readonly redis: RedisClient, private readonly now: () => number) {}

  async create(input: ShopInput): Promise<Shop> {
    if ((await this.redis.hexists(keys.shops, input.id)) === 1) throw conflict(`shop ${input.id} exists`);
    const number = await this.redis.incr(keys.shopSeq);
    const shop: Shop = { ...input, number, createdAt: new Date(this.now()).toISOString() };
    // HSETNX: of two engines registering the same id at once, one wins; the other's number stays unused
    if ((await this.redis.hsetnx(keys.shops, shop.id, JSON.stringify(shop))) === 0) throw conflict(`shop ${input.id} exists`);
    await this.redis.hset(keys.shopNumbers, String(number), shop.id);
    this.#remember(shop);
    return shop;
  }

  async get(id: string): Promise<Shop> {
    const cached = this.#byId.get(id);
    if (cached) return cached;
    const raw = await this.redis.hget(keys.shops, id);
    if (raw === null) throw notFound(`shop ${id}`);
    const shop = JSON.parse(raw) as Shop;
    this.#remember(shop);
    return shop;
  }

  /** the shop a scene code's number names, or null (a number that was drawn but never registered) */
  async byNumber(n: number): Promise<Shop | null> {
    const id = this.#idOfNumber.get(n) ?? (await this.redis.hget(keys.shopNumbers, String(n)));
    return id === null ? null : this.get(id);
  }

  async list(): Promise<Shop[]> {
    const all = await this.redis.hgetall(keys.shops);
    return Object.values(all)
      .map((raw) => JSON.parse(raw) as Shop)
      .sort((a, b) => a.number - b.number);
  }

  #remember(shop: Shop): void {
    this.#byId.set(shop.id, shop);
    this.#idOfNumber.set(shop.number, shop.id);
  }
}
