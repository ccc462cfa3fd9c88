// A typed client of one test engine, as the product is used: create a batch, a campaign, scan, read the
// stored events. Each call expects the success status the API documents and throws with the answer
// otherwise, so a test reads as the use it checks; every answer is also checked against
// docs/openapi.yaml on the way (src/testing/checked-fetch.ts).
import type { Batch, BatchKind, BatchStatus, Region } from '../batches/batch.js';
import { liveCampaign, uniqueSku } from './fixtures.js';
import type { TestEngine } from './engine-process.js';
import { allEvents, waitForBacklog } from './events.js';

export interface BatchRequest {
  /** a fresh one by default, so that campaign scopes of different tests never overlap */
  sku?: string;
  size: number;
  kind?: BatchKind;
  status?: Exclude<BatchStatus, 'void'>;
  region?: Region;
  contains?: { batchId: number; perBox: number };
}

export type ScanOutcome = 'won' | 'lost' | 'verified' | 'repeat' | 'blocked';

export interface ScanRequest {
  code: string;
  user?: string;
  lat?: number;
  lng?: number;
  shop?: string;
  clerk?: string;
  device?: string;
}

export interface WonPrize {
  id: string;
  name: string;
  kind: string;
  amount?: number | null;
  voucher?: { code: string; url: string };
}

/** the answer of POST /v1/scans (its schema: ScanAnswer in docs/openapi.yaml) */
export interface ScanAnswer {
  eventId: string | null;
  outcome: ScanOutcome;
  reason: string | null;
  code: { batchId: number; serial: number; sku: string; kind: BatchKind };
  campaignId: string | null;
  prize: WonPrize | null;
  scan: { count: number; firstAt: string | null; sameUser: boolean | null } | null;
  original: { eventId: string; outcome: ScanOutcome; prize: WonPrize | null } | null;
  /** 集卡: present when the scan's card completed a set */
  set?: { id: string; completed: number; prize: WonPrize | null; reason: string | null };
}

/** a stored event (GET /v1/events): `id`, `type`, `at` always, the rest per type */
export interface StoredEvent {
  id: string;
  type: string;
  at: string;
  [field: string]: unknown;
}

/** the prize fields a campaign definition takes; `name` is filled in when left out */
export type PrizeInput = { id: string; name?: string; probability: number } & Record<string, unknown>;

export interface CampaignSetup {
  sku: string;
  batchId: number;
  campaignId: string;
}

/** POST /v1/keys's answer */
export interface StaffKey {
  id: string;
  key: string;
  role: string;
  name: string;
  shop: string | null;
}

export class TestClient {
  constructor(readonly engine: Pick<TestEngine, 'api' | 'scan' | 'codec' | 'output'>) {}

  async createBatch(req: BatchRequest): Promise<Batch> {
    return this.#expect(201, 'POST', '/v1/batches', { ...req, sku: req.sku ?? uniqueSku() }) as Promise<Batch>;
  }

  /** a campaign of any definition (a draft, a later start, fields under test), answered 201 */
  async createCampaign(definition: Record<string, unknown>): Promise<{ id: string }> {
    return this.#expect(201, 'POST', '/v1/campaigns', definition) as Promise<{ id: string }>;
  }

  /** a campaign live from an hour ago for 30 days over one SKU (`extra`: any other field of the definition) */
  async createLiveCampaign(id: string, sku: string, prizes: readonly PrizeInput[], extra: Record<string, unknown> = {}): Promise<{ id: string }> {
    const def = liveCampaign(id, sku, prizes.map((p) => ({ name: `Prize ${p.id}`, ...p })), extra);
    return this.#expect(201, 'POST', '/v1/campaigns', def) as Promise<{ id: string }>;
  }

