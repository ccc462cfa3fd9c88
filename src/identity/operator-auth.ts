// Who an Authorization header speaks for: the ADMIN_TOKEN (compared in constant time) or an API key
// (looked up by its hash in the engine's memory). No Redis call per request. A secret that
// authenticated is remembered as it was sent, until the keys are reloaded (a key created or revoked
// anywhere reloads them): a gateway speaking for many users costs a map lookup per scan, not two SHA-256.
// Only secrets that authenticated are remembered, so random guesses cannot grow the map. A consumer's JWT
// (a fresh one per scan in verified mode) is neither an API key (those start with slk_) nor, unless the
// ADMIN_TOKEN itself looks like one, the ADMIN_TOKEN: it is turned away by its shape, with no SHA-256.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyStore } from './api-key-store.js';
import { JWT_SHAPE } from './jwt-shape.js';
import type { Credential } from './roles.js';

/** distinct secrets remembered at most (a deployment has a handful of keys) */
const SEEN_MAX = 1000;

const ADMIN_TOKEN_CREDENTIAL: Credential = Object.freeze({ id: 'admin-token', name: 'ADMIN_TOKEN', role: 'admin', shop: null });

export class OperatorAuth {
  readonly #digest: Buffer;
  readonly #adminLooksLikeJwt: boolean;
  /** presented secrets hashed so far (a cost counter for the tests) */
  digests = 0;
  constructor(adminToken: string, private readonly keys: ApiKeyStore | null) {
    this.#digest = createHash('sha256').update(adminToken).digest();
    this.#adminLooksLikeJwt = JWT_SHAPE.test(adminToken);
  }

  /** the bearer value of an Authorization header, or null when there is none */
  static bearer(header: string): string | null {
    return header.startsWith('Bearer ') ? header.slice(7).trim() : null;
  }

  /** null: no credential, or one that is unknown or revoked */
  authenticate(header: string): Credential | null {
    const secret = OperatorAuth.bearer(header);
    if (secret === null || secret === '') return null;
    const generation = this.keys?.generation ?? 0;
    if (generation !== this.#seenGeneration) {
      this.#seen.clear();
      this.#seenGeneration = generation;
    }
    const seen = this.#seen.get(secret);
    if (seen !== undefined) {
      if (seen !== ADMIN_TOKEN_CREDENTIAL) this.keys?.touch(seen.id);
      return seen;
    }
    // the shape tells nothing about the ADMIN_TOKEN but whether it looks like a JWT, which it is not
    if (!this.#adminLooksLikeJwt && JWT_SHAPE.test(secret)) return null;
    // digests of equal length: the time does not depend on how much of the token matches
    this.digests++;
    const found = timingSafeEqual(createHash('sha256').update(secret).digest(), this.#digest) ? ADMIN_TOKEN_CREDENTIAL : (this.keys?.authenticate(secret) ?? null);
    if (found !== null) {
      if (this.#seen.size >= SEEN_MAX) this.#seen.clear();
      this.#seen.set(secret, found);
    }
    return found;
  }

  readonly #seen = new Map<string, Credential>();
  #seenGeneration = 0;
}
