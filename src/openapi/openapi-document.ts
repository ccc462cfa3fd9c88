// The OpenAPI 3.1 document of the HTTP API (docs/openapi.yaml): read once, parsed from YAML, for the
// engine to serve as JSON and for the tests to check answers against.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../paths.js';

export const OPENAPI_PATH = join(PROJECT_ROOT, 'docs', 'openapi.yaml');

/** The parts of an OpenAPI document this project reads; the rest is carried as is. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, unknown>;
  [field: string]: unknown;
}

export function readOpenApiDocument(path: string = OPENAPI_PATH): OpenApiDocument {
  const doc: unknown = parse(readFileSync(path, 'utf8'));
  if (typeof doc !== 'object' || doc === null || typeof (doc as { openapi?: unknown }).openapi !== 'string' || typeof (doc as { paths?: unknown }).paths !== 'object') {
    throw new Error(`${path}: not an OpenAPI document (openapi and paths are required)`);
  }
  return doc as OpenApiDocument;
}
