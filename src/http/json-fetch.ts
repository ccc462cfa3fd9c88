// A JSON request to an engine, as its clients make it (CLI, tests, benchmark): bearer token, JSON body,
// and the answer parsed when it is JSON.
export interface JsonReply {
  status: number;
  // the answer's shape is the caller's to check
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function fetchJson(url: string, method: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<JsonReply> {
  const r = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: the text itself */
  }
  return { status: r.status, body: parsed };
}
