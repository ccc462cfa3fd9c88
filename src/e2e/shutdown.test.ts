// Shutdown is the start-up in reverse: on SIGTERM the engine stops every part it started, last first,
// the timer that repairs transfers between shards included, and exits 0.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';

const fx = useEngine({ env: { SCANLOT_SHARDS: '3', LOG_LEVEL: 'info' } });

describe('shutdown', () => {
  it('stops the parts in the reverse order of their start, and exits 0', async () => {
    expect(await fx.engine.kill('SIGTERM')).toBe(0);
    const lines = fx.engine
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; order?: string[] });
    const order = lines.find((l) => l.msg === 'shutting down')?.order;
    // the parts other changes add may sit anywhere; these orders must hold
    expect(order?.[0]).toBe('HTTP server');
    expect(order?.at(-1)).toBe('DATA_DIR lock');
    expect(order).toContain('transfer repair timer');
    expect(order).toContain('campaign reload timer');
    const at = (part: string): number => order?.indexOf(part) ?? -1;
    // persistence drains before delivery stops, both before the store closes, all before Redis goes
    expect(at('stream consumer')).toBeGreaterThan(at('transfer repair timer'));
    expect(at('DCRM delivery')).toBeGreaterThan(at('stream consumer'));
    expect(at('event store')).toBeGreaterThan(at('DCRM delivery'));
    expect(at('Redis connection')).toBeGreaterThan(at('event store'));
    expect(lines.some((l) => l.msg === 'stopped')).toBe(true);
    expect(lines.filter((l) => l.msg === 'stopping a part at shutdown failed')).toEqual([]);
  });
});
