// API errors are answers: they carry no stack trace, and making one leaves every other error's stack intact.
import { describe, expect, it } from 'vitest';
import { ApiError, invalidCode } from './errors.js';

describe('ApiError', () => {
  it('has no stack frames, and Error.stackTraceLimit is as before', () => {
    const limit = Error.stackTraceLimit;
    const e = invalidCode();
    expect(e).toBeInstanceOf(Error);
    expect(e.stack).not.toMatch(/\n\s+at /);
    expect(e.toJSON()).toBe('{"error":{"code":"invalid_code","message":"not a valid code"}}');
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('a bug').stack).toMatch(/\n\s+at /);
  });

  it('restores the limit a caller set', () => {
    const limit = Error.stackTraceLimit;
    try {
      Error.stackTraceLimit = 3;
      new ApiError('not_found', 'x');
      expect(Error.stackTraceLimit).toBe(3);
    } finally {
      Error.stackTraceLimit = limit;
    }
  });
});
