// The keys consumer tokens are verified with, read at start-up: an HS256 secret of at
// least 32 bytes, or public keys (RS256, ES256 on P-256, EdDSA on Ed25519) from a JWKS file or a PEM.
// Each key's algorithm follows from the key itself, so a token cannot choose another one.
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { ConfigError } from './config-error.js';

export type TokenAlg = 'HS256' | 'RS256' | 'ES256' | 'EdDSA';

export interface TokenKey {
  readonly alg: TokenAlg;
  readonly key: KeyObject;
  readonly kid: string | null;
}

export function secretTokenKey(secret: string): TokenKey {
  if (Buffer.byteLength(secret) < 32) throw new ConfigError('USER_TOKEN_SECRET', 'must be at least 32 bytes');
  return { alg: 'HS256', key: createSecretKey(Buffer.from(secret)), kid: null };
}

function algOf(key: KeyObject): TokenAlg | null {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return null;
}

/** the keys of a JWKS document (`{"keys":[…]}`) or of one PEM public key */
export function publicTokenKeys(text: string): TokenKey[] {
  const fail = (why: string): never => {
    throw new ConfigError('USER_TOKEN_KEYS', why);
  };
  const found: TokenKey[] = [];
  if (text.trimStart().startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return fail('is neither a PEM public key nor a JWKS JSON document');
    }
    const list = (doc as { keys?: unknown }).keys;
    if (!Array.isArray(list) || list.length === 0) return fail('the JWKS has no "keys"');
    for (const jwk of list as Record<string, unknown>[]) {
      if (typeof jwk !== 'object' || jwk === null || 'd' in jwk || jwk.kty === 'oct') fail('a JWKS key is not a public RSA, EC or OKP key');
      let key: KeyObject;
      try {
        key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
      } catch {
        return fail('a JWKS key cannot be read');
      }
      const alg = algOf(key) ?? fail('keys must be RSA (RS256), EC P-256 (ES256) or Ed25519 (EdDSA)');
      if (jwk.alg !== undefined && jwk.alg !== alg) fail(`a key says alg ${String(jwk.alg)}, which is not ${alg}`);
      found.push({ alg, key, kid: typeof jwk.kid === 'string' ? jwk.kid : null });
    }
    return found;
  }
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch {
    return fail('is neither a PEM public key nor a JWKS JSON document');
  }
  if (key.type !== 'public') fail('must hold a public key');
  return [{ alg: algOf(key) ?? fail('keys must be RSA (RS256), EC P-256 (ES256) or Ed25519 (EdDSA)'), key, kid: null }];
}
