// The wins an event holds, as rows of its store's `wins` table (src/events/event-schema.ts), written by
// the persist step in the same transaction as the event: a win is found by its user (GET /me, a member's
// wins), its voucher (pages, redemptions) and, for cash, as a payout, in the event stores of the
// deployment, not in Redis (nothing per win there beyond the code's record, which the scan wrote).
//
// A consumer's win of a scan is its code's record (src/fulfilment/win-of-record.ts): its row holds no
// record. The clerk's prize of a scan is a win of the clerk's, `<eventId>-clerk` (its voucher is derived
// from that id); a draw's prize (a spent chance, a ticket revealed in a shop), the set prize it completed
// (`<eventId>-set`) and the set prize a scan's card completed (its own event, type set) are wins too;
// these, and wins whose ids name no code (events from before ids named them), keep their record here.
import type { StoredEvent } from '../aggregates/aggregate-op.js';
import type { WinRow } from '../events/event-schema.js';
import { homeShard, shardTag, type ShardTag } from '../redis/keys.js';
import { codeOfEventId } from '../scan/event-ids.js';
import { asWonPrize, type WinRecord } from './win-record.js';

function winRow(event: StoredEvent, shard: ShardTag, winId: string, user: unknown, rawPrize: unknown): WinRow[] {
  const prize = asWonPrize(rawPrize);
  if (prize === null || typeof user !== 'string' || user === '') return [];
  const campaignId = typeof event.campaignId === 'string' ? event.campaignId : null;
  const ofCode = winId === event.id && codeOfEventId(winId) !== null;
  const record: WinRecord | null = ofCode ? null : { eventId: winId, user, campaignId, prize, at: event.at };
  return [{
    id: winId, user, at: event.at, shard, campaignId, prizeId: prize.id, kind: prize.kind,
    voucher: prize.voucher?.code ?? null, record: record === null ? null : JSON.stringify(record),
  }];
}

/** The events whose prizes are drawn outside a scan's own: a draw's (or a reveal's), and a set's prize completed by a draw or a scan. */
function isDrawEvent(event: StoredEvent): boolean {
  return event.type === 'chance' || event.type === 'reveal' || event.type === 'set';
}

/** A draw's prize and a set's prize it completed (a spent chance, or a ticket revealed in a shop: docs/store.md); a scan's completed set's prize. */
function drawPrizes(event: StoredEvent): { readonly winId: string; readonly prize: unknown }[] {
  if (event.type === 'set') {
    const set = event.set as { prize?: unknown } | null | undefined;
    return typeof set === 'object' && set !== null && set.prize ? [{ winId: event.id, prize: set.prize }] : [];
  }
  const draw = event.draw as { outcome?: unknown; prize?: unknown; set?: { prize?: unknown } | null } | null | undefined;
  if ((event.type !== 'chance' && event.type !== 'reveal') || typeof draw !== 'object' || draw === null) return [];
  const out: { winId: string; prize: unknown }[] = [];
  if (draw.outcome === 'won' && draw.prize) out.push({ winId: event.id, prize: draw.prize });
  if (draw.set?.prize) out.push({ winId: `${event.id}-set`, prize: draw.set.prize });
  return out;
}

/**
 * The shard whose stream an event stored before the wins table was read from, as its kind of event is
 * written: a scan into its code's shard, a draw or a set into its user's home shard.
 */
function streamShardOf(event: StoredEvent): ShardTag {
  return event.type === 'scan' && typeof event.batchId === 'number' && typeof event.serial === 'number' ? shardTag(event.batchId, event.serial) : homeShard(String(event.user));
}

/**
 * The wins of one event read from the stream of shard `shard` (where their redemptions and payouts are
 * kept); null for an event stored before the table (its kind of event says which).
 */
export function winRowsOf(event: StoredEvent, streamShard: ShardTag | null): WinRow[] {
  const shard = streamShard ?? streamShardOf(event);
  if (isDrawEvent(event)) return drawPrizes(event).flatMap((d) => winRow(event, shard, d.winId, event.user, d.prize));
  if (event.type !== 'scan') return [];
  const rows = event.outcome === 'won' ? winRow(event, shard, event.id, event.user, event.prize) : [];
  if (event.clerkPrize) rows.push(...winRow(event, shard, `${event.id}-clerk`, event.clerk, event.clerkPrize));
  return rows;
}

/** Event types that may hold wins: what filling the table from the events stored before it reads. */
export const WIN_EVENT_TYPES: readonly string[] = ['scan', 'chance', 'reveal', 'set'];
