// Verifies consumer JWTs with jose: the algorithm pinned to the configured keys, `exp`
// and `sub` required, 60 s of leeway, `iss`/`aud` when configured. Each refusal is a 401 that names the
// cause and never echoes the token. Verified tokens are remembered (bounded, until they expire) so a
// page that scans again with the same token costs a map lookup.
import { errors, jwtVerify, type JWSHeaderParameters } from 'jose';
import type { KeyObject } from 'node:crypto';
import { ApiError } from '../errors.js';
import { ID_RE } from '../validation/json-fields.js';
import type { TokenKey } from '../config/token-keys.js';
import { ANON_PREFIX } from './anonymous.js';
import { isCanonicalBase64url, verifyHs256, type FastPathRules } from './hs256-fast-path.js';

export const LEEWAY_S = 60;
const CACHE_MAX = 10_000;

export interface TokenSettings {
  keys: readonly TokenKey[];
  issuer: string | null;
  audience: string | null;
}

const refuse = (cause: string): ApiError => new ApiError('unauthorized', `consumer token: ${cause}`);

function causeOf(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf' || err.claim === 'iat') return err.reason === 'missing' ? `missing ${err.claim}` : 'not yet valid (nbf/iat in the future)';
    if (err.claim === 'iss') return 'wrong issuer (iss)';
    if (err.claim === 'aud') return 'wrong audience (aud)';
    if (err.claim === 'exp') return 'missing or malformed exp';
    if (err.claim === 'sub') return 'missing sub';
    return `invalid claim ${err.claim}`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed (the engine accepts only its key\'s algorithm)';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (err instanceof errors.JWKSNoMatchingKey) return 'no configured key matches the token (kid/alg)';
  if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid) return 'malformed token';
  if (err instanceof errors.JOSENotSupported) return 'unsupported token';
  return 'malformed token';
}

export class ConsumerTokens {
  readonly #algorithms: string[];
  readonly #cache = new Map<string, { user: string; expMs: number }>();

  /** an HS256 key is configured: plainly valid HS256 tokens are checked in process (hs256-fast-path.ts) */
  readonly #hs256: boolean;
  readonly #rules: FastPathRules;

  constructor(private readonly settings: TokenSettings, private readonly now: () => number) {
    this.#algorithms = [...new Set(settings.keys.map((k) => k.alg))];
    this.#hs256 = settings.keys.some((k) => k.alg === 'HS256');
    this.#rules = { issuer: settings.issuer, audience: settings.audience, leewayS: LEEWAY_S };
  }

  #keyFor = (header: JWSHeaderParameters): KeyObject => {
    const candidates = this.settings.keys.filter((k) => k.alg === header.alg && (header.kid === undefined || k.kid === null || k.kid === header.kid));
    const k = candidates[0];
    if (k === undefined) throw new errors.JWKSNoMatchingKey();
    return k.key;
  };

  /**
   * The token's user when it is known at once: remembered, or a plainly valid HS256 token
   * (hs256-fast-path.ts) with a proper `sub`. null: `verify` decides (and names the cause of a refusal).
   * A scan then costs no turn of the event loop for its identity.
   */
  verifyNow(token: string): string | null {
    const now = this.now();
    const hit = this.#cache.get(token);
    if (hit !== undefined) return now < hit.expMs + LEEWAY_S * 1000 ? hit.user : null;
    if (!this.#hs256 || token.length > 8192) return null;
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every(isCanonicalBase64url)) return null;
    const fast = verifyHs256(parts as [string, string, string], this.settings.keys, this.#rules, now);
    if (fast === null || typeof fast.sub !== 'string' || !ID_RE.test(fast.sub) || fast.sub.startsWith(ANON_PREFIX)) return null;
    this.#remember(token, fast.sub, fast.exp);
    return fast.sub;
  }

  #remember(token: string, user: string, expS: number): void {
    if (this.#cache.size >= CACHE_MAX) {
      // the oldest entry goes: Map keeps insertion order
      const first = this.#cache.keys().next();
      if (!first.done) this.#cache.delete(first.value);
    }
    this.#cache.set(token, { user, expMs: expS * 1000 });
  }

  /** the token's user (its `sub`); throws 401 naming the cause */
  async verify(token: string): Promise<string> {
    const now = this.now();
    const hit = this.#cache.get(token);
    if (hit !== undefined) {
      if (now < hit.expMs + LEEWAY_S * 1000) return hit.user;
      this.#cache.delete(token);
    }
    const claims = await this.claims(token);
    this.#remember(token, claims.sub, claims.exp);
    return claims.sub;
  }

  /** the verified claims of a token, never from the cache (a link token is checked further: src/identity/link-tokens.ts) */
  async claims(token: string): Promise<TokenClaims> {
    const now = this.now();
    if (token.length > 8192) throw refuse('malformed token');
    // one token, one spelling: base64url's last character carries spare bits, and a decoder (jose's
    // included) reads a changed spare bit as the same bytes; such a variant is refused, not verified
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every(isCanonicalBase64url)) throw refuse('malformed token');
    let payload: { sub?: unknown; exp?: unknown; iat?: unknown; jti?: unknown };
    const fast = this.#hs256 ? verifyHs256(parts as [string, string, string], this.settings.keys, this.#rules, now) : null;
    if (fast !== null) payload = fast;
    else {
      try {
        ({ payload } = await jwtVerify(token, this.#keyFor, {
          algorithms: this.#algorithms,
          ...(this.settings.issuer !== null ? { issuer: this.settings.issuer } : {}),
          ...(this.settings.audience !== null ? { audience: this.settings.audience } : {}),
          requiredClaims: ['exp', 'sub'],
          clockTolerance: LEEWAY_S,
          currentDate: new Date(now),
        }));
      } catch (err) {
        throw refuse(causeOf(err));
      }
    }
    const sub = payload.sub;
    if (typeof sub !== 'string' || !ID_RE.test(sub)) throw refuse('sub must be 1-64 characters of [A-Za-z0-9_.:@-]');
    if (sub.startsWith(ANON_PREFIX)) throw refuse(`sub may not start with ${ANON_PREFIX} (reserved for anonymous visitors)`);
    return {
      sub,
      exp: Number(payload.exp),
      iat: typeof payload.iat === 'number' ? payload.iat : null,
      jti: typeof payload.jti === 'string' ? payload.jti : null,
    };
  }
}

export interface TokenClaims {
  readonly sub: string;
  /** seconds since the epoch */
  readonly exp: number;
  readonly iat: number | null;
  readonly jti: string | null;
}
