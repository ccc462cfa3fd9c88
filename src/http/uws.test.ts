import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { uws } from './uws.js';

describe('uWebSockets.js', () => {
  it('is the native binary, not the package’s pure-JS fallback', () => {
    expect(Function.prototype.toString.call(uws.App)).toContain('[native code]');
    // the package entry point would have handed out the fallback had its binary failed to load;
    // ours loads the binary file itself, so this process has no fallback module in its cache
    const require = createRequire(import.meta.url);
    const fallback = require.resolve('uWebSockets.js/dist/index.js');
    expect(require.cache[fallback]).toBeUndefined();
  });
});
