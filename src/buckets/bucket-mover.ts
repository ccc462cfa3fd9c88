// Moves units of a campaign's per-shard buckets (stock, budget, a day's cap share) into a shard that ran
// dry, from the others, without ever creating units: take on the source (atomic, refuses beyond what the
// source has, records the open transfer), give on the target (idempotent per transfer id), close on the
// source. A crash between take and give strands the units in the open transfer; `repair` gives and closes
// every open transfer. Several movers (engines) may pull at once: each take is atomic on its shard.
import { randomBytes } from 'node:crypto';
import { ALL_SHARDS, keys, shareOf, type ShardTag } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { bucketPlace, dayOf, targetPlace, type BucketRef } from './bucket.js';
import { runTakeUnits } from './take-units-script.js';
import { runGiveUnits } from './give-units-script.js';
import { runCloseMove } from './close-move-script.js';
import { openMoves, unitsInTransfer, type PrizeInTransfer } from './open-moves.js';
import type { OpenMove } from './open-move.js';
import { pruneGiven } from './given-transfers.js';

export interface BucketMoverOptions {
  /** test hook (SCANLOT_TEST_MOVE_PAUSE_MS): sleep between take and give, so a test can kill the engine mid-transfer */
  pauseBetweenTakeAndGiveMs?: number;
  /** how long a closed transfer's id stays in the target's `given` hash (src/buckets/given-transfers.ts) */
  givenKeptMs?: number;
}

/** far longer than a repair takes between reading an open transfer and giving it */
const GIVEN_KEPT_MS = 10 * 60_000;

/** one open transfer a repair found, and what it did with it */
export interface RepairedMove {
  campaignId: string;
  field: string;
  day: string;
  from: ShardTag;
  to: ShardTag;
  units: number;
  /** `given`: the units were stranded and are back in the target now; `given before`: only the close was missing */
  result: 'given' | 'given before';
}

export interface RepairReport {
  /** campaigns with at least one open transfer */
  campaigns: number;
  /** open transfers closed */
  moves: number;
  /** units that were stranded (taken, never given) and are in their target's bucket now */
  units: number;
  transfers: RepairedMove[];
  /** ids of closed transfers deleted from the targets' `given` hashes */
  givenPruned: number;
}

/** what evening out one bucket of a prize did */
export interface EvenedBucket {
  prize: string;
  kind: 'stock' | 'budget';
  /** the shards' buckets before, in shard order */
  before: number[];
  /** units moved between shards */
  moved: number;
}

/** a take refused because a concurrent take got there first is retried with what is left, a few times */
const TAKE_ATTEMPTS = 4;

