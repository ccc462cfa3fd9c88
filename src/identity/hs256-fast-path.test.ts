// The in-process HS256 check accepts plainly valid tokens, and never accepts a token that jose refuses:
// random tokens (claims around the clock's edges, other issuers and audiences, other header fields and
// algorithms, other keys, changed signatures) are checked both ways.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jwtVerify, SignJWT } from 'jose';
import { createSecretKey } from 'node:crypto';
import { isCanonicalBase64url, verifyHs256 } from './hs256-fast-path.js';
import { secretTokenKey } from '../config/token-keys.js';

const SECRET = 'a-consumer-token-secret-of-32-bytes-or-more';
const OTHER = 'another-token-secret-of-32-bytes-or-more!!';
const key = secretTokenKey(SECRET);
const NOW = 1_800_000_000_000;
const now = NOW / 1000;
const rules = { issuer: 'gw', audience: 'scanlot', leewayS: 60 };
const parts = (t: string): [string, string, string] => t.split('.') as [string, string, string];

async function joseAccepts(token: string): Promise<Record<string, unknown> | null> {
  try {
    const { payload } = await jwtVerify(token, key.key, { algorithms: ['HS256'], issuer: 'gw', audience: 'scanlot', requiredClaims: ['exp', 'sub'], clockTolerance: 60, currentDate: new Date(NOW) });
    return payload as Record<string, unknown>;
  } catch {
    return null;
  }
}

describe('the HS256 fast path', () => {
  it('accepts a plainly valid token with its claims', async () => {
    const token = await new SignJWT({ jti: 'j1' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject('wx_1').setIssuer('gw').setAudience('scanlot').setIssuedAt(now).setExpirationTime(now + 300).sign(createSecretKey(Buffer.from(SECRET)));
    expect(verifyHs256(parts(token), [key], rules, NOW)).toEqual({ sub: 'wx_1', exp: now + 300, iat: now, jti: 'j1' });
  });

  it('never accepts what jose refuses, and agrees on what both accept', async () => {
    let bothAccepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          exp: fc.option(fc.integer({ min: now - 200, max: now + 400 }), { freq: 8 }),
          nbf: fc.option(fc.integer({ min: now - 200, max: now + 200 })),
          iat: fc.option(fc.oneof(fc.integer({ min: now - 200, max: now + 200 }), fc.constant('x'))),
          sub: fc.option(fc.constantFrom('wx_1', 'wx_1', ''), { freq: 8 }),
          iss: fc.option(fc.constantFrom('gw', 'gw', 'other'), { freq: 8 }),
          aud: fc.option(fc.oneof(fc.constantFrom('scanlot', 'scanlot', 'other'), fc.constant(['x', 'scanlot'])), { freq: 8 }),
        }),
        fc.constantFrom('plain', 'plain', 'plain', 'plain', 'crit', 'extra-header', 'other-key', 'flipped-signature', 'kid'),
        async (claims, twist) => {
          const payload: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(claims)) if (v !== null) payload[k] = v;
          const header: Record<string, unknown> = { alg: 'HS256' };
          if (twist === 'extra-header') header.cty = 'x';
          if (twist === 'kid') header.kid = 'k1';
          if (twist === 'crit') Object.assign(header, { crit: ['exp'], exp: 1 });
          let token: string;
          try {
            token = await new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(createSecretKey(Buffer.from(twist === 'other-key' ? OTHER : SECRET)));
          } catch {
            return; // jose will not even sign it
          }
          if (twist === 'flipped-signature') token = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
          const fast = verifyHs256(parts(token), [key], rules, NOW);
          const slow = await joseAccepts(token);
          if (fast !== null) {
            expect(slow, JSON.stringify({ payload, header, twist })).not.toBeNull();
            expect(fast.sub).toBe(slow?.sub);
            expect(fast.exp).toBe(slow?.exp);
            bothAccepted++;
          }
        },
      ),
      { numRuns: 1000, seed: 20261205 },
    );
    // the property above says something only if the fast path accepted a fair share of the tokens
    expect(bothAccepted).toBeGreaterThan(15);
  });

  it('calls a part canonical exactly when decoding and encoding it again gives it back', () => {
    const roundTrips = (p: string): boolean => /^[A-Za-z0-9_-]*$/.test(p) && Buffer.from(p, 'base64url').toString('base64url') === p;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/.';
    const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 24 }).map((a) => a.join(''));
    const encoded = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('base64url'));
    // an encoding with its last character changed: spare bits set, or another value
    const nudged = fc.tuple(encoded, fc.constantFrom(...alphabet.slice(0, 64))).map(([e, c]) => (e === '' ? c : e.slice(0, -1) + c));
    let canonical = 0;
    fc.assert(
      fc.property(fc.oneof(text, encoded, nudged), (p) => {
        const expected = roundTrips(p);
        if (expected) canonical++;
        expect(isCanonicalBase64url(p)).toBe(expected);
      }),
      { numRuns: 5000, seed: 20261205 },
    );
    expect(canonical).toBeGreaterThan(1000);
  });
});
