// Who an Authorization header speaks for: the ADMIN_TOKEN (compared in constant time) or an API key
// (looked up by its hash in the engine's memory). No Redis call per request.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyStore } from './api-key-store.js';
import type { Credential } from './roles.js';

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
    // digests of equal length: the time does not depend on how much of the token matches
    if (timingSafeEqual(createHash('sha256').update(secret).digest(), this.#digest)) return ADMIN_TOKEN_CREDENTIAL;
    return this.keys?.authenticate(secret) ?? null;
  }
}
