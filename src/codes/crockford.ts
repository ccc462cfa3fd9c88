// Crockford base32 in groups of 8 characters = 40 bits, so every group fits a JS number exactly
// (no BigInt on the hot path). Decoding is case-insensitive and maps I/L to 1 and O to 0.
export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** ASCII byte of each 5-bit value */
export const ALPHABET_BYTES: Uint8Array = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));

/** char code -> 5-bit value, or 255 for characters outside the alphabet */
const DECODE = new Uint8Array(128).fill(255);
for (let i = 0; i < 32; i++) {
  const c = ALPHABET.charCodeAt(i);
  DECODE[c] = i;
  DECODE[String.fromCharCode(c).toLowerCase().charCodeAt(0)] = i;
}
for (const [alias, value] of [['I', 1], ['i', 1], ['L', 1], ['l', 1], ['O', 0], ['o', 0]] as const) {
  DECODE[alias.charCodeAt(0)] = value;
}

/** Decodes 8 characters starting at `at` into a 40-bit number, or -1 if one is not base32. */
export function decodeGroup(text: string, at: number): number {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const c = text.charCodeAt(at + i);
    const v = c < 128 ? (DECODE[c] as number) : 255;
    if (v === 255) return -1;
    value = value * 32 + v;
  }
  return value;
}

/** Writes a 40-bit number as 8 ASCII characters into `out` at `at`. */
export function encodeGroupInto(value: number, out: Uint8Array, at: number): void {
  // two 20-bit halves, so the rest is 32-bit integer arithmetic (no float division per character)
  const hi = Math.floor(value / 1048576);
  const lo = value - hi * 1048576;
  const A = ALPHABET_BYTES;
  out[at] = A[(hi >>> 15) & 31] as number;
  out[at + 1] = A[(hi >>> 10) & 31] as number;
  out[at + 2] = A[(hi >>> 5) & 31] as number;
  out[at + 3] = A[hi & 31] as number;
  out[at + 4] = A[(lo >>> 15) & 31] as number;
  out[at + 5] = A[(lo >>> 10) & 31] as number;
  out[at + 6] = A[(lo >>> 5) & 31] as number;
  out[at + 7] = A[lo & 31] as number;
}
