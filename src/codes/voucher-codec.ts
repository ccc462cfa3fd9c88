// Vouchers: the code a winner shows in a shop, derived from the win's event id in a
// namespace of its own. 20 Crockford base32 characters = 100 bits: a 80-bit id (HMAC of the event id)
// and a 20-bit check (HMAC of the id), each under a key derived from CODE_SECRET with its own label, so
// a voucher is never a product code (24 characters, another key) nor the reverse, and a typed or forged
// voucher is refused in process before any Redis read (all but one in a million).
import { createHmac } from 'node:crypto';
import { decodeGroup, encodeGroupInto } from './crockford.js';

export const VOUCHER_LENGTH = 20;

export interface Voucher {
  readonly code: string;
  /** PUBLIC_BASE_URL/v/<code>: the page with the voucher as a QR code and its state */
  readonly url: string;
}

export class VoucherCodec {
  readonly #idKey: Buffer;
  readonly #checkKey: Buffer;
  readonly #baseUrl: string;

  readonly #path: string;

  /**
   * `namespace`: the label the keys are derived with, and the page path: `voucher` (/v/) by default;
   * the sealed tickets of draws revealed in the shop are `ticket` (/t/), a namespace of their own.
   */
  constructor(codeSecret: Buffer, publicBaseUrl: string, namespace: { label: string; path: string } = { label: 'voucher', path: 'v' }) {
    if (codeSecret.length < 32) throw new Error('code secret must be at least 32 bytes');
    this.#idKey = createHmac('sha256', codeSecret).update(`scanlot ${namespace.label} id v1`).digest();
    this.#checkKey = createHmac('sha256', codeSecret).update(`scanlot ${namespace.label} check v1`).digest();
    this.#baseUrl = publicBaseUrl.replace(/\/+$/, '');
    this.#path = namespace.path;
  }

  /** The voucher of a win: the same event id gives the same voucher on every engine. */
  voucherOf(eventId: string): Voucher {
    const id = createHmac('sha256', this.#idKey).update(eventId).digest();
    const out = Buffer.allocUnsafe(VOUCHER_LENGTH);
    encodeGroupInto(readUint40(id, 0), out, 0);
    encodeGroupInto(readUint40(id, 5), out, 8);
    const idText = out.toString('latin1', 0, 16);
    encodeCheck(this.#check(idText), out);
    const code = out.toString('latin1');
    return { code, url: `${this.#baseUrl}/${this.#path}/${code}` };
  }

  /** The canonical voucher (upper case, Crockford aliases resolved) when its check holds, else null. */
  parse(text: string): string | null {
    if (text.length !== VOUCHER_LENGTH) return null;
    const g0 = decodeGroup(text, 0);
    const g1 = decodeGroup(text, 8);
    const g2 = decodeGroup(`0000${text.slice(16)}`, 0);
    if (g0 < 0 || g1 < 0 || g2 < 0) return null;
    const out = Buffer.allocUnsafe(VOUCHER_LENGTH);
    encodeGroupInto(g0, out, 0);
    encodeGroupInto(g1, out, 8);
    const idText = out.toString('latin1', 0, 16);
    const check = this.#check(idText);
    if (check !== g2) return null;
    encodeCheck(check, out);
    return out.toString('latin1');
  }

  #check(idText: string): number {
    const mac = createHmac('sha256', this.#checkKey).update(idText).digest();
    return (((mac[0] as number) << 12) | ((mac[1] as number) << 4) | ((mac[2] as number) >>> 4)) >>> 0;
  }
}

function readUint40(b: Buffer, at: number): number {
  return (b[at] as number) * 4294967296 + b.readUInt32BE(at + 1);
}

/** writes the 20-bit check as the last 4 characters */
function encodeCheck(check: number, out: Buffer): void {
  const tmp = Buffer.allocUnsafe(8);
  encodeGroupInto(check, tmp, 0);
  tmp.copy(out, 16, 4, 8);
}

/** the codec of sealed tickets (线上抽奖,线下开奖): voucher-like codes in a namespace of their own, page /t/ */
export const ticketCodec = (codeSecret: Buffer, publicBaseUrl: string): VoucherCodec => new VoucherCodec(codeSecret, publicBaseUrl, { label: 'ticket', path: 't' });
