// 操作日志: who created or changed which campaign, and how, read from the campaign events of the event
// stores (every creation and change is one event, with the key's id and name), newest first (changes
// in one millisecond in the order they were stored: all campaign events go through one stream).
import type { Db } from '../events/event-schema.js';

export interface ChangeEntry {
  at: string;
  campaignId: string;
  /** the key's id */
  who: string;
  /** the name staff gave the key */
  whoName: string;
  change: Record<string, unknown>;
}

interface CampaignEvent extends ChangeEntry {
  id: string;
  type: 'campaign';
}

/** the change log's query: of one campaign (through the campaign index) or of all (the campaign events' index) */
export const changeLogSql = (ofOne: boolean): string =>
  `SELECT body FROM events WHERE type = 'campaign'${ofOne ? ' AND campaign_id = ?' : ''} ORDER BY at DESC, seq DESC LIMIT ?`;

/** the last `limit` changes of one campaign (or of all, `campaignId` null), newest first */
export function changeLog(db: Db, campaignId: string | null, limit: number): ChangeEntry[] {
  const rows = db
    .prepare<unknown[], { body: string }>(changeLogSql(campaignId !== null))
    .all(...(campaignId === null ? [] : [campaignId]), limit);
  return rows.map((r) => {
    const e = JSON.parse(r.body) as CampaignEvent;
    return { at: e.at, campaignId: e.campaignId, who: e.who, whoName: e.whoName ?? e.who, change: e.change };
  });
}
