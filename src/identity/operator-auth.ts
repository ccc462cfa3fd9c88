// Who an Authorization header speaks for: the ADMIN_TOKEN (compared in constant time) or an API key
// (looked up by its hash in the engine's memory). No Redis call per request. A secret that
// authenticated is remembered as it was sent, until the keys are reloaded (a key created or revoked
// anywhere reloads them): a gateway speaking for many users costs a map lookup per scan, not two SHA-256.
// Only secrets that authenticated are remembered, so random guesses cannot grow the map.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyStore } from './api-key-store.js';
import type { Credential } from './roles.js';

/** distinct secrets remembered at most (a deployment has a handful of keys) */
const SEEN_MAX = 1000;

const ADMIN_TOKEN_CREDENTIAL: Credential = Object.freeze({ id: 'admin-token', name: 'ADMIN_TOKEN', role: 'admin', shop: null });

export class OperatorAuth {
  readonly #digest: Buffer;
  constructor(adminToken: string, private readonly keys: ApiKeyStore | null) {
    this.#digest = createHash('sha256').update(adminToken).digest();
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
    // digests of equal length: the time does not depend on how much of the token matches
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
