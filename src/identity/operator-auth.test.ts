import { describe, expect, it } from 'vitest';
import { OperatorAuth } from './operator-auth.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl';

describe('OperatorAuth', () => {
  it('knows the ADMIN_TOKEN, and only it', () => {
    const auth = new OperatorAuth('s3cret-admin-token', null);
    expect(auth.authenticate('Bearer s3cret-admin-token')?.role).toBe('admin');
    expect(auth.authenticate('Bearer s3cret-admin-tokeN')).toBeNull();
    expect(auth.authenticate('Basic s3cret-admin-token')).toBeNull();
  });

  it('turns a consumer JWT away by its shape, hashing nothing', () => {
    const auth = new OperatorAuth('s3cret-admin-token', null);
    for (let i = 0; i < 3; i++) expect(auth.authenticate(`Bearer ${JWT}${i}`)).toBeNull();
    expect(auth.digests).toBe(0);
    expect(auth.authenticate('Bearer not-a-jwt')).toBeNull();
    expect(auth.digests).toBe(1);
  });

  it('still compares a JWT-shaped bearer when the ADMIN_TOKEN itself looks like a JWT', () => {
    const auth = new OperatorAuth(JWT, null);
    expect(auth.authenticate(`Bearer ${JWT}`)?.role).toBe('admin');
    expect(auth.authenticate(`Bearer ${JWT}x`)).toBeNull();
    expect(auth.digests).toBe(2);
  });
});
