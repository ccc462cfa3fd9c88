import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.js';
import { ENGINE_NODE_FLAGS, missingEngineFlags } from './engine-node-flags.js';

describe("the engine's node flags", () => {
  it('npm start passes every one of them', () => {
    const start = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start as string;
    const nodeArgs = start.slice(start.indexOf('node ')).split(/\s+/);
    expect(missingEngineFlags(nodeArgs)).toEqual([]);
    expect(ENGINE_NODE_FLAGS.length).toBeGreaterThan(0);
  });

  it('names the ones a process lacks', () => {
    expect(missingEngineFlags([])).toEqual([...ENGINE_NODE_FLAGS]);
    expect(missingEngineFlags(['--inspect', ...ENGINE_NODE_FLAGS])).toEqual([]);
  });
});
