// The session cookie's MAC key, derived from CODE_SECRET: every engine of a deployment shares that
// secret, so a session made by one engine is read by all, and no second secret has to be distributed.
import { hkdfSync } from 'node:crypto';

export const sessionKey = (codeSecret: Buffer): Buffer => Buffer.from(hkdfSync('sha256', codeSecret, Buffer.alloc(0), 'scanlot session cookie v1', 32));
