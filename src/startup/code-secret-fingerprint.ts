// Every code's MAC is keyed by CODE_SECRET: an engine started with another secret would answer every
// printed code 404 (and tell buyers it may be a fake). So Redis keeps a fingerprint of the secret, an
// HMAC of a fixed text (it reveals nothing of the secret), written by the first engine; an engine whose
// secret gives another fingerprint refuses to start.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { rmSync } from 'node:fs';
import { keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import { StartupRefused } from '../startup-refused.js';

const FINGERPRINT_TEXT = 'scanlot code-secret fingerprint v1';

export function codeSecretFingerprint(codeSecret: Buffer): string {
  return createHmac('sha256', codeSecret).update(FINGERPRINT_TEXT).digest('hex');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * `generatedFile`: the secret was generated into this file on this start. With batches in Redis and no
 * fingerprint yet (a Redis from before fingerprints), such a secret cannot be the codes' one: refuse,
 * and remove the file so that the next start does not take it for the real one.
 */
export async function checkCodeSecretFingerprint(redis: RedisClient, codeSecret: Buffer, generatedFile: string | null): Promise<void> {
  const mine = codeSecretFingerprint(codeSecret);
  let stored = await redis.get(keys.codeSecretFingerprint);
  if (stored === null) {
    const batches = await redis.hlen(keys.batchDefs);
    if (batches > 0 && generatedFile !== null) {
      rmSync(generatedFile, { force: true });
      throw new StartupRefused(
        `Redis holds ${batches} batches but CODE_SECRET was just generated in an empty DATA_DIR: their codes would all answer 404; set CODE_SECRET to the secret they were made with`,
      );
    }
    // NX: of two engines starting at once on an empty Redis, the second compares against the first
    if ((await redis.set(keys.codeSecretFingerprint, mine, 'NX')) === 'OK') return;
    stored = await redis.get(keys.codeSecretFingerprint);
  }
  if (stored !== null && !same(stored, mine)) {
    throw new StartupRefused(
      `CODE_SECRET is not the secret this Redis's codes were made with (fingerprint in ${keys.codeSecretFingerprint} differs): every printed code would answer 404; start with the original CODE_SECRET`,
    );
  }
}
