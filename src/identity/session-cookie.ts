// The landing page's session: the user it was opened with (a verified token's `sub`, or
// an anonymous id the engine made up), its expiry and an HMAC over both, in an HttpOnly, SameSite=Lax
// cookie. Anything that does not verify is ignored: the visitor gets a new anonymous id, never the id
// written in the cookie.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ID_RE } from '../validation/json-fields.js';
import { ANON_PREFIX } from './anonymous.js';

export const SESSION_COOKIE = 'scanlot_session';
const ANON_DAYS = 365;
const VERIFIED_DAYS = 7;
const COOKIE_RE = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;\\s]{1,200})`);

export interface Session {
  user: string;
  anonymous: boolean;
}


export class SessionCookies {
  constructor(private readonly key: Buffer, private readonly secure: boolean, private readonly now: () => number) {}

  #mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(`session\u0000${payload}`).digest();
  }

  /** the session a Cookie header carries, or null when it has none that verifies and is current */
  read(cookieHeader: string): Session | null {
    const m = COOKIE_RE.exec(cookieHeader);
    if (!m) return null;
    const parts = (m[1] as string).split('~');
    if (parts.length !== 3) return null;
    const [user, exp, mac] = parts as [string, string, string];
    if (!ID_RE.test(user) || !/^\d{1,12}$/.test(exp)) return null;
    const given = Buffer.from(mac, 'base64url');
    const expected = this.#mac(`${user}~${exp}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    if (Number(exp) * 1000 <= this.now()) return null;
    return { user, anonymous: user.startsWith(ANON_PREFIX) };
  }

  /** the Set-Cookie header value of a session for `user` */
  issue(user: string): string {
    const days = user.startsWith(ANON_PREFIX) ? ANON_DAYS : VERIFIED_DAYS;
    const exp = Math.floor(this.now() / 1000) + days * 86_400;
    const payload = `${user}~${exp}`;
    const value = `${payload}~${this.#mac(payload).toString('base64url')}`;
    return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${days * 86_400}; HttpOnly; SameSite=Lax${this.secure ? '; Secure' : ''}`;
  }
}