  /** the usual setting of a scan test: a fresh batch of `size` codes and a live campaign over its SKU */
  async batchWithLiveCampaign(prizes: readonly PrizeInput[], opts: { size?: number; extra?: Record<string, unknown> } = {}): Promise<CampaignSetup> {
    const sku = uniqueSku();
    const batch = await this.createBatch({ sku, size: opts.size ?? 400 });
    const campaignId = `c-${sku}`;
    await this.createLiveCampaign(campaignId, sku, prizes, opts.extra);
    return { sku, batchId: batch.batchId, campaignId };
  }

  /** the printed code of a serial */
  code(batchId: number, serial: number): string {
    return this.engine.codec.encode(batchId, serial);
  }

  /** a scan answered 200 */
  async scan(req: ScanRequest): Promise<ScanAnswer> {
    return this.#expect(200, 'POST', '/v1/scans', req) as Promise<ScanAnswer>;
  }

  /**
   * a scan of a serial's printed code, whatever the answer: for tests of refusals and limits, which look at
   * the status as much as the body
   */
  scanSerial(
    batchId: number,
    serial: number,
    fields: Omit<ScanRequest, 'code'> & Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: any }> {
    return this.engine.api('POST', '/v1/scans', { code: this.code(batchId, serial), ...fields }, headers);
  }

  /** the first scan of each serial, all at once, by `user(i)` for the i-th */
  scanAll(batchId: number, serials: readonly number[], user: (i: number) => string): Promise<ScanAnswer[]> {
    return Promise.all(serials.map((serial, i) => this.scan({ code: this.code(batchId, serial), user: user(i) })));
  }

  /** every stored event, once the stream has drained into SQLite */
  async events(): Promise<StoredEvent[]> {
    await waitForBacklog(this.engine);
    return (await allEvents(this.engine)) as StoredEvent[];
  }

  /** a named staff key (201): its secret `key` is shown once */
  async createKey(role: string, name: string, shop?: string): Promise<StaffKey> {
    return this.#expect(201, 'POST', '/v1/keys', { role, name, ...(shop === undefined ? {} : { shop }) }) as Promise<StaffKey>;
  }

  /** a lifecycle change or an edit of a campaign, answered 200: the campaign after it */
  async patchCampaign(id: string, change: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.#expect(200, 'PATCH', `/v1/campaigns/${id}`, change) as Promise<Record<string, unknown>>;
  }

  /** the same client acting with another key (a staff member's own): every call sends it */
  as(key: string): TestClient {
    const e = this.engine;
    return new TestClient({
      api: (method, path, body, headers) => e.api(method, path, body, { authorization: `Bearer ${key}`, ...headers }),
      scan: (...args) => e.scan(...args),
      codec: e.codec,
      output: () => e.output(),
    });
  }

  /** any GET answered 200 (a campaign, its stats, a report) */
  async get<T = Record<string, unknown>>(path: string): Promise<T> {
    return this.#expect(200, 'GET', path) as Promise<T>;
  }

