// Checks an answer the engine gave a test against docs/openapi.yaml: the status must be one the document
// lists for that route, and a JSON body must match that answer's schema. The shared test HTTP helpers run
// it on every answer, so the document cannot drift from the code unnoticed.
//
// A request to a path (or method) the document does not describe is let through, because routes other
// engineers add may reach main before their document entries; SCANLOT_OPENAPI_STRICT=1 makes it fail.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { readOpenApiDocument, type OpenApiDocument } from '../openapi/openapi-document.js';

const DOC_ID = 'scanlot-openapi';

interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
}

interface PathMatcher {
  path: string;
  re: RegExp;
  params: number;
}

export interface CheckedAnswer {
  method: string;
  /** the path asked for, query string allowed */
  url: string;
  status: number;
  /** the content-type header, '' when none */
  contentType: string;
  /** the parsed JSON body, or the text when it is not JSON */
  body: unknown;
}

/** JSON pointer of a path inside the document */
const pointer = (parts: readonly string[]): string => '#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export class OpenApiCheck {
  readonly #doc: OpenApiDocument;
  readonly #ajv: Ajv2020;
  readonly #matchers: PathMatcher[];
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(doc: OpenApiDocument = readOpenApiDocument(), readonly strict: boolean = process.env.SCANLOT_OPENAPI_STRICT === '1') {
    this.#doc = doc;
    // strictSchema off for the document as a whole (openapi, paths, x-roles are not JSON Schema keywords);
    // the schemas inside are compiled with their own keywords only
    this.#ajv = new Ajv2020({ allErrors: true, strictSchema: false, strictTypes: false, validateFormats: false });
    this.#ajv.addSchema(doc, DOC_ID);
    // literal paths first, then those with fewer parameters: /v1/members/{user} must not swallow a literal
    this.#matchers = Object.keys(doc.paths)
      .map((path) => ({
        path,
        re: new RegExp('^' + path.split('/').map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/') + '$'),
        params: (path.match(/\{/g) ?? []).length,
      }))
      .sort((a, b) => a.params - b.params);
  }

  /** the document's path template of a request path, or null */
  pathOf(url: string): string | null {
    const path = url.split('?')[0] ?? '';
    return this.#matchers.find((m) => m.re.test(path))?.path ?? null;
  }

  /** Throws an Error that says what does not match; returns quietly when the answer is as documented. */
  check(a: CheckedAnswer): void {
    const where = `${a.method.toUpperCase()} ${a.url} answered ${a.status}`;
    const path = this.pathOf(a.url);
    const method = a.method.toLowerCase();
    const operation = path === null ? undefined : (this.#doc.paths[path]?.[method] as { responses?: Record<string, ResponseObject> } | undefined);
    if (path === null || operation === undefined) {
      if (this.strict) throw new Error(`OpenAPI: ${where}: no such route in docs/openapi.yaml`);
      return;
    }
    let response = operation.responses?.[String(a.status)] ?? operation.responses?.default;
    let responsePointer = ['paths', path, method, 'responses', operation.responses?.[String(a.status)] ? String(a.status) : 'default'];
    const anyRoute = (this.#doc['x-any-route-responses'] as Record<string, ResponseObject> | undefined)?.[String(a.status)];
    if (response === undefined && anyRoute !== undefined) {
      response = anyRoute;
      responsePointer = ['x-any-route-responses', String(a.status)];
    }
    if (response === undefined) throw new Error(`OpenAPI: ${where}: status ${a.status} is not documented for ${method.toUpperCase()} ${path} (documented: ${Object.keys(operation.responses ?? {}).join(', ')})`);
    const ref = (response as { $ref?: string }).$ref;
    if (ref !== undefined) {
      responsePointer = ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
      response = this.#resolve(responsePointer) as ResponseObject;
    }
    const content = response.content;
    if (content === undefined) return;
    const media = a.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    const documented = content[media];
    if (documented === undefined) throw new Error(`OpenAPI: ${where} with content-type ${a.contentType || '(none)'}; documented: ${Object.keys(content).join(', ')}`);
    if (media !== 'application/json' || documented.schema === undefined) return;
    const validate = this.#validator([...responsePointer, 'content', media, 'schema']);
    if (!validate(a.body)) {
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`).join('; ');
      throw new Error(`OpenAPI: ${where}: the body does not match the documented schema: ${errors}\nbody: ${JSON.stringify(a.body).slice(0, 2000)}`);
    }
  }

  /** compiles (once) the schema at a place in the document; its $refs resolve against the document */
  #validator(parts: readonly string[]): ValidateFunction {
    const key = pointer(parts);
    let v = this.#validators.get(key);
    if (v === undefined) {
      v = this.#ajv.getSchema(DOC_ID + key);
      if (v === undefined) throw new Error(`OpenAPI: no schema at ${key}`);
      this.#validators.set(key, v);
    }
    return v;
  }

  #resolve(parts: readonly string[]): unknown {
    let at: unknown = this.#doc;
    for (const p of parts) at = (at as Record<string, unknown> | undefined)?.[p];
    if (at === undefined) throw new Error(`OpenAPI: nothing at ${pointer(parts)}`);
    return at;
  }
}

let shared: OpenApiCheck | null = null;

/** the checker every test HTTP helper uses (the document is read and compiled once per test file) */
export function openApiCheck(): OpenApiCheck {
  return (shared ??= new OpenApiCheck());
}
