import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import { redemptionShop, reportShop } from './shop-scope.js';

const codeOf = (f: () => unknown): string => {
  try {
    f();
    return 'none';
  } catch (e) {
    return e instanceof ApiError ? e.code : 'other';
  }
};

describe('what a shop key may do', () => {
  it('redeems for its own shop, with or without naming it; another shop is 403', () => {
    expect(redemptionShop({ voucher: 'v' }, 's_9')).toBe('s_9');
    expect(redemptionShop({ voucher: 'v', shop: 's_9' }, 's_9')).toBe('s_9');
    expect(codeOf(() => redemptionShop({ voucher: 'v', shop: 's_1' }, 's_9'))).toBe('forbidden');
  });

  it('operators and admins name the shop (400 without one, or a malformed one)', () => {
    expect(redemptionShop({ shop: 's_1' }, null)).toBe('s_1');
    expect(codeOf(() => redemptionShop({}, null))).toBe('invalid_request');
    expect(codeOf(() => redemptionShop({ shop: 'a b' }, null))).toBe('invalid_request');
    expect(codeOf(() => redemptionShop({ shop: 7 }, 's_9'))).toBe('invalid_request');
  });

  it('a shop key reads its own report only; others read any shop or all', () => {
    expect(reportShop(null, 's_9')).toBe('s_9');
    expect(reportShop('s_9', 's_9')).toBe('s_9');
    expect(codeOf(() => reportShop('s_1', 's_9'))).toBe('forbidden');
    expect(reportShop('s_1', null)).toBe('s_1');
    expect(reportShop(null, null)).toBeNull();
  });
});
