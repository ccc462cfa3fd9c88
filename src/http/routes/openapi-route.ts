// GET /openapi.json: the API's OpenAPI 3.1 document (docs/openapi.yaml), serialised once at start-up.
import { readOpenApiDocument } from '../../openapi/openapi-document.js';
import { json } from '../http-call.js';
import type { Route } from '../router.js';

export function openApiRoutes(): Route[] {
  const body = JSON.stringify(readOpenApiDocument());
  return [{ method: 'get', pattern: '/openapi.json', handle: () => json('200 OK', body) }];
}
