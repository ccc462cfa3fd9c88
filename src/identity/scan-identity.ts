// Who a scan is for. `open`: the `user` field as sent (the demo). `verified`, in order:
// a consumer JWT (its `sub`), a gateway key (the `user` field it speaks for), the landing page's session
// cookie; anything else is 401.
import { ApiError, badRequest, forbidden } from '../errors.js';
import type { ConsumerTokens } from './consumer-tokens.js';
import { ANON_PREFIX } from './anonymous.js';
import { OperatorAuth } from './operator-auth.js';
import type { SessionCookies } from './session-cookie.js';
import { JWT_SHAPE } from './jwt-shape.js';

export type IdentityMode = 'open' | 'verified';

export interface ScanCaller {
  authorization: string;
  cookie: string;
}

export const reservedAnon = (): ApiError => badRequest('user', `ids starting with ${ANON_PREFIX} are reserved for anonymous visitors the engine names`);

export class ScanIdentity {
  constructor(
    readonly mode: IdentityMode,
    private readonly tokens: ConsumerTokens | null,
    private readonly operators: OperatorAuth,
    private readonly sessions: SessionCookies,
  ) {}

  /**
   * `open` mode: the `user` field, required. An `anon_` id is the engine's to make: it is taken only from
   * the landing page's own browser, whose session cookie carries that very id; a caller naming one is 400.
   */
  openUser(bodyUser: string | null, cookie: string): string {
    if (bodyUser === null) throw badRequest('user', 'is required');
    if (bodyUser.startsWith(ANON_PREFIX) && this.sessions.read(cookie)?.user !== bodyUser) throw reservedAnon();
    return bodyUser;
  }

  /**
   * The scan's user when it is known without a turn of the event loop (a gateway key, a session, a
   * remembered or plainly valid consumer token); null when only `userOf` can tell (a token jose checks).
   * Refusals throw as `userOf`'s do.
   */
  userNow(caller: ScanCaller, bodyUser: string | null): string | null {
    if (this.mode === 'open') return this.openUser(bodyUser, caller.cookie);
    const bearer = OperatorAuth.bearer(caller.authorization);
    if (bearer !== null) {
      const credential = this.operators.authenticate(caller.authorization);
      if (credential !== null) {
        if (credential.role !== 'gateway' && credential.role !== 'admin') throw forbidden(`the role ${credential.role} cannot scan for a user`);
        if (bodyUser === null) throw badRequest('user', 'is required with a gateway key');
        if (bodyUser.startsWith(ANON_PREFIX)) throw reservedAnon();
        return bodyUser;
      }
      if (!JWT_SHAPE.test(bearer) || this.tokens === null) throw new ApiError('unauthorized', 'unknown or revoked credential');
      const sub = this.tokens.verifyNow(bearer);
      if (sub === null) return null;
      if (bodyUser !== null && bodyUser !== sub) throw badRequest('user', "differs from the token's sub");
      return sub;
    }
    const session = this.sessions.read(caller.cookie);
    // a session of a merely claimed id (made in open mode) proves nothing here
    if (session !== null && session.kind !== 'claimed') {
      if (bodyUser !== null && bodyUser !== session.user) throw badRequest('user', 'differs from the session user');
      return session.user;
    }
    throw new ApiError('unauthorized', 'a consumer token, a gateway key or the landing page session is required to scan');
  }

  /** the scan's user; `bodyUser` is the request's `user` field (null when absent) */
  async userOf(caller: ScanCaller, bodyUser: string | null): Promise<string> {
    const known = this.userNow(caller, bodyUser);
    if (known !== null) return known;
    // only a consumer token that jose must check comes this far (userNow refused everything else)
    const sub = await (this.tokens as ConsumerTokens).verify(OperatorAuth.bearer(caller.authorization) as string);
    if (bodyUser !== null && bodyUser !== sub) throw badRequest('user', "differs from the token's sub");
    return sub;
  }
}
