// The input of PATCH /v1/campaigns/{id}: a state change, a later end, top-ups, the page's look; while a
// campaign is a draft, any field (the edit is merged into the definition and checked as a new one).
import { badRequest } from '../errors.js';
import { asObject, reqString, type JsonObject } from '../validation/json-fields.js';
import { campaignInput, parseCampaignInput, type Campaign, type CampaignState } from './campaign.js';
import { parseAnimation, parsePageSettings, parseTheme } from './page-settings.js';

export interface TopUp {
  id: string;
  addStock: number;
  addBudget: number;
}

export interface CampaignPatch {
  state: CampaignState | null;
  endsAt: { text: string; ms: number } | null;
  prizes: TopUp[];
  /** the whole new definition: a draft's edit, or a live campaign's new page settings; null: unchanged */
  definition: Campaign | null;
  /** the names of the fields the patch changed in the definition (for its event) */
  fields: string[];
}

/** what a live campaign may still change about its page: none of it touches the draw */
const LOOK_FIELDS = ['page', 'theme', 'animation'];

/** A draft's edit: every field but id, merged into the definition and checked like a new campaign. */
function parseDraftPatch(body: JsonObject, def: Campaign, now: number): CampaignPatch {
  if (body.id !== undefined && body.id !== def.id) throw badRequest('id', 'cannot be changed');
  let state: CampaignState | null = null;
  if (body.state !== undefined) {
    if (body.state !== 'draft' && body.state !== 'live') throw badRequest('state', 'of a draft must be draft or live (publish)');
    state = body.state === 'live' ? 'live' : null;
  }
  const given = Object.keys(body).filter((k) => k !== 'state' && k !== 'id');
  if (state === null && given.length === 0) throw badRequest('body', 'must change a field or publish the draft (state: live)');
  const merged: JsonObject = { ...campaignInput(def), ...body, id: def.id, state: 'draft' };
  const next: Campaign = { ...parseCampaignInput(merged, now), createdAt: def.createdAt };
  // the change log names what changed, not every field a form sent back as it was
  const was = def as unknown as Record<string, unknown>;
  const is = next as unknown as Record<string, unknown>;
  const fields = given.filter((k) => JSON.stringify(is[k]) !== JSON.stringify(was[k]));
  return { state, endsAt: null, prizes: [], definition: next, fields };
}

const STATES: readonly CampaignState[] = ['live', 'paused', 'ended'];

function positiveInt(o: JsonObject, field: string, path: string): number {
  const v = o[field];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw badRequest(path, 'must be a positive integer');
  return v;
}

/** Checks the patch against the campaign it changes; the overlap of a later end is checked by the store. */
export function parseCampaignPatch(body: JsonObject, def: Campaign, now: number): CampaignPatch {
  if (def.state === 'draft') return parseDraftPatch(body, def, now);
  for (const k of Object.keys(body)) {
    if (k !== 'state' && k !== 'endsAt' && k !== 'prizes' && !LOOK_FIELDS.includes(k)) throw badRequest(k, 'cannot be changed once published (state, endsAt, prizes, page, theme, animation)');
  }
  const look = Object.keys(body).filter((k) => LOOK_FIELDS.includes(k));
  let definition: Campaign | null = null;
  if (look.length > 0) {
    const page = parsePageSettings(body);
    definition = { ...def, theme: body.theme === undefined ? (def.theme ?? 'default') : parseTheme(body), animation: body.animation === undefined ? (def.animation ?? 'plain') : parseAnimation(body) };
    if (body.page !== undefined) {
      if (page === null) delete definition.page;
      else definition.page = page;
    }
  }
  let state: CampaignState | null = null;
  if (body.state !== undefined) {
    if (typeof body.state !== 'string' || !STATES.includes(body.state as CampaignState) || body.state === 'draft') throw badRequest('state', `must be one of ${STATES.join(', ')}`);
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
  if (state === null && endsAt === null && prizes.length === 0 && definition === null) throw badRequest('body', 'must change state, endsAt, prizes or the page');
  return { state, endsAt, prizes, definition, fields: look };
}
