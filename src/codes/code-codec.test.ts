import { describe, expect, it } from 'vitest';
import { CodeCodec, CODE_LENGTH, MAX_SERIAL, canonicalCode } from './code-codec.js';
import { CodeExport } from './code-export.js';
import { parseScanInput } from './scan-input.js';
import { ALPHABET } from './crockford.js';

const codec = new CodeCodec(Buffer.alloc(32, 7));
const other = new CodeCodec(Buffer.alloc(32, 8));

describe('code format', () => {
  it('round-trips batch and serial, is 24 Crockford characters, deterministic', () => {
    for (const [b, s] of [[1, 0], [7, 123], [16_777_215, MAX_SERIAL], [42, 99_999_999]] as const) {
      const code = codec.encode(b, s);
      expect(code).toHaveLength(CODE_LENGTH);
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{24}$/);
      expect(codec.encode(b, s)).toBe(code);
      expect(codec.decode(code)).toEqual({ batchId: b, serial: s });
      expect(codec.decode(code.toLowerCase())).toEqual({ batchId: b, serial: s });
    }
  });

  it('reads I, L as 1 and O as 0', () => {
    const code = codec.encode(3, 11);
    const aliased = code.replace(/1/g, 'l').replace(/0/g, 'O');
    expect(codec.decode(aliased)).toEqual({ batchId: 3, serial: 11 });
    expect(canonicalCode(aliased)).toBe(code);
  });

  it('rejects every one-character change, truncation, extension and another secret', () => {
    const code = codec.encode(9, 4242);
    for (let i = 0; i < code.length; i++) {
      for (const c of ALPHABET) {
        if (c === code[i]) continue;
        const forged = code.slice(0, i) + c + code.slice(i + 1);
        expect(codec.decode(forged)).toBeNull();
      }
    }
    expect(codec.decode(code.slice(0, -1))).toBeNull();
    expect(codec.decode(code + '0')).toBeNull();
    expect(other.decode(code)).toBeNull();
    expect(codec.decode('U'.repeat(24))).toBeNull();
    expect(codec.decode('中'.repeat(24))).toBeNull();
  });

  it('does not accept a valid tag moved to another serial or batch', () => {
    const a = codec.encode(5, 100);
    const b = codec.encode(5, 101);
    // same batch, adjacent serials: swap the serial-bearing prefix, keep the tag
    expect(codec.decode(b.slice(0, 12) + a.slice(12))).toBeNull();
    const c = codec.encode(6, 100);
    expect(codec.decode(c.slice(0, 8) + a.slice(8))).toBeNull();
  });
});

describe('export', () => {
  it('streams csv and txt identical to encode, in chunks', () => {
    const exp = new CodeExport(codec, 12, 0, 10_000, 'https://b.example/c/', 'csv');
    const chunks: Buffer[] = [];
    for (let c = exp.nextChunk(); c !== null; c = exp.nextChunk()) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(2);
    const lines = Buffer.concat(chunks).toString().trimEnd().split('\n');
    expect(lines[0]).toBe('serial,code,url');
    expect(lines).toHaveLength(10_001);
    for (const s of [0, 1, 4095, 4096, 9999]) {
      const code = codec.encode(12, s);
      expect(lines[s + 1]).toBe(`${s},${code},https://b.example/c/${code}`);
    }
    const txt = new CodeExport(codec, 12, 5, 8, 'http://x/c/', 'txt');
    expect(txt.nextChunk()?.toString()).toBe([5, 6, 7].map((s) => `http://x/c/${codec.encode(12, s)}\n`).join(''));
    expect(txt.nextChunk()).toBeNull();
  });
});

describe('scan input', () => {
  const code = 'ABCDEFGH0123456789ABCDEF';
  it('accepts a bare code, scan URLs and GS1 Digital Link URIs', () => {
    expect(parseScanInput(code)).toEqual({ code, gtin: null });
    expect(parseScanInput(`https://brand.example/c/${code}`)).toEqual({ code, gtin: null });
    expect(parseScanInput(`HTTPS://BRAND.EXAMPLE/C/${code}`)).toEqual({ code, gtin: null });
    expect(parseScanInput(`https://brand.example/c/${code}?utm=1`)).toEqual({ code, gtin: null });
    expect(parseScanInput(`https://id.brand.example/01/06901234567892/21/${code}`)).toEqual({ code, gtin: '06901234567892' });
    expect(parseScanInput(`https://id.brand.example/01/06901234567892/21/${code}/10/LOT7`)).toEqual({ code, gtin: '06901234567892' });
  });
  it('rejects URLs without a code path', () => {
    expect(parseScanInput('https://brand.example/about')).toBeNull();
    expect(parseScanInput('ftp:/x')).toBeNull();
  });
});
