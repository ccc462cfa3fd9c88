// The landing page's session: the user it was opened with, how the engine came to know
// that user, its expiry and an HMAC over all three, in an HttpOnly, SameSite=Lax cookie. Anything that
// does not verify is ignored: the visitor gets a new anonymous id, never the id written in the cookie.
//
// How the user is known matters for what the session may see: `verified` (a consumer token given as ?t=),
// `anonymous` (an id the engine made up for this browser), `claimed` (open mode: an id the visitor merely
// named, so it proves nothing and never shows that user's voucher codes).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ID_RE } from '../validation/json-fields.js';
import { ANON_PREFIX } from './anonymous.js';

export const SESSION_COOKIE = 'scanlot_session';
const ANON_DAYS = 365;
const NAMED_DAYS = 7;
const COOKIE_RE = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;\\s]{1,200})`);
/** an HMAC-SHA256 in base64url without padding: 43 characters */
const MAC_RE = /^[A-Za-z0-9_-]{43}$/;

export type SessionKind = 'verified' | 'claimed' | 'anonymous';
const KIND_OF_LETTER: Readonly<Record<string, SessionKind>> = { v: 'verified', c: 'claimed', a: 'anonymous' };

export interface Session {
  user: string;
  anonymous: boolean;
  kind: SessionKind;
}

export class SessionCookies {
  constructor(private readonly key: Buffer, private readonly secure: boolean, private readonly now: () => number) {}

  #mac(payload: string): string {
    return createHmac('sha256', this.key).update(`session\u0000${payload}`).digest('base64url');
  }

  /**
   * the session a Cookie header carries, or null when it has none that verifies and is current. The MAC
   * is compared as text: base64url's last character carries spare bits, and padding may be appended, so
   * comparing decoded bytes would accept several spellings of one cookie; only the engine's own is read.
   * Cookies from before the session kind existed (user~exp~mac) read as `claimed` (or `anonymous`): the
   * least they can be.
   */
  read(cookieHeader: string): Session | null {
    const m = COOKIE_RE.exec(cookieHeader);
    if (!m) return null;
    const parts = (m[1] as string).split('~');
    if (parts.length !== 3 && parts.length !== 4) return null;
    const [user, exp] = parts as [string, string];
    const letter = parts.length === 4 ? (parts[2] as string) : null;
    const mac = parts[parts.length - 1] as string;
    if (!ID_RE.test(user) || !/^\d{1,12}$/.test(exp) || !MAC_RE.test(mac)) return null;
    if (letter !== null && KIND_OF_LETTER[letter] === undefined) return null;
    const expected = this.#mac(letter === null ? `${user}~${exp}` : `${user}~${exp}~${letter}`);
    if (!timingSafeEqual(Buffer.from(mac, 'latin1'), Buffer.from(expected, 'latin1'))) return null;
    if (Number(exp) * 1000 <= this.now()) return null;
    const anonymous = user.startsWith(ANON_PREFIX);
    const kind: SessionKind = anonymous ? 'anonymous' : letter === null ? 'claimed' : (KIND_OF_LETTER[letter] as SessionKind);
    if (anonymous !== (kind === 'anonymous')) return null;
    return { user, anonymous, kind };
  }

  /**
   * the Set-Cookie header value of a session for `user`, known as `kind` says (required, so that no
   * caller names a user verified by default); an `anon_` id is always and only `anonymous`
   */
  issue(user: string, kind: SessionKind): string {
    const anonymous = user.startsWith(ANON_PREFIX);
    if (anonymous !== (kind === 'anonymous')) throw new Error(`a session of ${anonymous ? 'an anonymous' : 'a named'} user cannot be ${kind}`);
    const days = anonymous ? ANON_DAYS : NAMED_DAYS;
    const exp = Math.floor(this.now() / 1000) + days * 86_400;
    const payload = `${user}~${exp}~${kind === 'verified' ? 'v' : kind === 'claimed' ? 'c' : 'a'}`;
    const value = `${payload}~${this.#mac(payload)}`;
    return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${days * 86_400}; HttpOnly; SameSite=Lax${this.secure ? '; Secure' : ''}`;
  }
}
