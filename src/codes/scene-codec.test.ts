import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { SceneCodec, SCENE_CODE_LENGTH } from './scene-codec.js';
import { CodeCodec } from './code-codec.js';
import { VoucherCodec } from './voucher-codec.js';

describe('scene codes', () => {
  const secret = randomBytes(32);
  const scenes = new SceneCodec(secret, 'https://x.test/');

  it('carry the shop number under a MAC and read back case-insensitively', () => {
    for (const n of [1, 2, 99, 2 ** 40 - 1]) {
      const code = scenes.encode(n);
      expect(code).toHaveLength(SCENE_CODE_LENGTH);
      expect(scenes.decode(code)).toBe(n);
      expect(scenes.decode(code.toLowerCase())).toBe(n);
    }
    expect(scenes.urlOf(scenes.encode(7))).toBe(`https://x.test/s/${scenes.encode(7)}`);
  });

  it('refuse a changed character, another secret, product codes and vouchers', () => {
    const code = scenes.encode(42);
    const last = code.at(-1) === '0' ? '1' : '0';
    expect(scenes.decode(code.slice(0, -1) + last)).toBeNull();
    expect(new SceneCodec(randomBytes(32), 'https://x.test').decode(code)).toBeNull();
    const product = new CodeCodec(secret).encode(42, 1);
    expect(scenes.decode(product)).toBeNull();
    expect(scenes.decode(new VoucherCodec(secret, 'https://x.test').voucherOf('e1').code)).toBeNull();
    expect(new CodeCodec(secret).decode(code)).toBeNull();
  });
});
