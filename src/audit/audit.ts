// Reconciles Redis and SQLite, so that anyone can check the guarantees after a promotion, a crash or
// a chaos run. It waits for the event stream to drain first: until then SQLite is behind by design.
//
// Checks, each a row of the report:
//   stream     no event left in Redis' stream or pending in the consumer group
//   codes      per batch and shard: codes consumed in the shard's bitmap = codes of that shard with a
//              first-scan event in SQLite, and no code has two first-scan events
//   stock      per prize with stock: initial stock + top-ups = stock left in every shard's bucket + units
//              in transfer between shards + won events
//   budget     per prize with budget: the same with amounts (won amounts summed in SQLite)
//   transfer   with several shards, per prize: units taken from one shard's bucket and not given to
//              another (src/buckets) once in-flight transfers had a moment to finish: stranded by a
//              crash, returned by `scanlot rebalance --repair`; and today's cap units moved between
//              shards net to zero
//   wins       per prize: wins counted in Redis = won events in SQLite
//   caps       per prize: no user above perUserCap, no campaign day above dailyCap,
//              no user above the campaign's userWinsPerDay on any day
//   scans      per campaign: scans counted in Redis stats = events of the campaign in SQLite
//   payouts, redemptions   see src/fulfilment/fulfilment-audit.ts (from Redis: the whole deployment)
//   window     per campaign: no scan event of the campaign outside [startsAt, endsAt) of the shared clock,
//              and no first scan of a covered code inside it left undrawn (verified)
//
//   stores     per event store registered on this Redis: it could be read. Engines on one Redis each keep
//              the share of the stream they consumed in their own SQLite file: the SQLite side of every
//              check counts the events of all of them (src/event-stores/deployment-events.ts), and a store that
//              could not be read is a mismatch that names it and says why.
import type { Db } from '../events/event-schema.js';
import type { CampaignStore, CompiledCampaign } from '../campaigns/campaign-store.js';
import type { StreamConsumer } from '../persistence/stream-consumer.js';
import { dayField, stateField } from '../redis/campaign-fields.js';
import { drawnUnits, storeRows } from './store-audit.js';
import { ALL_SHARDS, CONSUMER_GROUP, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { CampaignDay } from '../campaigns/campaign-day.js';
import { fulfilmentRows } from '../fulfilment/fulfilment-audit.js';
import { StoredWins } from '../fulfilment/stored-wins.js';
import { readOpenDeployment } from '../event-stores/deployment-reader.js';
import { registeredStores, type RegisteredStore } from '../event-stores/registered-stores.js';
import { openMoves, unitsInTransfer, type OpenMoveAt } from '../buckets/open-moves.js';
import { openDeploymentEvents, type StoreRead, type StoreUnreached } from '../event-stores/deployment-events.js';

export interface AuditRow {
  check: string;
  subject: string;
  expected: string | number;
  actual: string | number;
  ok: boolean;
}

export interface AuditReport {
  ok: boolean;
  campaign: string | null;
  rows: AuditRow[];
  /** the SQLite event store of the engine that ran the audit */
  store: string;
  /** every event store registered on this Redis, this one included */
  stores: RegisteredStore[];
  /** the stores whose events were counted */
  read: StoreRead[];
  /** the stores that could not be read, and why: the SQLite counts miss their events */
  unreached: StoreUnreached[];
  /** set when the SQLite counts cover only part of the events (a store could not be read) */
  note: string | null;
}

interface PrizeCount {
  prize: string;
  n: number;
  amount: number;
}

export class Auditor {
  constructor(
    private readonly redis: RedisClient,
    private readonly campaigns: CampaignStore,
    private readonly consumer: StreamConsumer,
    /** this engine's own store: read even when its registration lapsed */
    private readonly own: { storeId: string; path: string },
    /** the shared clock: which day of a campaign is today */
    private readonly now: () => number,
  ) {}

  async run(campaignId: string | null, drainMs = 30_000): Promise<AuditReport> {
    const rows: AuditRow[] = [];
    const row = (check: string, subject: string, expected: string | number, actual: string | number): void => {
      rows.push({ check, subject, expected, actual, ok: expected === actual });
    };

    const until = Date.now() + drainMs;
    let backlog = await this.consumer.backlog();
    while (backlog > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      backlog = await this.consumer.backlog();
    }
    let pending = 0;
    for (const t of ALL_SHARDS) {
      const summary = (await this.redis.xpending(keys.events(t), CONSUMER_GROUP)) as [number, ...unknown[]];
      pending += Number(summary[0] ?? 0);
    }
    row('stream', 'events in Redis not in SQLite', 0, backlog);
    row('stream', 'events read but not acknowledged', 0, pending);

    await this.campaigns.loadAll();
    const selected = campaignId === null ? [...this.campaigns.all()] : [await this.campaigns.require(campaignId)];
    const stores = await registeredStores(this.redis);
    const deployment = openDeploymentEvents(stores, this.own);
    try {
      for (const s of deployment.read) row('stores', `store ${s.storeId} (${s.consumers.join(', ') || 'unregistered'} at ${s.host}:${s.path}): events read`, 'yes', 'yes');
      for (const s of deployment.unreached) row('stores', `store ${s.storeId} (${s.consumers.join(', ') || 'unregistered'} at ${s.host}:${s.path}): events read`, 'yes', `no (${s.reason})`);
      await this.#codes(deployment.db, selected, campaignId !== null, row);
      for (const c of selected) await this.#campaign(deployment.db, new StoredWins(readOpenDeployment(deployment)), c, row);
    } finally {
      deployment.close();
    }
    const note =
      deployment.unreached.length > 0
        ? `the SQLite counts miss the events of ${deployment.unreached.length} of ${deployment.read.length + deployment.unreached.length} event stores: ${deployment.unreached.map((s) => s.storeId).join(', ')}`
        : null;
    return { ok: rows.every((r) => r.ok), campaign: campaignId, rows, store: this.own.storeId, stores, read: deployment.read, unreached: deployment.unreached, note };
  }

  async #codes(db: Db, selected: CompiledCampaign[], scoped: boolean, row: (c: string, s: string, e: string | number, a: string | number) => void): Promise<void> {
    let batchIds: number[];
    if (scoped) {
      const ids = new Set<number>();
      for (const c of selected) {
        const stmt = db.prepare<[string], { b: number }>("SELECT DISTINCT batch_id AS b FROM events WHERE campaign_id = ? AND batch_id IS NOT NULL");
        for (const r of stmt.all(c.def.id)) ids.add(r.b);
        for (const b of c.def.scope.batchIds) ids.add(b);
      }
      batchIds = [...ids];
    } else {
      batchIds = Object.keys(await this.redis.hgetall(keys.batchDefs)).map(Number);
    }
    // a code's shard is (serial + batchId) mod S (src/redis/keys.ts shardIndex)
    const shards = ALL_SHARDS.length;
    const firsts = db.prepare<[number, number, number], { codes: number; events: number }>(
      `SELECT count(DISTINCT serial) AS codes, count(*) AS events FROM events
       WHERE batch_id = ? AND outcome IN ('won', 'lost', 'verified') AND (serial + batch_id) % ? = ?`,
    );
    for (const b of batchIds.sort((x, y) => x - y)) {
      for (const [i, t] of ALL_SHARDS.entries()) {
        const consumed = await this.redis.bitcount(keys.seen(t, b));
        const f = firsts.get(b, shards, i) ?? { codes: 0, events: 0 };
        const subject = shards === 1 ? `batch ${b}` : `batch ${b} shard ${t}`;
        row('codes', `${subject}: consumed codes with a first-scan event`, consumed, f.codes);
        row('codes', `${subject}: first-scan events per consumed code`, f.codes, f.events);
      }
    }
  }

  async #campaign(db: Db, storedWins: StoredWins, c: CompiledCampaign, row: (c: string, s: string, e: string | number, a: string | number) => void): Promise<void> {
    const id = c.def.id;
    const moves = await this.#settledMoves(id);
    const inTransfer = unitsInTransfer(moves);
    const live = await this.campaigns.live(c);
    const won = new Map<string, PrizeCount>();
    const count = (prize: string, amount: number): void => {
      const w = won.get(prize) ?? { prize, n: 0, amount: 0 };
      w.n++;
      w.amount += amount;
      won.set(prize, w);
    };
    const wins = db.prepare<[string], { user: string; at: string; prize: string; amount: number | null; clerk: string | null; clerkPrize: string | null; clerkAmount: number | null; outcome: string }>(
      `SELECT user, at, outcome, prize_id AS prize, json_extract(body, '$.prize.amount') AS amount,
              json_extract(body, '$.clerk') AS clerk, json_extract(body, '$.clerkPrize.id') AS clerkPrize,
              json_extract(body, '$.clerkPrize.amount') AS clerkAmount
       FROM events WHERE campaign_id = ? AND type = 'scan' AND (outcome = 'won' OR json_extract(body, '$.clerkPrize') IS NOT NULL)`,
    );
    const day = new CampaignDay(c.def.timezone);
    const perUser = new Map<string, number>();
    const perDay = new Map<string, number>();
    const userDay = new Map<string, number>();
    const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
    for (const e of wins.iterate(id)) {
      const d = day.dayOf(Date.parse(e.at));
      if (e.outcome === 'won' && e.prize !== null) {
        count(e.prize, e.amount ?? 0);
        bump(perUser, `${e.prize}\u0000${e.user}`);
        bump(perDay, `${e.prize}\u0000${d}`);
        bump(userDay, `${e.user}\u0000${d}`);
      }
      if (e.clerkPrize !== null && e.clerk !== null) {
        count(e.clerkPrize, e.clerkAmount ?? 0);
        bump(perUser, `${e.clerkPrize}\u0000clerk:${e.clerk}`);
        bump(perDay, `${e.clerkPrize}\u0000${d}`);
      }
    }
    const maxOf = (m: Map<string, number>, prefix: string): number => {
      let max = 0;
      for (const [k, v] of m) if (k.startsWith(prefix) && v > max) max = v;
      return max;
    };
    // units taken by draws and reveals (chance and reveal events): counted with the stock and budget only
    const drawn = drawnUnits(db, id);
    for (const p of c.def.prizes) {
      const l = live.get(p.id);
      const w = won.get(p.id) ?? { prize: p.id, n: 0, amount: 0 };
      const d = drawn.get(p.id) ?? { n: 0, amount: 0 };
      const subject = `${id}/${p.id}`;
      row('wins', `${subject}: wins in Redis = won events`, l?.won ?? 0, w.n);
      const moving = inTransfer.get(p.id) ?? { stock: 0, budget: 0, daily: 0, paced: 0 };
      if (p.stock !== null) row('stock', `${subject}: initial + top-ups = left + in transfer + won events`, p.stock + (l?.toppedUp.stock ?? 0), (l?.stockLeft ?? 0) + moving.stock + w.n + d.n);
      if (p.budget !== null) row('budget', `${subject}: initial + top-ups = left + in transfer + won amounts`, p.budget + (l?.toppedUp.budget ?? 0), (l?.budgetLeft ?? 0) + moving.budget + w.amount + d.amount);
      if (ALL_SHARDS.length > 1) await this.#transferRows(c, p, moves, row);
      if (p.perUserCap !== null) {
        const max = maxOf(perUser, `${p.id}\u0000`);
        row('caps', `${subject}: most wins of one user <= perUserCap ${p.perUserCap}`, 'yes', max <= p.perUserCap ? 'yes' : `no (${max})`);
      }
      if (p.dailyCap !== null) {
        const max = maxOf(perDay, `${p.id}\u0000`);
        row('caps', `${subject}: most wins on one day <= dailyCap ${p.dailyCap}`, 'yes', max <= p.dailyCap ? 'yes' : `no (${max})`);
      }
    }
    const cap = c.def.limits.userWinsPerDay;
    if (cap !== null) {
      const max = maxOf(userDay, '');
      row('caps', `${id}: most wins of one user on one day <= userWinsPerDay ${cap}`, 'yes', max <= cap ? 'yes' : `no (${max})`);
    }
    await storeRows(this.redis, db, id, row);
    await fulfilmentRows(this.redis, storedWins, c.def, (prizeId) => (live.get(prizeId)?.won ?? 0) + (drawn.get(prizeId)?.n ?? 0), row);
    const stats = (await this.campaigns.stats(c)) as { scans: number };
    const events = db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM events WHERE campaign_id = ? AND type = 'scan'").get(id)?.n ?? 0;
    row('scans', `${id}: scans in Redis stats = events in SQLite`, stats.scans, events);
    await this.#window(db, c, row);
  }

  /**
   * The campaign's open transfers once those in flight had up to 2 s to finish: a transfer takes a few
   * ms between take and close, so what is still taken and not given then was stranded by a crash.
   */
  async #settledMoves(campaignId: string): Promise<OpenMoveAt[]> {
    const until = Date.now() + 2_000;
    let moves = await openMoves(this.redis, campaignId);
    while (moves.some((m) => !m.given) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      moves = await openMoves(this.redis, campaignId);
    }
    return moves;
  }

  async #transferRows(c: CompiledCampaign, p: CompiledCampaign['def']['prizes'][number], moves: readonly OpenMoveAt[], row: (c: string, s: string, e: string | number, a: string | number) => void): Promise<void> {
    const subject = `${c.def.id}/${p.id}`;
    const stranded = (field: string): number => moves.filter((m) => !m.given && m.move.field === field).reduce((n, m) => n + m.move.units, 0);
    const repair = 'npx scanlot rebalance --repair returns them';
    if (p.stock !== null) row('transfer', `${subject}: stock units stranded between shards (${repair})`, 0, stranded(stateField.stock(p.id)));
    if (p.budget !== null) row('transfer', `${subject}: budget stranded between shards (${repair})`, 0, stranded(stateField.budget(p.id)));
    if ((p.release ?? null) !== null) {
      row('transfer', `${subject}: released units stranded between shards (${repair})`, 0, stranded(stateField.pacedMoved(p.id)));
      // released units moved in and out of the shards, and those in transfer, net to zero: none was made up
      let net = moves.filter((m) => !m.given && m.move.field === stateField.pacedMoved(p.id)).reduce((n, m) => n + m.move.units, 0);
      for (const t of ALL_SHARDS) net += Number((await this.redis.hget(keys.campaignState(t, c.def.id), stateField.pacedMoved(p.id))) ?? 0);
      row('transfer', `${subject}: released units moved between shards + in transfer net to 0`, 0, net);
    }
    if (p.dailyCap !== null) {
      row('transfer', `${subject}: daily-cap units stranded between shards (${repair})`, 0, stranded(dayField.capMoved(p.id)));
      const today = c.day.dayOf(this.now());
      let net = moves.filter((m) => !m.given && m.move.field === dayField.capMoved(p.id) && m.move.day === today).reduce((n, m) => n + m.move.units, 0);
      for (const t of ALL_SHARDS) net += Number((await this.redis.hget(keys.campaignDay(t, c.def.id, today), dayField.capMoved(p.id))) ?? 0);
      row('transfer', `${subject}: daily-cap units moved between shards on ${today} + in transfer net to 0`, 0, net);
    }
  }

  async #window(db: Db, c: CompiledCampaign, row: (c: string, s: string, e: string | number, a: string | number) => void): Promise<void> {
    const id = c.def.id;
    // an operator may have moved the end (PATCH): the scan script reads it from the state hash
    let end = c.def.endsAtMs;
    for (const t of ALL_SHARDS) {
      const moved = Number(await this.redis.hget(keys.campaignState(t, id), stateField.end));
      if (moved > 0) end = moved;
    }
    const from = new Date(c.def.startsAtMs).toISOString();
    let until = new Date(end).toISOString();
    // an operator who ended the campaign ended its window: its event says when
    const ended = db
      .prepare<[string], { at: string | null }>(`SELECT min(at) AS at FROM events WHERE type = 'campaign' AND campaign_id = ? AND json_extract(body, '$.change.state') = 'ended'`)
      .get(id)?.at;
    if (ended && ended < until) until = ended;
    const outside = db.prepare<[string, string, string], { n: number }>("SELECT count(*) AS n FROM events WHERE type = 'scan' AND campaign_id = ? AND (at < ? OR at >= ?)").get(id, from, until)?.n ?? 0;
    row('window', `${id}: events of the campaign outside [${from}, ${until})`, 0, outside);
    // a campaign published from a draft after its start covered nothing before: its event says when
    const published = db
      .prepare<[string], { at: string | null }>(`SELECT min(at) AS at FROM events WHERE type = 'campaign' AND campaign_id = ? AND json_extract(body, '$.change.published') = 1`)
      .get(id)?.at;
    const drawnFrom = published && published > from ? published : from;
    const batches = JSON.stringify(c.def.scope.batchIds);
    const skus = JSON.stringify(c.def.scope.skus);
    const undrawn =
      db
        .prepare<[string, string, string, string], { n: number }>(
          `SELECT count(*) AS n FROM events WHERE type = 'scan' AND outcome = 'verified' AND at >= ? AND at < ?
             AND (batch_id IN (SELECT value FROM json_each(?)) OR json_extract(body, '$.sku') IN (SELECT value FROM json_each(?)))`,
        )
        .get(drawnFrom, until, batches, skus)?.n ?? 0;
    row('window', `${id}: first scans of covered codes inside the window left undrawn`, 0, undrawn);
  }
}
