// Anonymous visitors: ids the engine makes up, reserved (no client may claim one), drawing
// at level 0 and owning no member record.
import { randomBytes } from 'node:crypto';

export const ANON_PREFIX = 'anon_';

/** `anon_` + 16 random bytes as base64url: only [A-Za-z0-9_-] */
export const newAnonymousId = (): string => ANON_PREFIX + randomBytes(16).toString('base64url');
