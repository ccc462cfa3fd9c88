// Codes are derived, never stored: 24 Crockford base32 characters = 120 bits =
//   batchId (24 bits) | serial (27 bits) | tag (69 bits).
// The tag is the first 69 bits of AES-256(K, "SL1" | batchId | serial | 0…), K derived from CODE_SECRET.
// A single AES block under a secret key is a pseudo-random function, so for these fixed-length inputs
// its truncation is a MAC: forging one code takes 2^69 guesses on average. AES is used rather than
// HMAC because one cipher call can tag thousands of codes at once, which makes the export fast.
import { createCipheriv, createHmac, type Cipher } from 'node:crypto';
import { decodeGroup, encodeGroupInto } from './crockford.js';

export const CODE_LENGTH = 24;
export const MAX_BATCH_ID = 2 ** 24 - 1;
export const MAX_SERIAL = 2 ** 27 - 1;
export const TAG_BITS = 69;

const TWO_16 = 65536;
const TWO_11 = 2048;
const TWO_29 = 536870912;

export interface DecodedCode {
  batchId: number;
  serial: number;
}

export class CodeCodec {
  readonly #cipher: Cipher;
  /** scratch block for single-code work; the hot path allocates only the cipher output */
  readonly #block = Buffer.alloc(16);

  constructor(secret: Buffer) {
    if (secret.length < 32) throw new Error('code secret must be at least 32 bytes');
    const key = createHmac('sha256', secret).update('scanlot code mac v1').digest();
    // ECB over independent 16-byte blocks: each block is one code's PRF input, no chaining wanted.
    this.#cipher = createCipheriv('aes-256-ecb', key, null);
    this.#cipher.setAutoPadding(false);
  }

  /** Tags `count` codes whose blocks were written into `blocks` (16 bytes each) by writeBlock. */
  tagBlocks(blocks: Buffer): Buffer {
    return this.#cipher.update(blocks);
  }

  static writeBlock(blocks: Buffer, at: number, batchId: number, serial: number): void {
    blocks[at] = 0x53; // 'S'
    blocks[at + 1] = 0x4c; // 'L'
    blocks[at + 2] = 0x31; // '1'
    blocks.writeUInt32BE(batchId, at + 3);
    blocks.writeUInt32BE(serial, at + 7);
    blocks.fill(0, at + 11, at + 16);
  }

  /** Writes the 24 ASCII characters of a code into `out` at `at`, from its tag bytes at `tagAt` of `tags`. */
  static writeCode(out: Uint8Array, at: number, batchId: number, serial: number, tags: Buffer, tagAt: number): void {
    const g0 = batchId * TWO_16 + Math.floor(serial / TWO_11);
    const g1 = (serial % TWO_11) * TWO_29 + tagHigh29(tags, tagAt);
    const g2 = tagLow40(tags, tagAt);
    encodeGroupInto(g0, out, at);
    encodeGroupInto(g1, out, at + 8);
    encodeGroupInto(g2, out, at + 16);
  }

  encode(batchId: number, serial: number): string {
    if (!Number.isInteger(batchId) || batchId < 0 || batchId > MAX_BATCH_ID) throw new RangeError('batchId out of range');
    if (!Number.isInteger(serial) || serial < 0 || serial > MAX_SERIAL) throw new RangeError('serial out of range');
    CodeCodec.writeBlock(this.#block, 0, batchId, serial);
    const tag = this.#cipher.update(this.#block);
    const out = Buffer.allocUnsafe(CODE_LENGTH);
    CodeCodec.writeCode(out, 0, batchId, serial, tag, 0);
    return out.toString('latin1');
  }

  /** Verifies the MAC of a code (any case); null when it is not a code of this secret. */
  decode(text: string): DecodedCode | null {
    if (text.length !== CODE_LENGTH) return null;
    const g0 = decodeGroup(text, 0);
    const g1 = decodeGroup(text, 8);
    const g2 = decodeGroup(text, 16);
    if (g0 < 0 || g1 < 0 || g2 < 0) return null;
    const batchId = Math.floor(g0 / TWO_16);
    const serial = (g0 % TWO_16) * TWO_11 + Math.floor(g1 / TWO_29);
    CodeCodec.writeBlock(this.#block, 0, batchId, serial);
    const tag = this.#cipher.update(this.#block);
    // both halves are compared before deciding, so the time does not depend on which half differs
    const highOk = g1 % TWO_29 === tagHigh29(tag, 0);
    const lowOk = g2 === tagLow40(tag, 0);
    return highOk && lowOk ? { batchId, serial } : null;
  }
}

function tagHigh29(t: Buffer, at: number): number {
  return (
    (t[at] as number) * 2097152 + // 2^21
    (t[at + 1] as number) * 8192 + // 2^13
    (t[at + 2] as number) * 32 +
    ((t[at + 3] as number) >>> 3)
  );
}

function tagLow40(t: Buffer, at: number): number {
  return (
    ((t[at + 3] as number) & 7) * 137438953472 + // 2^37
    (t[at + 4] as number) * 536870912 + // 2^29
    (t[at + 5] as number) * 2097152 +
    (t[at + 6] as number) * 8192 +
    (t[at + 7] as number) * 32 +
    ((t[at + 8] as number) >>> 3)
  );
}

/** Upper-cases a code read case-insensitively, with Crockford's aliases resolved, for events and records. */
export function canonicalCode(text: string): string {
  const upper = text.toUpperCase();
  // printed codes never contain the aliases: only a hand-typed code pays for the replacement
  return /[ILO]/.test(upper) ? upper.replace(/[IL]/g, '1').replace(/O/g, '0') : upper;
}
