// The common case of a consumer token checked without jose: an HS256 token (the brand's login gateway
// signing with USER_TOKEN_SECRET) whose header, signature and claims are all plainly right. jose verifies
// through WebCrypto, asynchronously, at tens of µs per token (bench:identity); an HMAC-SHA256 in process
// and two small JSON parses cost a few µs. Anything unusual — another algorithm, a header field beyond
// alg/typ/kid, a claim out of range, a bad signature — returns null, and jose then decides and names the
// cause: this path only ever accepts what jose would accept, never refuses on its own.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TokenKey } from '../config/token-keys.js';

export interface FastClaims {
  readonly sub: unknown;
  readonly exp: number;
  readonly iat?: unknown;
  readonly jti?: unknown;
}

export interface FastPathRules {
  readonly issuer: string | null;
  readonly audience: string | null;
  readonly leewayS: number;
}

const HEADER_FIELDS = new Set(['alg', 'typ', 'kid']);

const BASE64URL_CHARS = /^[A-Za-z0-9_-]*$/;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Whether a decoder would read `s` and spell it back the same: base64url characters only, no length
 * that leaves one character alone, and the spare bits of the last character zero (a decoder reads a
 * changed spare bit as the same bytes). The same verdict as re-encoding the decoded bytes
 * (property-tested), without decoding.
 */
export function isCanonicalBase64url(s: string): boolean {
  const rest = s.length % 4;
  if (rest === 1 || !BASE64URL_CHARS.test(s)) return false;
  if (rest === 0) return true;
  const last = BASE64URL.indexOf(s[s.length - 1] as string);
  return (last & (rest === 2 ? 0xf : 0x3)) === 0;
}

/** Headers seen lately and what they say (a login gateway signs every token with the same header). */
const headerVerdicts = new Map<string, { alg: unknown; kid: unknown; ok: boolean }>();
const HEADER_VERDICTS_MAX = 16;

function headerOf(part: string): { alg: unknown; kid: unknown; ok: boolean } {
  const seen = headerVerdicts.get(part);
  if (seen !== undefined) return seen;
  const header = jsonObject(part);
  let v = { alg: undefined as unknown, kid: undefined as unknown, ok: false };
  if (header !== null) {
    const fieldsOk = Object.keys(header).every((k) => HEADER_FIELDS.has(k));
    const typOk = header.typ === undefined || typeof header.typ === 'string';
    const kidOk = header.kid === undefined || typeof header.kid === 'string';
    v = { alg: header.alg, kid: header.kid, ok: fieldsOk && typOk && kidOk && header.alg === 'HS256' };
  }
  if (headerVerdicts.size >= HEADER_VERDICTS_MAX) headerVerdicts.clear();
  headerVerdicts.set(part, v);
  return v;
}

function jsonObject(base64url: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(base64url, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The payload of a canonical three-part HS256 token that verifies and whose claims hold at `nowMs`; else null. */
export function verifyHs256(parts: readonly [string, string, string], keys: readonly TokenKey[], rules: FastPathRules, nowMs: number): FastClaims | null {
  const header = headerOf(parts[0]);
  if (!header.ok) return null;
  const kid = header.kid;
  const key = keys.find((k) => k.alg === 'HS256' && (kid === undefined || k.kid === null || k.kid === kid));
  if (key === undefined) return null;
  const signature = Buffer.from(parts[2], 'base64url');
  const expected = createHmac('sha256', key.key).update(`${parts[0]}.${parts[1]}`).digest();
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return null;
  const p = jsonObject(parts[1]);
  if (p === null) return null;
  const now = Math.floor(nowMs / 1000);
  const { exp, nbf, iat, sub, iss, aud } = p;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= now - rules.leewayS) return null;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + rules.leewayS)) return null;
  if (iat !== undefined && (typeof iat !== 'number' || iat > now + rules.leewayS)) return null;
  if (typeof sub !== 'string') return null;
  if (rules.issuer !== null && iss !== rules.issuer) return null;
  if (rules.audience !== null && !(aud === rules.audience || (Array.isArray(aud) && aud.includes(rules.audience)))) return null;
  return { sub, exp, iat: p.iat, jti: p.jti };
}
