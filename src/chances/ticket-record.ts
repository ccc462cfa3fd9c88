// A sealed ticket's record (线上抽奖,线下开奖) as lua/drawChance-9.lua writes it in the tickets hash of the
// user's home shard, read for the ticket's page. A revealed record keeps the reveal's event itself, so that
// the page served by any engine of the deployment reads what the reveal drew, whichever engine's event store
// the persist step put the event in.

/** a ticket as its page sees it */
export interface TicketState {
  code: string;
  state: 'open' | 'revealed';
  campaignId: string;
  revealEventId: string | null;
  /** the reveal's event JSON, kept in the ticket's record by the reveal (null: open, or revealed before the record kept it) */
  revealEvent: string | null;
}

/**
 * A ticket record of lua/drawChance-9.lua: 'o|<user>|<campaignId>|<issuing eventId>' open,
 * 'r|…|<reveal eventId>|<reveal event JSON>' revealed (the JSON may hold '|': it is the rest of the record).
 */
export function ticketStateOf(code: string, raw: string): TicketState | null {
  const parts = raw.split('|');
  const [state, , campaignId, , revealEventId] = parts;
  if (campaignId === undefined) return null;
  if (state !== 'r') return { code, state: 'open', campaignId, revealEventId: null, revealEvent: null };
  const event = parts.length > 5 ? parts.slice(5).join('|') : null;
  return { code, state: 'revealed', campaignId, revealEventId: revealEventId ?? null, revealEvent: event === '' ? null : event };
}
