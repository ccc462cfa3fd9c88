// The soak's fault schedule: every kind once per cycle, the faults that break an engine, Redis or a store
// alone in their step, the receiver's outage followed by its poison.
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, faultOrder, type FaultKind } from './soak/faults.js';
import { mulberry32 } from './lib/seeded-random.js';

// each breaks what the others' recovery checks read (probes, health, deliveries)
const ALONE: readonly FaultKind[] = ['engine-kill-9', 'engine-sigterm', 'redis-kill-9', 'redis-client-pause', 'store-lock'];

describe('the fault schedule', () => {
  it('holds every kind once per cycle, runs the deployment faults alone and the poison right after the outage', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const cycles = 3;
      const steps = faultOrder(cycles, mulberry32(seed));
      const kinds = steps.flat(2);
      expect(kinds.length).toBe(FAULT_KINDS.length * cycles);
      for (const k of FAULT_KINDS) expect(kinds.filter((x) => x === k).length, k).toBe(cycles);
      for (const step of steps) {
        const inStep = step.flat();
        if (inStep.some((k) => ALONE.includes(k))) expect(step).toEqual([[inStep[0]]]);
        for (const lane of step) {
          const i = lane.indexOf('dcrm-down');
          if (i >= 0) expect(lane[i + 1]).toBe('dcrm-poison');
        }
      }
    }
  });
});
