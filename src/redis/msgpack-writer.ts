// Encodes arrays of strings as MessagePack, the format Redis' Lua reads natively (cmsgpack.unpack, in C).
// Many scans travel to the scan script as one packed argument: every argument given to ioredis costs
// client CPU of its own (about 0.3 µs each, 50+ per scan), one Buffer costs that once per call.
// Only what the scripts need: arrays (array 16), strings and pre-encoded bytes; numbers are sent as their decimal
// strings (num), exactly as ioredis would send them as arguments, so the script sees the same values, except
// integers the script only computes with (int): MessagePack integers, Lua numbers on arrival.

const MAX_ARRAY = 0xffff;

export class MsgpackWriter {
  #buf: Buffer;
  #at = 0;

  constructor(initialBytes = 16 * 1024) {
    this.#buf = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.#at;
  }

  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#at + bytes));
    this.#buf.copy(next, 0, 0, this.#at);
    this.#buf = next;
  }

  /** Starts an array whose length is filled in later with setArrayLength; returns its position. */
  reserveArray(): number {
    this.#room(3);
    const at = this.#at;
    this.#buf[at] = 0xdc;
    this.#at += 3;
    return at;
  }

  setArrayLength(at: number, n: number): void {
    if (n > MAX_ARRAY) throw new RangeError(`msgpack array of ${n} items`);
    this.#buf.writeUInt16BE(n, at + 1);
  }

  array(n: number): void {
    this.#room(3);
    if (n < 16) {
      this.#buf[this.#at++] = 0x90 | n;
      return;
    }
    if (n > MAX_ARRAY) throw new RangeError(`msgpack array of ${n} items`);
    this.#buf[this.#at] = 0xdc;
    this.#buf.writeUInt16BE(n, this.#at + 1);
    this.#at += 3;
  }

  str(s: string): void {
    const n = s.length;
    if (n < 32 && this.#shortAscii(s, n)) return;
    const bytes = Buffer.byteLength(s, 'utf8');
    this.#room(bytes + 5);
    const b = this.#buf;
    if (bytes < 32) {
      b[this.#at++] = 0xa0 | bytes;
    } else if (bytes < 0x100) {
      b[this.#at++] = 0xd9;
      b[this.#at++] = bytes;
    } else if (bytes < 0x10000) {
      b[this.#at] = 0xda;
      b.writeUInt16BE(bytes, this.#at + 1);
      this.#at += 3;
    } else {
      b[this.#at] = 0xdb;
      b.writeUInt32BE(bytes, this.#at + 1);
      this.#at += 5;
    }
    this.#at += b.write(s, this.#at, 'utf8');
  }

  /** Short ASCII strings are copied in JS: cheaper than a native call per string. */
  #shortAscii(s: string, n: number): boolean {
    this.#room(n + 1);
    const b = this.#buf;
    const start = this.#at;
    b[start] = 0xa0 | n;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) return false; // nothing committed: #at has not moved
      b[start + 1 + i] = c;
    }
    this.#at = start + 1 + n;
    return true;
  }

  /** Bytes that are already MessagePack (one or more values), copied as they are. */
  raw(bytes: Buffer): void {
    this.#room(bytes.length);
    bytes.copy(this.#buf, this.#at);
    this.#at += bytes.length;
  }

  num(n: number): void {
    this.str(String(n));
  }

  /**
   * An integer as a MessagePack integer: the script reads a Lua number, with no string to make (and hash)
   * nor to parse back with tonumber (78 ns on a string, 21 on a number, measured). Only for values the
   * script uses as numbers (a number concatenated into a string or sent to Redis is written as its
   * "%.14g" form: the same digits for integers below 10^14). Anything but a safe integer goes as num().
   */
  int(n: number): void {
    if (!Number.isSafeInteger(n)) {
      this.num(n);
      return;
    }
    this.#room(9);
    const b = this.#buf;
    const at = this.#at;
    if (n >= 0) {
      if (n < 0x80) {
        b[at] = n;
        this.#at = at + 1;
      } else if (n < 0x100) {
        b[at] = 0xcc;
        b[at + 1] = n;
        this.#at = at + 2;
      } else if (n < 0x10000) {
        b[at] = 0xcd;
        b.writeUInt16BE(n, at + 1);
        this.#at = at + 3;
      } else if (n < 0x100000000) {
        b[at] = 0xce;
        b.writeUInt32BE(n, at + 1);
        this.#at = at + 5;
      } else {
        b[at] = 0xcf;
        b.writeUInt32BE(Math.floor(n / 0x100000000), at + 1);
        b.writeUInt32BE(n % 0x100000000, at + 5);
        this.#at = at + 9;
      }
    } else if (n >= -32) {
      b[at] = 0x100 + n;
      this.#at = at + 1;
    } else if (n >= -0x80000000) {
      b[at] = 0xd2;
      b.writeInt32BE(n, at + 1);
      this.#at = at + 5;
    } else {
      this.num(n);
    }
  }

  /** The bytes written so far, as a copy: the caller may hand it to a socket while this writer is reused. */
  take(): Buffer {
    const out = Buffer.from(this.#buf.subarray(0, this.#at));
    this.#at = 0;
    return out;
  }
}
