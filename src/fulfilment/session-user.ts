// The user of the browser asking for GET /me: the one place that reads it, so that the signed session
// cookie of the identity work (CONTRACT §4.4) replaces today's reading in one spot. Today: the landing
// page's anonymous-id cookie (`scanlot_uid`, set by GET /c/{code}), unsigned.
const COOKIE_RE = /(?:^|;\s*)scanlot_uid=([A-Za-z0-9_-]{8,64})(?:;|$)/;

export function sessionUser(cookieHeader: string): string | null {
  return COOKIE_RE.exec(cookieHeader)?.[1] ?? null;
}
