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
    expect(order).toEqual([
      'HTTP server',
      'transfer repair timer',
      'stream consumer',
      'DCRM delivery',
      'event store registration',
      'event store',
      'campaign reload timer',
      'API key refresh',
      'shared clock',
      'Redis subscriber',
      'Redis connection',
      'DATA_DIR lock',
    ]);
    expect(lines.some((l) => l.msg === 'stopped')).toBe(true);
    expect(lines.filter((l) => l.msg === 'stopping a part at shutdown failed')).toEqual([]);
  });
});