  async #expect(status: number, method: string, path: string, body?: unknown): Promise<unknown> {
    const r = await this.engine.api(method, path, body);
    if (r.status !== status) throw new Error(`${method} ${path}: expected ${status}, answered ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  // The store as a place (docs/store.md): each answers whatever the engine answered, status and body, for
  // tests that check refusals as much as successes.

  /** POST /v1/shops: registers a shop (201 with its scene code) */
  registerShop(shop: ShopRequest): Promise<{ status: number; body: any }> {
    return this.engine.api('POST', '/v1/shops', shop);
  }

  /** POST /v1/checkins: a consumer checks in at a shop's scene code */
  checkIn(req: CheckInRequest): Promise<{ status: number; body: any }> {
    return this.engine.api('POST', '/v1/checkins', req);
  }

  /** POST /v1/campaigns/{id}/chances: another system grants draw chances (once per idempotency key) */
  grantChances(campaignId: string, grant: ChanceGrant): Promise<{ status: number; body: any }> {
    return this.engine.api('POST', `/v1/campaigns/${campaignId}/chances`, grant);
  }

  /** POST /v1/draws: spends one of the user's draw chances of the campaign */
  draw(campaignId: string, user: string): Promise<{ status: number; body: any }> {
    return this.engine.api('POST', '/v1/draws', { campaignId, user });
  }

  /** a `shop` API key of the shop, answered 201 */
  async shopKey(shop: string, name = 'till'): Promise<string> {
    return ((await this.#expect(201, 'POST', '/v1/keys', { role: 'shop', name, shop })) as { key: string }).key;
  }

  /** POST /v1/tickets/{ticket}/reveal with a shop's key: decides a sealed ticket in that shop */
  revealTicket(ticket: string, shopKey: string): Promise<{ status: number; body: any }> {
    return this.engine.api('POST', `/v1/tickets/${ticket}/reveal`, undefined, { authorization: `Bearer ${shopKey}` });
  }

  // the buyer pages' calls (scan, landing and store pages)

  /** a batch as GET /v1/batches/{id} answers it (its `scanned` count included) */
  async batch(batchId: number): Promise<Batch & { scanned: number }> {
    return this.#get(`/v1/batches/${batchId}`) as Promise<Batch & { scanned: number }>;
  }

  /** a campaign paused, resumed, ended or published (PATCH {"state"}), answered 200 */
  async setCampaignState(campaignId: string, state: 'live' | 'paused' | 'ended'): Promise<void> {
    await this.#expect(200, 'PATCH', `/v1/campaigns/${campaignId}`, { state });
  }

  /** a batch withdrawn by the brand: its codes warn the buyer */
  async voidBatch(batchId: number): Promise<void> {
    await this.#expect(200, 'POST', `/v1/batches/${batchId}/void`);
  }

  /** a member's points changed (once per idempotency key); the balance after it */
  async changePoints(user: string, change: { delta: number; reason: string; idempotencyKey: string }): Promise<{ points: number }> {
    return this.#expect(200, 'POST', `/v1/members/${encodeURIComponent(user)}/points`, change) as Promise<{ points: number }>;
  }

  /** a won voucher redeemed in a shop (as an operator naming the shop), answered 201 */
  async redeem(voucher: string, shop: string): Promise<{ redemptionId: string; shop: string; at: string }> {
    return this.#expect(201, 'POST', '/v1/redemptions', { voucher, shop }) as Promise<{ redemptionId: string; shop: string; at: string }>;
  }

  /** a SKU's own look for its codes' pages (PUT /v1/skus/{sku}/page), and reading it back */
  async setSkuLook(sku: string, look: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.#expect(200, 'PUT', `/v1/skus/${encodeURIComponent(sku)}/page`, look) as Promise<Record<string, unknown>>;
  }

  async skuLook(sku: string): Promise<Record<string, unknown>> {
    return this.#get(`/v1/skus/${encodeURIComponent(sku)}/page`) as Promise<Record<string, unknown>>;
  }

  async #get(path: string): Promise<unknown> {
    return this.#expect(200, 'GET', path);
  }
}

/** POST /v1/shops; fields left out are left out of the request (tests of refusals leave out required ones) */
export interface ShopRequest {
  id?: string;
  name?: string;
  lat?: number;
  lng?: number;
  radiusM?: number;
  region?: string;
  [field: string]: unknown;
}

/** POST /v1/checkins */
export interface CheckInRequest {
  sceneCode?: string;
  user?: string;
  lat?: number;
  lng?: number;
  campaignId?: string;
  [field: string]: unknown;
}

/** POST /v1/campaigns/{id}/chances */
export interface ChanceGrant {
  user?: string;
  count?: number;
  reason?: string;
  idempotencyKey?: string;
  [field: string]: unknown;
}

/** outcomes counted as `outcome` or `outcome/reason` */
export function tally(answers: readonly ScanAnswer[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const a of answers) {
    const k = a.reason ? `${a.outcome}/${a.reason}` : a.outcome;
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
}

/** serials 0 … n-1 (from `from`) */
export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);
