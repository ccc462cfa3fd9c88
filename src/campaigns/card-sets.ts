// Collect the set (集卡): prizes of kind `card` belong to a set; `"sets": [{"id","prize"}]` names the
// prize a complete set wins. The set prizes become prizes of the campaign that are never drawn
// (probability 0) and `completes` their set, so their stock, budget and caps are kept as any prize's.
// (Prizes are typed by their shape here: campaign.ts parses them and calls in, never the reverse.)
import { badRequest } from '../errors.js';
import { asObject, reqString, type JsonObject } from '../validation/json-fields.js';

/** the fields of a prize the sets read */
export interface SetPrize {
  id: string;
  kind: string;
  for: string;
  ppm: number;
  probability: number;
  set?: string;
  completes?: string;
}

const SET_ID_RE = /^[A-Za-z0-9_.-]{1,32}$/;

/** `"sets": [{"id":"zodiac","prize":{…}}]`; `first`: the index the set prizes take after the drawn prizes */
export function parseSets<P extends SetPrize>(body: JsonObject, first: number, parsePrize: (value: unknown, i: number, path: string) => P): P[] {
  if (body.sets === undefined || body.sets === null) return [];
  if (!Array.isArray(body.sets) || body.sets.length > 20) throw badRequest('sets', 'must be an array of at most 20 sets');
  return body.sets.map((value, i) => {
    const path = `sets[${i}]`;
    const o = asObject(value, path);
    const id = reqString(o, 'id', SET_ID_RE, '1-32 characters of [A-Za-z0-9_.-]', `${path}.id`);
    const raw = asObject(o.prize, `${path}.prize`);
    const prize = parsePrize({ ...raw, probability: 0 }, first + i, `${path}.prize`);
    if (prize.kind === 'card') throw badRequest(`${path}.prize.kind`, 'a set prize cannot be a card');
    if (prize.for !== 'consumer') throw badRequest(`${path}.prize.for`, 'a set prize is for consumers');
    return { ...prize, completes: id };
  });
}

/** every card's set has a prize, every set has a card, and no prize id is used twice (checked by the caller) */
export function checkSets(prizes: readonly SetPrize[]): void {
  const sets = new Set<string>();
  for (const p of prizes) {
    if (p.completes === undefined) continue;
    if (sets.has(p.completes)) throw badRequest(`sets[${sets.size}].id`, `duplicates ${p.completes}`);
    sets.add(p.completes);
  }
  for (const [i, p] of prizes.entries()) {
    if (p.set !== undefined && !sets.has(p.set)) throw badRequest(`prizes[${i}].set`, `names set ${p.set}, which "sets" does not define`);
  }
  for (const id of sets) if (!prizes.some((p) => p.set === id)) throw badRequest('sets', `set ${id} has no card`);
}

/** the sets as a campaign's public form shows them: each with its prize */
export function publicSets(prizes: readonly SetPrize[]): JsonObject {
  const sets = prizes.filter((p) => p.completes !== undefined);
  if (sets.length === 0) return {};
  return {
    sets: sets.map(({ ppm: _ppm, probability: _p, completes, ...prize }) => ({ id: completes, cards: prizes.filter((c) => c.set === completes).map((c) => c.id), prize })),
  };
}
