// The input of PATCH /v1/campaigns/{id}: a state change, a later end, top-ups.
import { badRequest } from '../errors.js';
import { asObject, reqString, type JsonObject } from '../validation/json-fields.js';
import type { Campaign, CampaignState } from './campaign.js';

export interface TopUp {
  id: string;
  addStock: number;
  addBudget: number;
}

export interface CampaignPatch {
  state: CampaignState | null;
  endsAt: { text: string; ms: number } | null;
  prizes: TopUp[];
}

const STATES: readonly CampaignState[] = ['live', 'paused', 'ended'];

function positiveInt(o: JsonObject, field: string, path: string): number {
  const v = o[field];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw badRequest(path, 'must be a positive integer');
  return v;
}

/** Checks the patch against the campaign it changes; the overlap of a later end is checked by the store. */
export function parseCampaignPatch(body: JsonObject, def: Campaign): CampaignPatch {
  for (const k of Object.keys(body)) if (k !== 'state' && k !== 'endsAt' && k !== 'prizes') throw badRequest(k, 'cannot be changed (state, endsAt, prizes)');
  let state: CampaignState | null = null;
  if (body.state !== undefined) {
    if (typeof body.state !== 'string' || !STATES.includes(body.state as CampaignState)) throw badRequest('state', `must be one of ${STATES.join(', ')}`);
    state = body.state as CampaignState;
  }
  let endsAt: CampaignPatch['endsAt'] = null;
  if (body.endsAt !== undefined) {
    const text = reqString(body, 'endsAt', /^\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})$/, 'an ISO 8601 date-time with offset');
    const ms = Date.parse(text);
    if (!Number.isFinite(ms)) throw badRequest('endsAt', 'is not a valid date-time');
    if (ms <= def.endsAtMs) throw badRequest('endsAt', `may only move later than ${def.endsAt}`);
    endsAt = { text, ms };
  }
  const prizes: TopUp[] = [];
  if (body.prizes !== undefined) {
    if (!Array.isArray(body.prizes) || body.prizes.length > 50) throw badRequest('prizes', 'must be an array of at most 50 top-ups');
    const seen = new Set<string>();
    body.prizes.forEach((raw: unknown, i: number) => {
      const path = `prizes[${i}]`;
      const p = asObject(raw, path);
      const id = typeof p.id === 'string' ? p.id : '';
      const prize = def.prizes.find((x) => x.id === id);
      if (!prize) throw badRequest(`${path}.id`, 'names no prize of this campaign');
      if (seen.has(id)) throw badRequest(`${path}.id`, `duplicates ${id}`);
      seen.add(id);
      const addStock = positiveInt(p, 'addStock', `${path}.addStock`);
      const addBudget = positiveInt(p, 'addBudget', `${path}.addBudget`);
      if (addStock === 0 && addBudget === 0) throw badRequest(path, 'needs addStock or addBudget');
      if (addStock > 0 && prize.stock === null) throw badRequest(`${path}.addStock`, `prize ${id} has no stock limit`);
      if (addBudget > 0 && prize.budget === null) throw badRequest(`${path}.addBudget`, `prize ${id} has no budget`);
      prizes.push({ id, addStock, addBudget });
    });
  }
  if (state === null && endsAt === null && prizes.length === 0) throw badRequest('body', 'must change state, endsAt or prizes');
  return { state, endsAt, prizes };
}
