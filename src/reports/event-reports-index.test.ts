// The reports that read the event stores (by hour, by place, the store, the change log) go through the campaign
// indexes, in every store of the deployment, a store made before the indexes existed included: none of
// them reads the whole table.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSERT_EVENT, openEventDb, type Db } from '../events/event-schema.js';
import { eventStoreId } from '../event-stores/store-identity.js';
import { openDeploymentEvents, type DeploymentEvents } from '../event-stores/deployment-events.js';
import { HOURS_SQL, PLACES_SQL } from './event-reports.js';
import { changeLog, changeLogSql } from './change-log.js';
import { STORE_DAYS_SQL, STORE_SETS_SQL, STORE_SHOPS_SQL } from './store-activity.js';

const dir = mkdtempSync(join(tmpdir(), 'scanlot-report-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** the events table as stores were made before the campaign indexes */
const OLD_TABLE = `CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, at TEXT NOT NULL,
  batch_id INTEGER, serial INTEGER, user TEXT, campaign_id TEXT, outcome TEXT, prize_id TEXT, body TEXT NOT NULL)`;

function fill(db: Db, tag: string, minute: number): void {
  const insert = db.prepare(INSERT_EVENT);
  const at = (m: number): string => new Date(Date.UTC(2027, 2, 1, 0, m)).toISOString();
  db.transaction(() => {
    for (let i = 0; i < 300; i++) {
      const campaign = i % 3 === 0 ? null : `c${i % 3}`;
      const body = JSON.stringify({ id: `${tag}-s${i}`, type: 'scan', at: at(i), campaignId: campaign, lat: 23.13, lng: 113.26 });
      insert.run(`${tag}-s${i}`, 'scan', at(i), 1, i, `u${i}`, campaign, campaign === null ? 'verified' : 'won', null, body);
    }
    const change = { id: `${tag}-c`, type: 'campaign', at: at(minute), campaignId: 'c1', who: 'k', whoName: `key ${tag}`, change: { state: 'paused' } };
    insert.run(change.id, 'campaign', change.at, null, null, null, 'c1', null, null, JSON.stringify(change));
  })();
}

function planOf(d: DeploymentEvents, sql: string): string[] {
  const params = Array((sql.match(/\?/g) ?? []).length).fill('x');
  return d.db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(...params).map((r) => r.detail);
}

describe('event report indexes', () => {
  it('every store, an old one migrated on open, is searched through the campaign indexes', () => {
    const fresh = openEventDb(join(dir, 'fresh.db'));
    const freshId = eventStoreId(fresh);
    fill(fresh, 'a', 500);
    fresh.close();

    const oldPath = join(dir, 'old.db');
    const old = new Database(oldPath);
    old.exec(OLD_TABLE);
    fill(old, 'b', 600);
    old.close();
    const migrated = openEventDb(oldPath);
    const oldId = eventStoreId(migrated);
    expect(migrated.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name").all().map((r) => r.name)).toEqual(['campaign_events', 'events_by_campaign']);
    migrated.close();

    const d = openDeploymentEvents([{ storeId: oldId, consumer: 'other', host: hostname(), path: oldPath, pid: 1, seenAt: new Date().toISOString(), alive: true }], { storeId: freshId, path: join(dir, 'fresh.db') });
    try {
      expect(d.read.map((s) => s.events)).toEqual([301, 301]);
      const reports: [string, string, string][] = [
        ['by hour', HOURS_SQL, 'events_by_campaign (campaign_id=? AND at>? AND at<?)'],
        ['by place', PLACES_SQL, 'events_by_campaign (campaign_id=? AND at>? AND at<?)'],
        ['store by day', STORE_DAYS_SQL, 'events_by_campaign (campaign_id=? AND at>? AND at<?)'],
        ['store by shop', STORE_SHOPS_SQL, 'events_by_campaign (campaign_id=? AND at>? AND at<?)'],
        ['store sets', STORE_SETS_SQL, 'events_by_campaign (campaign_id=? AND at>? AND at<?)'],
        ['change log of a campaign', changeLogSql(true), 'campaign_events (campaign_id=?)'],
        ['change log of all', changeLogSql(false), 'campaign_events'],
      ];
      for (const [name, sql, index] of reports) {
        const plan = planOf(d, sql);
        // one step per store, each through the index; none scans a store's table
        for (const s of ['s0', 's1']) expect(plan.some((step) => step.endsWith(`${s}.events USING INDEX ${index}`)), `${name}: ${plan.join(' | ')}`).toBe(true);
        expect(plan.filter((step) => /^SCAN s\d\.events$/.test(step)), name).toEqual([]);
      }
      // and the change log reads both stores' campaign events, newest first
      expect(changeLog(d.db, 'c1', 10).map((c) => c.whoName)).toEqual(['key b', 'key a']);
      expect(changeLog(d.db, 'c2', 10)).toEqual([]);
    } finally {
      d.close();
    }
  });
});
