// The wins as the event stores hold them (the `wins` table of each store, src/events/event-schema.ts,
// written by the persist step), read across the deployment's stores: each store's table on its own
// (its indexes answer), the rows merged here. An event stored in two stores (a claim whose owner's file
// could not be read) gives its wins twice: they are told apart by id.
import type { ReadDeployment } from '../event-stores/deployment-reader.js';
import type { ShardTag } from '../redis/keys.js';
import type { WinRecord } from './win-record.js';

export interface StoredWin {
  readonly id: string;
  readonly user: string;
  readonly at: string;
  /** the shard that keeps its redemption or payout record */
  readonly shard: ShardTag;
  readonly campaignId: string | null;
  readonly prizeId: string;
  readonly kind: string;
  readonly voucher: string | null;
  /** the win itself when no code's record holds it (a clerk's, a draw's, a set's prize) */
  readonly record: WinRecord | null;
}

interface Row {
  id: string;
  user: string;
  at: string;
  shard: string;
  campaignId: string | null;
  prizeId: string;
  kind: string;
  voucher: string | null;
  record: string | null;
}

const COLUMNS = 'id, user, at, shard, campaign_id AS campaignId, prize_id AS prizeId, kind, voucher, record';

function storedWin(r: Row): StoredWin {
  return { ...r, shard: r.shard as ShardTag, record: r.record === null ? null : (JSON.parse(r.record) as WinRecord) };
}

function distinct(rows: readonly Row[]): Row[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.id) && seen.add(r.id) !== undefined);
}

export class StoredWins {
  constructor(private readonly read: ReadDeployment) {}

  /** The win of that id; a store registered a moment ago is looked for when none holds it. */
  async byId(id: string): Promise<StoredWin | null> {
    return this.#first('id = ?', id);
  }

  async byVoucher(voucher: string): Promise<StoredWin | null> {
    return this.#first('voucher = ?', voucher);
  }

  /** A user's wins, newest first, at most `limit`. */
  async ofUser(user: string, limit: number): Promise<StoredWin[]> {
    const rows = await this.read(({ prepare, winTables }) =>
      winTables.flatMap((t) => prepare<[string, number], Row>(`SELECT ${COLUMNS} FROM ${t} WHERE user = ? ORDER BY at DESC LIMIT ?`).all(user, limit)),
    );
    return distinct(rows.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))).slice(0, limit).map(storedWin);
  }

  async countOf(user: string): Promise<number> {
    const ids = await this.read(({ prepare, winTables }) => winTables.flatMap((t) => prepare<[string], { id: string }>(`SELECT id FROM ${t} WHERE user = ?`).all(user)));
    return new Set(ids.map((r) => r.id)).size;
  }

  /** Cash wins (each is a payout) in id order after `after`, at most `limit`. */
  async cashAfter(after: string | null, limit: number): Promise<StoredWin[]> {
    const rows = await this.read(({ prepare, winTables }) =>
      winTables.flatMap((t) => prepare<[string, number], Row>(`SELECT ${COLUMNS} FROM ${t} WHERE kind = 'cash' AND id > ? ORDER BY id LIMIT ?`).all(after ?? '', limit)),
    );
    return distinct(rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))).slice(0, limit).map(storedWin);
  }

  /** Every win of one campaign (the audit; the winner list reads only those with a record of their own). */
  async ofCampaign(campaignId: string, opts: { readonly withRecordOnly?: boolean } = {}): Promise<StoredWin[]> {
    const only = opts.withRecordOnly === true ? ' AND record IS NOT NULL' : '';
    const rows = await this.read(({ prepare, winTables }) =>
      winTables.flatMap((t) => prepare<[string], Row>(`SELECT ${COLUMNS} FROM ${t} WHERE campaign_id = ?${only}`).all(campaignId)),
    );
    return distinct(rows).map(storedWin);
  }

  async #first(where: string, value: string): Promise<StoredWin | null> {
    const find = (fresh: boolean): Promise<Row | undefined> =>
      this.read(({ prepare, winTables }) => {
        for (const t of winTables) {
          const row = prepare<[string], Row>(`SELECT ${COLUMNS} FROM ${t} WHERE ${where} LIMIT 1`).get(value);
          if (row !== undefined) return row;
        }
        return undefined;
      }, { fresh });
    const row = (await find(false)) ?? (await find(true));
    return row === undefined ? null : storedWin(row);
  }
}
