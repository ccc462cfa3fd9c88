// A token has one spelling: a variant whose base64url carries a changed spare bit decodes to the same
// bytes, and jose would verify it; the engine refuses it before (found by the fast-check test of
// src/e2e/consumer-identity.test.ts).
import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { createSecretKey } from 'node:crypto';
import { ConsumerTokens } from './consumer-tokens.js';
import { secretTokenKey } from '../config/token-keys.js';

const SECRET = 'a-consumer-token-secret-of-32-bytes-or-more';

describe('ConsumerTokens', () => {
  it('accepts a signed token and refuses the same token with a non-canonical last character', async () => {
    const tokens = new ConsumerTokens({ keys: [secretTokenKey(SECRET)], issuer: null, audience: null }, Date.now);
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('wx_1').setExpirationTime('1h').sign(createSecretKey(Buffer.from(SECRET)));
    expect(await tokens.verify(token)).toBe('wx_1');
    // a 32-byte signature is 43 characters: the last holds 4 bits and 2 spare ones
    const last = token[token.length - 1] as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const variant = token.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    expect(Buffer.from(variant.split('.')[2] as string, 'base64url')).toEqual(Buffer.from(token.split('.')[2] as string, 'base64url'));
    await expect(tokens.verify(variant)).rejects.toMatchObject({ code: 'unauthorized', message: 'consumer token: malformed token' });
  });
});
