// What the engine packs is what Redis' Lua unpacks: checked against cmsgpack in a real redis-server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startRedis, type TestRedis } from '../testing/redis-server.js';
import { MsgpackWriter } from './msgpack-writer.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

// the Lua side returns each string of the nested arrays as one flat list, prefixed by the array sizes
const FLATTEN = `
local out = {}
local function walk(v)
  if type(v) == 'table' then
    out[#out + 1] = 'array:' .. #v
    for i = 1, #v do walk(v[i]) end
  else
    out[#out + 1] = v
  end
end
walk(cmsgpack.unpack(ARGV[1]))
return out`;

async function roundTrip(groups: readonly (readonly string[])[]): Promise<string[]> {
  const w = new MsgpackWriter(8);
  const header = w.reserveArray();
  for (const g of groups) {
    w.array(g.length);
    for (const s of g) w.str(s);
  }
  w.setArrayLength(header, groups.length);
  const packed = w.take();
  expect(w.length).toBe(0);
  return (await redis.client.callBuffer('EVAL', FLATTEN, 0, packed) as Buffer[]).map((b) => b.toString('utf8'));
}

const expected = (groups: readonly (readonly string[])[]): string[] => [`array:${groups.length}`, ...groups.flatMap((g) => [`array:${g.length}`, ...g])];

describe('MsgpackWriter', () => {
  it('packs strings of every size class and arrays of 0, 15, 16 and 300 items as cmsgpack reads them', async () => {
    const sizes = [0, 1, 31, 32, 255, 256, 65_535, 65_536, 200_000];
    const strings = sizes.map((n) => 'x'.repeat(n));
    const groups = [strings, [], Array.from({ length: 15 }, (_, i) => `s${i}`), Array.from({ length: 16 }, (_, i) => `t${i}`), Array.from({ length: 300 }, (_, i) => String(i))];
    expect(await roundTrip(groups)).toEqual(expected(groups));
  });

  it('keeps any text intact: non-ASCII, NUL, control characters, separators', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { maxLength: 20 }), { maxLength: 5 }), async (groups) => {
        expect(await roundTrip(groups)).toEqual(expected(groups.map((g) => g.map((s) => Buffer.from(s, 'utf8').toString('utf8')))));
      }),
      { numRuns: 100 },
    );
  });

  it('a short string that turns out not to be ASCII leaves nothing half-written', async () => {
    const groups = [['abc', 'ab中', 'é', 'plain', '\u0000\u007f']];
    expect(await roundTrip(groups)).toEqual(expected(groups));
  });

  it('packs integers of every size class, negative ones too, as the Lua numbers cmsgpack reads (the script computes with them)', async () => {
    const ints = [0, 1, 127, 128, 255, 256, 65_535, 65_536, 4_294_967_295, 4_294_967_296, 1_764_921_600_000, Number.MAX_SAFE_INTEGER, -1, -32, -33, -128, -2_147_483_648];
    const w = new MsgpackWriter(4);
    w.array(ints.length + 2);
    for (const n of ints) w.int(n);
    // not a safe integer: as its decimal string, like num()
    w.int(1.5);
    w.int(-2_147_483_649);
    const lua = `local out = {}
for i, v in ipairs(cmsgpack.unpack(ARGV[1])) do out[i] = type(v) .. ':' .. string.format(type(v) == 'number' and '%d' or '%s', v) end
return out`;
    const got = (await redis.client.callBuffer('EVAL', lua, 0, w.take())) as Buffer[];
    expect(got.map((b) => b.toString())).toEqual([...ints.map((n) => `number:${n}`), 'string:1.5', 'string:-2147483649']);
  });
});
