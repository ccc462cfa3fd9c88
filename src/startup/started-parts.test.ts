import { describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { StartedParts } from './started-parts.js';

describe('StartedParts', () => {
  it('stops every part last first, telling each whether it is a shutdown; a failing part does not keep the others running', async () => {
    const parts = new StartedParts(createLogger('silent'));
    const stopped: string[] = [];
    parts.add('lock', (graceful) => void stopped.push(`lock ${graceful}`));
    parts.add('redis', async (graceful) => {
      await new Promise((r) => setTimeout(r, 5));
      stopped.push(`redis ${graceful}`);
    });
    parts.add('broken', () => {
      throw new Error('cannot stop');
    });
    parts.add('http', (graceful) => void stopped.push(`http ${graceful}`));
    expect(parts.names).toEqual(['http', 'broken', 'redis', 'lock']);
    await parts.stopAll(true);
    expect(stopped).toEqual(['http true', 'redis true', 'lock true']);
    // each part is stopped once
    await parts.stopAll(true);
    expect(stopped).toHaveLength(3);
  });

  it('stops at once (not graceful) after a failed start-up', async () => {
    const parts = new StartedParts(createLogger('silent'));
    const seen: boolean[] = [];
    parts.add('consumer', (graceful) => void seen.push(graceful));
    await parts.stopAll();
    expect(seen).toEqual([false]);
  });
});
