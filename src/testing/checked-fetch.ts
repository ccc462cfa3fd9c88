// A JSON request to a test engine, as the engine's clients make it (bearer token, JSON body), whose
// answer is checked against docs/openapi.yaml before the test sees it (src/testing/openapi-check.ts).
import { openApiCheck } from './openapi-check.js';

export interface CheckedReply {
  status: number;
  // the answer's shape is the test's to check (the document's schema was checked already)
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

export async function fetchChecked(url: string, method: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<CheckedReply> {
  const r = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    // a string or bytes are sent as they are (malformed input on purpose); anything else as JSON
    body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: the text itself */
  }
  const u = new URL(url);
  openApiCheck().check({ method, url: u.pathname + u.search, status: r.status, contentType: r.headers.get('content-type') ?? '', body: parsed });
  return { status: r.status, body: parsed, headers: r.headers };
}
