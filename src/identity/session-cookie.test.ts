// The session cookie on its own: what it carries, when it is Secure, and that nothing but an untouched,
// current cookie of the same key reads back.
import { describe, expect, it } from 'vitest';
import { SessionCookies } from './session-cookie.js';

const key = Buffer.alloc(32, 7);
const t0 = Date.UTC(2027, 2, 1);
const valueOf = (setCookie: string): string => setCookie.split(';')[0] as string;

describe('session cookie', () => {
  it('reads back the user it was issued for; HttpOnly, SameSite=Lax; Secure only behind https', () => {
    const plain = new SessionCookies(key, false, () => t0);
    const issued = plain.issue('wx_o6_abc', 'claimed');
    expect(issued).toMatch(/; HttpOnly; SameSite=Lax$/);
    expect(plain.read(`other=1; ${valueOf(issued)}`)).toEqual({ user: 'wx_o6_abc', anonymous: false, kind: 'claimed' });
    expect(plain.read(valueOf(plain.issue('wx_o6_abc', 'verified')))).toEqual({ user: 'wx_o6_abc', anonymous: false, kind: 'verified' });
    expect(new SessionCookies(key, true, () => t0).issue('wx_o6_abc', 'claimed')).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
    expect(plain.read(valueOf(plain.issue('anon_abc', 'anonymous')))).toEqual({ user: 'anon_abc', anonymous: true, kind: 'anonymous' });
    expect(() => plain.issue('anon_abc', 'verified')).toThrow();
    expect(() => plain.issue('wx_o6_abc', 'anonymous')).toThrow();
  });

  it('a cookie of another key, an edited one or an expired one reads as none', () => {
    const now = { t: t0 };
    const s = new SessionCookies(key, false, () => now.t);
    const v = valueOf(s.issue('wx_a', 'verified'));
    expect(new SessionCookies(Buffer.alloc(32, 8), false, () => t0).read(v)).toBeNull();
    expect(s.read(v.replace('wx_a', 'wx_b'))).toBeNull();
    expect(s.read(v.slice(0, -1) + (v.endsWith('A') ? 'B' : 'A'))).toBeNull();
    expect(s.read(v + 'x')).toBeNull();
    now.t = t0 + 8 * 86_400_000; // verified sessions last 7 days
    expect(s.read(v)).toBeNull();
  });

  it('reads only the canonical spelling of its MAC: a changed spare bit, padding, or another kind letter reads as none', () => {
    const s = new SessionCookies(key, false, () => t0);
    for (let i = 0; i < 64; i++) {
      const v = valueOf(s.issue(`wx_${i}`, 'verified'));
      const mac = v.slice(v.lastIndexOf('~') + 1);
      const head = v.slice(0, v.lastIndexOf('~') + 1);
      // 32 bytes in 43 characters: the last one carries 2 spare bits, so 4 characters decode alike
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(mac.slice(-1));
      for (let spare = 1; spare < 4; spare++) {
        const variant = mac.slice(0, -1) + alphabet[(last & ~3) | ((last + spare) & 3)];
        expect(Buffer.from(variant, 'base64url')).toEqual(Buffer.from(mac, 'base64url'));
        expect(s.read(head + variant)).toBeNull();
      }
      expect(s.read(`${head}${mac}=`)).toBeNull();
      expect(s.read(v.replace('~v~', '~c~'))).toBeNull();
      expect(s.read(v)).toEqual({ user: `wx_${i}`, anonymous: false, kind: 'verified' });
    }
  });
});
