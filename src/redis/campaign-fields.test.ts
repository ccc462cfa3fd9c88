// The Lua scripts that read or write a campaign's state and day hashes spell the field names as the
// catalogue (campaign-fields.ts) builds them, and their headers point to it: a name changed on one side
// only fails here, not in a scan.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.js';
import { dayField, stateField } from './campaign-fields.js';

type Field = string | ((prize: string) => string);

/** per script, the fields it touches in its body (some scripts get a field name as an argument instead) */
const SCRIPTS: Record<string, { body: Field[]; header: Field[] }> = {
  'scanCodes-1.lua': {
    body: [stateField.state, stateField.end, stateField.seed, stateField.stock, stateField.budget, stateField.pacedWins, stateField.pacedMoved, dayField.wins, dayField.capMoved],
    header: [stateField.stock, stateField.budget, stateField.pacedWins, stateField.pacedMoved, dayField.wins, dayField.capMoved],
  },
  'patchCampaign-2.lua': {
    body: [stateField.state, stateField.end, stateField.stock, stateField.budget, stateField.toppedUpStock, stateField.toppedUpBudget],
    header: [stateField.stock, stateField.budget, stateField.toppedUpStock, stateField.toppedUpBudget],
  },
  'takeUnits-2.lua': {
    body: [],
    header: [stateField.stock, stateField.budget, stateField.pacedMoved, stateField.pacedWins, dayField.capMoved, dayField.wins],
  },
  'giveUnits-2.lua': { body: [], header: [stateField.stock, stateField.budget, dayField.capMoved] },
  'drawChance-9.lua': {
    body: [stateField.state, stateField.end, stateField.seed, stateField.stock, stateField.budget, stateField.pacedWins, stateField.pacedMoved, dayField.wins, dayField.capMoved],
    header: [stateField.stock, stateField.budget, stateField.pacedWins, stateField.pacedMoved, dayField.wins, dayField.capMoved],
  },
};

const source = (name: string): { header: string; body: string } => {
  const text = readFileSync(join(PROJECT_ROOT, 'lua', name), 'utf8');
  const end = text.indexOf(']]');
  return { header: text.slice(0, end), body: text.slice(end) };
};

/** a plain field as the script writes it ('state'), a per-prize one as its prefix joined to the id ('s:' .. id) */
const inBody = (f: Field): string => (typeof f === 'string' ? `'${f}'` : `'${f('')}' ..`);
const inHeader = (f: Field): string => (typeof f === 'string' ? f : f('<prize>'));

describe('campaign hash fields', () => {
  it('are spelled in the scripts as the catalogue builds them', () => {
    for (const [name, { body }] of Object.entries(SCRIPTS)) {
      const s = source(name).body;
      for (const f of body) expect(s, `${name} ${inBody(f)}`).toContain(inBody(f));
    }
  });

  it('are listed in the scripts\' headers, which point to the catalogue', () => {
    for (const [name, { header }] of Object.entries(SCRIPTS)) {
      const h = source(name).header;
      expect(h, name).toContain('src/redis/campaign-fields.ts');
      for (const f of header) expect(h, `${name} ${inHeader(f)}`).toContain(inHeader(f));
    }
  });

  it('name each prize\'s buckets apart', () => {
    const prefixes = [stateField.stock, stateField.budget, stateField.toppedUpStock, stateField.toppedUpBudget, stateField.pacedMoved, stateField.pacedWins].map((f) => f(''));
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});
