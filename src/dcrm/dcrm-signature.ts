// The Scanlot-Signature header of every DCRM request: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`.
// The timestamp is inside the MAC so a receiver can refuse replays of old requests; the body is signed
// byte for byte as sent, so it is built once and never re-serialised between signing and sending.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'scanlot-signature';

function mac(secret: string, t: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}

export function signatureHeader(secret: string, body: string | Buffer, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${mac(secret, unixSeconds, body)}`;
}

/**
 * What a receiver does: true when the header carries a v1 MAC of this body under `secret` and its
 * timestamp is within `toleranceS` of `nowS`. Several v1 entries are accepted (secret rotation).
 */
export function verifySignature(secret: string, header: string, body: string | Buffer, nowS: number, toleranceS = 300): boolean {
  let t: number | null = null;
  const given: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v)) given.push(v);
  }
  if (t === null || given.length === 0 || Math.abs(nowS - t) > toleranceS) return false;
  const want = Buffer.from(mac(secret, t, body), 'hex');
  return given.some((g) => timingSafeEqual(Buffer.from(g, 'hex'), want));
}
