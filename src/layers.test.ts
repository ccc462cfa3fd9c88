// The module layers hold: no source file imports from a higher layer than its own (except the few imports
// listed below, each waiting for its fix), and no file imports itself through others (no import cycle).
// Imports are read with the TypeScript compiler's own pre-processor, type-only imports included: a type
// from a higher layer ties the lower one to it as much as a value does.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './paths.js';

/**
 * Lowest first. A module's layer is that of its folder under src/ (or, for a file directly in src/, its
 * name); a module may import from its own layer and the layers below.
 */
const LAYERS: readonly (readonly string[])[] = [
  // foundation: no scanlot imports but each other
  ['errors', 'paths', 'types', 'validation', 'config', 'log', 'startup-refused'],
  // infrastructure: Redis access, the code format, metrics, in-process limits, the API document, thread priority
  ['redis', 'codes', 'metrics', 'limits', 'openapi', 'threads'],
  // records kept in Redis
  ['identity', 'batches', 'members', 'buckets'],
  ['campaigns'],
  // figures derived from events (the aggregate ops and the registry of their sources)
  ['aggregates'],
  // the event format and queries
  ['events'],
  // persistence from the Redis streams into SQLite, and the registration of each SQLite store
  ['persistence', 'event-stores'],
  ['scan'],
  // the store as a place: shops, check-ins, draw chances and draws, cards counted in sets (beside the prizes that reach people)
  ['fulfilment', 'shops', 'chances', 'sets'],
  ['reports'],
  ['dcrm', 'audit'],
  ['http', 'console'],
  // the composition root and start-up: wiring, refusals, the process entry points
  ['startup', 'secrets', 'demo', 'engine', 'main', 'cli'],
  ['testing', 'e2e'],
];

/**
 * Imports from a lower layer to a higher one that are known and waiting for their fix. Each entry that
 * no longer exists fails the test, so that its removal shows here too.
 */
const ALLOWED_UPWARD: readonly string[] = [];

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(p, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** project-relative path of every scanlot module a file imports */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((f) => f.startsWith('.'))
    .map((f) => relative(PROJECT_ROOT, resolve(dirname(file), f.replace(/\.js$/, '.ts'))));
}

function layerOf(file: string): number {
  const parts = relative(join(PROJECT_ROOT, 'src'), join(PROJECT_ROOT, file)).split('/');
  const name = parts.length === 1 ? (parts[0] ?? '').replace(/\.ts$/, '') : (parts[0] ?? '');
  const layer = LAYERS.findIndex((l) => l.includes(name));
  if (layer < 0) throw new Error(`${file}: src/${name} is in no layer: add it to LAYERS in src/layers.test.ts`);
  return layer;
}

const graph = new Map(sourceFiles(join(PROJECT_ROOT, 'src')).map((f) => [relative(PROJECT_ROOT, f), importsOf(f)]));

/** strongly connected components of more than one file (or a file importing itself): Tarjan's algorithm */
function cycles(g: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('module layers', () => {
  it('reads the imports of every source file', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('src/engine.ts')).toContain('src/startup/started-parts.ts');
  });

  it('has no import from a lower layer to a higher one but the listed ones', () => {
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      for (const target of imports) if (layerOf(target) > layerOf(file)) upward.push(`${file} -> ${target}`);
    }
    expect(upward.filter((u) => !ALLOWED_UPWARD.includes(u))).toEqual([]);
    // a listed import that is gone must leave the list
    expect(ALLOWED_UPWARD.filter((a) => !upward.includes(a))).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });
});
