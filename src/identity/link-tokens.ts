// A consumer token given in a link (GET /c/{code}?t=…) travels in places a bearer header never does:
// chat messages, browser history, screenshots. So beyond what every consumer token must be, a link token
// must be fresh (`iat` within 5 minutes, with the usual 60 s of leeway) and is accepted once: its `jti`
// (required) is remembered in Redis until the token expires, by every engine of the deployment. A link
// forwarded, or opened a second time, signs nobody in.
import { createHash } from 'node:crypto';
import { ApiError, unavailable } from '../errors.js';
import { keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { LEEWAY_S, type ConsumerTokens } from './consumer-tokens.js';

export const LINK_TOKEN_MAX_AGE_S = 300;
const JTI_MAX = 256;

const refuse = (cause: string): ApiError => new ApiError('unauthorized', `consumer token: ${cause}`);

export class LinkTokens {
  constructor(private readonly tokens: ConsumerTokens, private readonly redis: RedisClient, private readonly now: () => number) {}

  /** the user of a link token, which is used up by this call; throws 401 naming the cause (503 without Redis) */
  async accept(token: string): Promise<string> {
    const c = await this.tokens.claims(token);
    const nowS = this.now() / 1000;
    if (c.iat === null) throw refuse('missing iat (a sign-in link must say when it was made)');
    if (c.iat > nowS + LEEWAY_S) throw refuse('not yet valid (nbf/iat in the future)');
    if (c.iat < nowS - LINK_TOKEN_MAX_AGE_S - LEEWAY_S) throw refuse(`stale: a sign-in link is good for ${LINK_TOKEN_MAX_AGE_S / 60} minutes after its iat`);
    if (c.jti === null || c.jti.length === 0 || c.jti.length > JTI_MAX) throw refuse(`missing jti (a sign-in link needs a unique id of 1-${JTI_MAX} characters)`);
    const digest = createHash('sha256').update(`${c.sub}\u0000${c.jti}`).digest('hex');
    // kept until the token could no longer be accepted anyway (exp and the leeway)
    const untilS = Math.max(Math.ceil(c.exp) + LEEWAY_S, Math.ceil(nowS) + 1);
    let first: string | null;
    try {
      first = await this.redis.set(keys.usedLinkToken(digest), '1', 'EXAT', untilS, 'NX');
    } catch {
      throw unavailable('sign-in links cannot be checked without Redis');
    }
    if (first === null) throw refuse('already used (a sign-in link signs in once)');
    return c.sub;
  }
}
