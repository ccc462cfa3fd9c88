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
    const issued = plain.issue('wx_o6_abc');
    expect(issued).toMatch(/; HttpOnly; SameSite=Lax$/);
    expect(plain.read(`other=1; ${valueOf(issued)}`)).toEqual({ user: 'wx_o6_abc', anonymous: false });
    expect(new SessionCookies(key, true, () => t0).issue('wx_o6_abc')).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
    expect(plain.read(valueOf(plain.issue('anon_abc')))).toEqual({ user: 'anon_abc', anonymous: true });
  });

  it('a cookie of another key, an edited one or an expired one reads as none', () => {
    const now = { t: t0 };
    const s = new SessionCookies(key, false, () => now.t);
    const v = valueOf(s.issue('wx_a'));
    expect(new SessionCookies(Buffer.alloc(32, 8), false, () => t0).read(v)).toBeNull();
    expect(s.read(v.replace('wx_a', 'wx_b'))).toBeNull();
    expect(s.read(v.slice(0, -1) + (v.endsWith('A') ? 'B' : 'A'))).toBeNull();
    expect(s.read(v + 'x')).toBeNull();
    now.t = t0 + 8 * 86_400_000; // verified sessions last 7 days
    expect(s.read(v)).toBeNull();
  });
});
