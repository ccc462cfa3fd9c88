// Scene codes (门店场景码): the QR code a shop displays. 24 Crockford base32 characters: the shop's number
// (40 bits, given when the shop was registered) and an 80-bit MAC of it under a key derived from
// CODE_SECRET with a label of its own, so a scene code is never a product code or a voucher, nor the
// reverse, and a forged one is refused in process before any Redis read. A scene code is never consumed:
// scanning it checks in.
import { createHmac } from 'node:crypto';
import { decodeGroup, encodeGroupInto } from './crockford.js';

export const SCENE_CODE_LENGTH = 24;
/** shop numbers fit one 40-bit group */
export const MAX_SHOP_NUMBER = 2 ** 40 - 1;

export class SceneCodec {
  readonly #key: Buffer;
  readonly #baseUrl: string;

  constructor(codeSecret: Buffer, publicBaseUrl: string) {
    if (codeSecret.length < 32) throw new Error('code secret must be at least 32 bytes');
    this.#key = createHmac('sha256', codeSecret).update('scanlot scene code v1').digest();
    this.#baseUrl = publicBaseUrl.replace(/\/+$/, '');
  }

  /** The scene code of shop number `n`: the same on every engine. */
  encode(n: number): string {
    if (!Number.isInteger(n) || n < 1 || n > MAX_SHOP_NUMBER) throw new Error(`shop number ${n} out of range`);
    const out = Buffer.allocUnsafe(SCENE_CODE_LENGTH);
    encodeGroupInto(n, out, 0);
    const [a, b] = this.#mac(n);
    encodeGroupInto(a, out, 8);
    encodeGroupInto(b, out, 16);
    return out.toString('latin1');
  }

  /** PUBLIC_BASE_URL/s/<code>: the check-in page */
  urlOf(code: string): string {
    return `${this.#baseUrl}/s/${code}`;
  }

  /** The shop number a scene code carries when its MAC holds (case-insensitive), else null. */
  decode(text: string): number | null {
    if (text.length !== SCENE_CODE_LENGTH) return null;
    const n = decodeGroup(text, 0);
    const a = decodeGroup(text, 8);
    const b = decodeGroup(text, 16);
    if (n < 1 || a < 0 || b < 0) return null;
    const [ma, mb] = this.#mac(n);
    return a === ma && b === mb ? n : null;
  }

  /** two 40-bit halves of the MAC of the number */
  #mac(n: number): [number, number] {
    const d = createHmac('sha256', this.#key).update(String(n)).digest();
    return [(d[0] as number) * 4294967296 + d.readUInt32BE(1), (d[5] as number) * 4294967296 + d.readUInt32BE(6)];
  }
}
