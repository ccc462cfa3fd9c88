// GET /openapi.json serves docs/openapi.yaml, and the answer checker every test helper runs
// (src/testing/openapi-check.ts) refuses an answer that the document does not describe.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { TEST_TOKEN } from '../testing/engine-process.js';
import { readOpenApiDocument, type OpenApiDocument } from '../openapi/openapi-document.js';
import { OpenApiCheck } from '../testing/openapi-check.js';

const fx = useEngine();

/** the same request as a test helper makes, unchecked, so the test can check it against another document */
async function raw(method: string, path: string, body?: unknown): Promise<{ method: string; url: string; status: number; contentType: string; body: unknown }> {
  const r = await fetch(fx.engine.url + path, { method, headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { method, url: path, status: r.status, contentType: r.headers.get('content-type') ?? '', body: JSON.parse(text) };
}

describe('the OpenAPI document', () => {
  it('is served as JSON at GET /openapi.json', async () => {
    const r = await fx.engine.api('GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(readOpenApiDocument());
  });

  it('passes answers that match it and refuses a body or a status it does not describe', async () => {
    const created = await raw('POST', '/v1/batches', { sku: '06901234567892', size: 10 });
    expect(created.status).toBe(201);
    new OpenApiCheck().check(created);

    const changed = structuredClone(readOpenApiDocument()) as OpenApiDocument & { components: { schemas: Record<string, { required: string[] }> } };
    changed.components.schemas.Batch?.required.push('printedAt');
    expect(() => new OpenApiCheck(changed).check(created)).toThrow(/must have required property 'printedAt'/);

    const missing = await raw('GET', '/v1/batches/999999');
    expect(missing.status).toBe(404);
    new OpenApiCheck().check(missing);
    const paths = changed.paths as Record<string, { get: { responses: Record<string, unknown> } }>;
    delete paths['/v1/batches/{id}']?.get.responses['404'];
    expect(() => new OpenApiCheck(changed).check(missing)).toThrow(/status 404 is not documented for GET \/v1\/batches\/\{id\}/);
  });

  it('takes the answers any route may give from x-any-route-responses (the router refuses a malformed path escape)', async () => {
    const malformed = await raw('GET', '/v1/members/%ZZ');
    expect(malformed.status).toBe(400);
    new OpenApiCheck().check(malformed);
    const without = structuredClone(readOpenApiDocument());
    delete without['x-any-route-responses'];
    expect(() => new OpenApiCheck(without).check(malformed)).toThrow(/status 400 is not documented for GET \/v1\/members\/\{user\}/);
  });

  it('lets a route it does not describe through, unless strict (SCANLOT_OPENAPI_STRICT=1)', async () => {
    const unknown = await raw('GET', '/v1/no-such-route');
    expect(unknown.status).toBe(404);
    new OpenApiCheck(readOpenApiDocument(), false).check(unknown);
    expect(() => new OpenApiCheck(readOpenApiDocument(), true).check(unknown)).toThrow(/no such route/);
  });
});
