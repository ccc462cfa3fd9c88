import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { peerAddressText } from './peer-address.js';

const bytes = (...b: number[]): ArrayBuffer => new Uint8Array(b).buffer;
const v6 = (...groups: number[]): ArrayBuffer => {
  const b = new Uint8Array(16);
  groups.forEach((g, i) => {
    b[2 * i] = g >> 8;
    b[2 * i + 1] = g & 0xff;
  });
  return b.buffer;
};

describe('peerAddressText', () => {
  it('IPv4 and IPv4-mapped IPv6 as a dotted quad', () => {
    expect(peerAddressText(bytes(203, 0, 113, 7))).toBe('203.0.113.7');
    expect(peerAddressText(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 127, 0, 0, 1))).toBe('127.0.0.1');
  });

  it('IPv6 in the RFC 5952 form', () => {
    expect(peerAddressText(v6(0, 0, 0, 0, 0, 0, 0, 1))).toBe('::1');
    expect(peerAddressText(v6(0, 0, 0, 0, 0, 0, 0, 0))).toBe('::');
    expect(peerAddressText(v6(0x2001, 0xdb8, 0, 0, 0, 0, 0x2, 0x1))).toBe('2001:db8::2:1');
    expect(peerAddressText(v6(0xfe80, 0, 0, 0, 0xabc, 0, 0, 0))).toBe('fe80::abc:0:0:0');
    // a single zero group is not shortened; of two equal runs the first is
    expect(peerAddressText(v6(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1))).toBe('2001:db8:0:1:1:1:1:1');
    expect(peerAddressText(v6(0x2001, 0, 0, 1, 0, 0, 1, 1))).toBe('2001::1:0:0:1:1');
    expect(peerAddressText(v6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 0))).toBe('2001:db8:0:0:1::');
  });

  it('any 16 bytes give a valid IPv6 text that names the same address', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        const text = peerAddressText(b.slice().buffer);
        expect(isIP(text)).toBeGreaterThan(0);
        // WHATWG URL's serialization of the full, uncompressed form is RFC 5952's (IPv4-mapped: dotted quad)
        const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 255 && b[11] === 255;
        const full = Array.from({ length: 8 }, (_, i) => ((b[2 * i]! << 8) | b[2 * i + 1]!).toString(16).padStart(4, '0')).join(':');
        const canonical = mapped ? `${b[12]}.${b[13]}.${b[14]}.${b[15]}` : new URL(`http://[${full}]/`).hostname.slice(1, -1);
        expect(text).toBe(canonical);
      }),
    );
  });

  it('an address of another length gives the empty text', () => {
    expect(peerAddressText(new ArrayBuffer(0))).toBe('');
  });
});