export class BucketMover {
  readonly #pulls = new Map<string, Promise<number>>();
  /** the last pull of each bucket (whatever its target): pulls of one bucket run one after the other */
  readonly #lastOfBucket = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: RedisClient,
    private readonly now: () => number,
    private readonly options: BucketMoverOptions = {},
  ) {}

  /**
   * Moves at least `need` units into `target` from the other shards, richest first; the first source
   * gives max(need, half of what it has) so that buckets even out rather than trickle. Returns the units
   * moved, or `need` when the target holds that many already (a pull before this one brought them): less
   * than `need` (0: none) only when no shard had them. Pulls of the same bucket into the same shard at
   * once share one promise; pulls of one bucket into different shards run one after the other.
   */
  pull(ref: BucketRef, target: ShardTag, need: number): Promise<number> {
    if (!Number.isSafeInteger(need) || need < 1) return Promise.reject(new Error(`need must be a positive integer, got ${need}`));
    if (!ALL_SHARDS.includes(target)) return Promise.reject(new Error(`${target} is not a shard of this deployment`));
    const key = `${ref.campaignId}\u0000${ref.prize}\u0000${ref.kind}\u0000${dayOf(ref)}\u0000${target}`;
    const running = this.#pulls.get(key);
    if (running) return running;
    // Pulls of one bucket into different shards at once would take from each other (each first source
    // gives half of what it has): a win that no single shard could pay would pass units round and round
    // and never be paid. One after the other, each sees what the one before moved.
    const bucket = `${ref.campaignId}\u0000${ref.prize}\u0000${ref.kind}\u0000${dayOf(ref)}`;
    const before = this.#lastOfBucket.get(bucket) ?? Promise.resolve();
    const pull = before
      .catch(() => undefined)
      .then(() => this.#pull(ref, target, need))
      .finally(() => {
        this.#pulls.delete(key);
        if (this.#lastOfBucket.get(bucket) === pull) this.#lastOfBucket.delete(bucket);
      });
    this.#pulls.set(key, pull);
    this.#lastOfBucket.set(bucket, pull);
    return pull;
  }

  async #pull(ref: BucketRef, target: ShardTag, need: number): Promise<number> {
    // a pull before this one (or another engine's) may have brought the units already: the scan goes again
    const here = await this.#available(ref, target);
    if (here >= need) return need;
    need -= Math.max(0, here);
    const others = ALL_SHARDS.filter((t) => t !== target);
    const available = await Promise.all(others.map((t) => this.#available(ref, t)));
    const sources = others.map((shard, i) => ({ shard, available: available[i] as number })).filter((s) => s.available > 0);
    sources.sort((a, b) => b.available - a.available);
    let moved = 0;
    for (const s of sources) {
      if (moved >= need) break;
      // the first source that gives evens out with the target; the others only make up the rest
      const want = moved === 0 ? Math.max(need, Math.ceil(s.available / 2)) : need - moved;
      moved += await this.#transfer(ref, s.shard, target, Math.min(want, s.available));
    }
    return moved;
  }

  /** what a shard's bucket can give: stock or budget left; the day's share + moved in - wins for a cap */
  async #available(ref: BucketRef, shard: ShardTag): Promise<number> {
    const place = bucketPlace(ref, shard);
    if (place.winsField === '') return Number((await this.redis.hget(place.key, place.field)) ?? 0);
    const [moved, wins] = await this.redis.hmget(place.key, place.field, place.winsField);
    return place.base + Number(moved ?? 0) - Number(wins ?? 0);
  }

  /** take (retrying with what is left when a concurrent take was first), give, close; returns units moved */
  async #transfer(ref: BucketRef, source: ShardTag, target: ShardTag, units: number): Promise<number> {
    const place = bucketPlace(ref, source);
    let k = units;
    for (let attempt = 0; attempt < TAKE_ATTEMPTS && k > 0; attempt++) {
      const transferId = randomBytes(8).toString('hex');
      const move: OpenMove = { to: target, field: place.field, day: dayOf(ref), units: k, at: this.now() };
      const taken = await runTakeUnits(this.redis, source, ref.campaignId, place, transferId, move);
      if (!taken.taken) {
        if ('duplicate' in taken) continue;
        k = Math.min(k, taken.available);
        continue;
      }
      const pause = this.options.pauseBetweenTakeAndGiveMs ?? 0;
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      await this.#giveAndClose(ref.campaignId, source, transferId, move);
      return k;
    }
    return 0;
  }

  async #giveAndClose(campaignId: string, source: ShardTag, transferId: string, move: OpenMove): Promise<'given' | 'given before'> {
    const bucket = { ...targetPlace(campaignId, move.to, move.field, move.day), field: move.field };
    const given = await runGiveUnits(this.redis, move.to, campaignId, bucket, move.units, transferId);
    await runCloseMove(this.redis, source, campaignId, transferId);
    return given;
  }

  /**
   * Evens out the stock and budget buckets of a campaign's prizes over the shards (an operator's
   * rebalance): each shard ends with its share of what all of them hold, as at creation.
   */
  async evenOut(campaignId: string, prizes: readonly { id: string; stock: boolean; budget: boolean }[]): Promise<EvenedBucket[]> {
    const out: EvenedBucket[] = [];
    for (const p of prizes) {
      for (const kind of ['stock', 'budget'] as const) {
        if (!p[kind]) continue;
        out.push(await this.#evenOut({ campaignId, prize: p.id, kind }));
      }
    }
    return out;
  }

  async #evenOut(ref: BucketRef & { kind: 'stock' | 'budget' }): Promise<EvenedBucket> {
    const before = await Promise.all(ALL_SHARDS.map((t) => this.#available(ref, t)));
    const total = before.reduce((a, b) => a + Math.max(0, b), 0);
    const gap = before.map((have, i) => shareOf(total, i, ALL_SHARDS.length) - have);
    let moved = 0;
    for (const [d, dry] of ALL_SHARDS.entries()) {
      for (const [s, rich] of ALL_SHARDS.entries()) {
        const need = gap[d] as number;
        const spare = -(gap[s] as number);
        if (need <= 0) break;
        if (spare <= 0) continue;
        const k = await this.#transfer(ref, rich, dry, Math.min(need, spare));
        gap[d] = need - k;
        gap[s] = -(spare - k);
        moved += k;
      }
    }
    return { prize: ref.prize, kind: ref.kind, before, moved };
  }

  /**
   * Gives (idempotently) and closes every open transfer of every campaign on every shard, taken at least
   * `minAgeMs` ago (the engines do this every minute for transfers a minute old: a pull cut by a crash or
   * an unreachable primary strands its units for a minute or two, not until an operator notices).
   */
  async repair(minAgeMs = 0): Promise<RepairReport> {
    const report: RepairReport = { campaigns: 0, moves: 0, units: 0, transfers: [], givenPruned: 0 };
    const ids = (await this.redis.hkeys(keys.campaignDefs)).sort();
    const takenBefore = this.now() - minAgeMs;
    for (const campaignId of ids) {
      const all = await openMoves(this.redis, campaignId);
      // the ids of closed transfers go after a while: the hashes would grow with every pull otherwise
      report.givenPruned += (await pruneGiven(this.redis, campaignId, new Set(all.map((m) => m.transferId)), this.now(), this.options.givenKeptMs ?? GIVEN_KEPT_MS)).pruned;
      // a transfer younger than minAgeMs is most likely still on its way: its mover gives and closes it
      const open = all.filter((m) => m.move.at <= takenBefore);
      if (open.length === 0) continue;
      report.campaigns++;
      for (const m of open) {
        const result = await this.#giveAndClose(campaignId, m.source, m.transferId, m.move);
        report.moves++;
        if (result === 'given') report.units += m.move.units;
        report.transfers.push({ campaignId, field: m.move.field, day: m.move.day, from: m.source, to: m.move.to, units: m.move.units, result });
      }
    }
    return report;
  }

  /** Per prize: units taken from a shard and not yet given to another (in flight, or stranded by a crash). */
  async inTransfer(campaignId: string): Promise<Map<string, PrizeInTransfer>> {
    return unitsInTransfer(await openMoves(this.redis, campaignId));
  }
}
