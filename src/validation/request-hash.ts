// The hash an idempotency key is stored with: a key that comes back with another request is a client's
// mistake (or a replay aimed at another change) and is answered 409, never as if it had been applied.
// The fields are hashed in a fixed order, so the JSON key order a client sends does not matter.
import { createHash } from 'node:crypto';

export type HashedFields = Readonly<Record<string, string | number | boolean | null>>;

/** 32 hex characters (128 bits of SHA-256) over the fields, sorted by name */
export function requestHash(fields: HashedFields): string {
  const names = Object.keys(fields).sort();
  return createHash('sha256')
    .update(JSON.stringify(names.map((n) => [n, fields[n]])))
    .digest('hex')
    .slice(0, 32);
}
