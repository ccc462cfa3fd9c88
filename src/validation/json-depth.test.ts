import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from './json-depth.js';

describe('nestsDeeperThan', () => {
  it('counts brackets outside strings only', () => {
    expect(nestsDeeperThan(Buffer.from('{"a":[[1]]}'), 3)).toBe(false);
    expect(nestsDeeperThan(Buffer.from('{"a":[[[1]]]}'), 3)).toBe(true);
    expect(nestsDeeperThan(Buffer.from('{"a":"[[[[[[{{{{"}'), 1)).toBe(false);
    expect(nestsDeeperThan(Buffer.from('{"a":"\\"[[[[","b":[]}'), 2)).toBe(false);
    expect(nestsDeeperThan(Buffer.from('[' .repeat(1_000_000)), 32)).toBe(true);
  });
});
