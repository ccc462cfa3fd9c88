// Guarantee 4 (a forged code never reaches Redis) and 5 (outcomes follow the probabilities).
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { useEngine } from '../testing/engine-fixture.js';
import { liveCampaign, uniqueSku } from '../testing/fixtures.js';
import { ALPHABET } from '../codes/crockford.js';

const fx = useEngine();

// commands the stream consumer sends on its own schedule, unrelated to any scan
// and connection handshakes (HELLO, CLIENT SETNAME, SELECT) of any (re)connecting client
const BACKGROUND = new Set(['xreadgroup', 'xautoclaim', 'xpending', 'xack', 'xdel', 'xlen', 'multi', 'exec', 'hgetall', 'ping', 'hello', 'client', 'info', 'select', 'monitor', 'time']);
// and reads of the shared clock's shift and of the definitions' version counters (every 1 s / 10 s), and
// the event store's registration heartbeat (its script and the {meta}:store keys it reads and writes)
const isBackground = (c: string): boolean =>
  BACKGROUND.has(c.split(' ')[0]!.toLowerCase()) || /^"?get"? "?(\{s\d+\}:clock:shift|\{meta\}:[a-z:-]+version)"?$/i.test(c) || /\{meta\}:store/.test(c);

describe('forged codes', () => {
  it('answers 404 invalid_code and sends Redis no command for them', async () => {
    const b = await fx.client.createBatch({ sku: uniqueSku(), size: 100 });
    const good = fx.engine.codec.encode(b.batchId, 5);
    const forged: string[] = [];
    for (let i = 0; i < good.length; i += 3) {
      const c = ALPHABET[(ALPHABET.indexOf(good[i]!) + 1) % 32]!;
      forged.push(good.slice(0, i) + c + good.slice(i + 1));
    }
    forged.push(good.slice(0, -1), `https://x.example/c/${good.slice(0, -1)}Z`, 'not-a-code', '0'.repeat(24));
    // a valid code of a serial beyond the batch size is not a code of this batch either
    forged.push(fx.engine.codec.encode(b.batchId, 100));

    const monitor = new Redis(fx.redis.port, '127.0.0.1');
    const seen: string[] = [];
    const m = await monitor.monitor();
    m.on('monitor', (_time: string, args: string[]) => seen.push(args.join(' ')));
    await new Promise((r) => setTimeout(r, 100));
    const mark = seen.length;
    for (const code of forged) {
      const r = await fx.engine.scan({ code, user: 'forger' });
      expect(r.status, code).toBe(404);
      expect(r.body).toEqual({ error: { code: 'invalid_code', message: expect.any(String) } });
    }
    await new Promise((r) => setTimeout(r, 100));
    const during = seen.slice(mark).filter((c) => !isBackground(c));
    // the out-of-range serial needed its batch definition once at most, which the engine had cached
    expect(during).toEqual([]);

    // and a genuine scan in the same window is seen: the monitor works
    const ok = await fx.engine.scan({ code: good, user: 'buyer' });
    expect(ok.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.slice(mark).some((c) => c.toLowerCase().startsWith('evalsha'))).toBe(true);
    m.disconnect();
    monitor.disconnect();
  });
});

describe('draw distribution', () => {
  it('passes a chi-square test over 20,000 draws', async () => {
    const sku = uniqueSku();
    const N = 20_000;
    const b = await fx.client.createBatch({ sku, size: N });
    const probs = { a: 0.05, b: 0.15, c: 0.3 } as const;
    await fx.client.createCampaign(liveCampaign(`dist-${sku}`, sku, [
      { id: 'a', name: 'A', kind: 'gift', probability: probs.a },
      { id: 'b', name: 'B', kind: 'cash', probability: probs.b, amount: 1 },
      { id: 'c', name: 'C', kind: 'points', probability: probs.c, amount: 10 },
    ]));
    const counts: Record<string, number> = { a: 0, b: 0, c: 0, none: 0 };
    const randoms = new Set<number>();
    const batch = 200;
    for (let start = 0; start < N; start += batch) {
      const results = await Promise.all(
        Array.from({ length: batch }, (_, i) => fx.engine.scan({ code: fx.engine.codec.encode(b.batchId, start + i), user: `u${(start + i) % 997}` })),
      );
      for (const r of results) {
        expect(r.status).toBe(200);
        counts[r.body.outcome === 'won' ? r.body.prize.id : 'none']!++;
      }
    }
    const expected: Record<string, number> = { a: N * probs.a, b: N * probs.b, c: N * probs.c, none: N * (1 - probs.a - probs.b - probs.c) };
    let chi2 = 0;
    for (const k of Object.keys(expected)) chi2 += (counts[k]! - expected[k]!) ** 2 / expected[k]!;
    // 3 degrees of freedom; 16.27 is the 0.999 quantile, so a correct fx.engine fails 1 run in 1000
    expect(chi2, JSON.stringify(counts)).toBeLessThan(16.27);

    // the random integers recorded in the events are spread over [0, 1e6)
    const ev = await fx.engine.api('GET', '/v1/events?limit=1000');
    for (const e of ev.body.events) if (e.type === 'scan') randoms.add(e.random);
    expect(randoms.size).toBeGreaterThan(900);
    for (const r of randoms) expect(r >= 0 && r < 1_000_000).toBe(true);
  });
});
