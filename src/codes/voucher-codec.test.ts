import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { CodeCodec } from '../codes/code-codec.js';
import { VOUCHER_LENGTH, VoucherCodec } from './voucher-codec.js';

const secret = Buffer.from('a1'.repeat(32), 'hex');
const vouchers = new VoucherCodec(secret, 'https://scan.example.com/');
const codes = new CodeCodec(secret);

describe('voucher codes', () => {
  it('are derived from the event id: stable, distinct per win, 20 Crockford characters, with their URL', () => {
    const a = vouchers.voucherOf('mabc123def4567890a1');
    expect(a).toEqual(vouchers.voucherOf('mabc123def4567890a1'));
    expect(a.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{20}$/);
    expect(a.url).toBe(`https://scan.example.com/v/${a.code}`);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(vouchers.voucherOf(`ev${i}`).code);
    expect(seen.size).toBe(2000);
  });

  it('parse accepts a voucher in any case and with Crockford aliases, and refuses a changed character', () => {
    const { code } = vouchers.voucherOf('evt-1');
    expect(vouchers.parse(code)).toBe(code);
    expect(vouchers.parse(code.toLowerCase())).toBe(code);
    const aliased = code.replace(/1/g, 'l').replace(/0/g, 'O');
    expect(vouchers.parse(aliased)).toBe(code);
    let refused = 0;
    for (let i = 0; i < VOUCHER_LENGTH; i++) {
      const c = code[i] === 'Z' ? 'Y' : 'Z';
      if (vouchers.parse(code.slice(0, i) + c + code.slice(i + 1)) === null) refused++;
    }
    expect(refused).toBe(VOUCHER_LENGTH);
  });

  it('another secret makes other vouchers, and refuses these', () => {
    const other = new VoucherCodec(randomBytes(32), 'https://x');
    const { code } = vouchers.voucherOf('evt-2');
    expect(other.voucherOf('evt-2').code).not.toBe(code);
    expect(other.parse(code)).toBeNull();
  });

  it('a voucher is never a product code, and a product code never a voucher', () => {
    for (let i = 0; i < 500; i++) {
      const v = vouchers.voucherOf(`win-${i}`).code;
      expect(codes.decode(v)).toBeNull();
      // nor any 24-character extension of it
      expect(codes.decode(v + 'AAAA')).toBeNull();
      const c = codes.encode(7, i);
      expect(vouchers.parse(c)).toBeNull();
      expect(vouchers.parse(c.slice(0, VOUCHER_LENGTH))).toBeNull();
      expect(vouchers.parse(c.slice(4))).toBeNull();
    }
  });
});
