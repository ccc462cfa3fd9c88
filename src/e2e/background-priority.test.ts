// The persist thread runs at a lower priority than the thread that answers scans, DCRM delivery does not
// (SCANLOT_BACKGROUND_NICE, src/threads/background-priority.ts), read from outside as the kernel sees it.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useEngine } from '../testing/engine-fixture.js';
import { eventually } from '../testing/eventually.js';

/** nice value of each named thread of a process: /proc/<pid>/task/<tid>/stat field 19 */
function threadNices(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // fields after the parenthesised command name, which may hold spaces: state is field 3, nice field 19
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(comm, Number(fields[19 - 3]));
    } catch {
      /* the thread ended while being read */
    }
  }
  return out;
}

describe('background threads', () => {
  const fx = useEngine({ dcrm: { listen: true }, env: { SCANLOT_BACKGROUND_NICE: '7' } });

  it('the persist thread runs at the configured nice value; the main and DCRM threads at the process one', async () => {
    const pid = fx.engine.pid() as number;
    // the persist thread sets its priority on its first step, which runs at start
    const nices = await eventually(
      async () => threadNices(pid),
      (n) => n.has('scanlot-persist') && n.has('scanlot-dcrm'),
    );
    expect(nices.get('scanlot-persist')).toBe(7);
    expect(nices.get('scanlot-dcrm')).toBe(0);
    const main = readFileSync(`/proc/${pid}/stat`, 'utf8');
    expect(Number(main.slice(main.lastIndexOf(')') + 2).split(' ')[19 - 3])).toBe(0);
    expect([...nices.values()].filter((v) => v === 7)).toHaveLength(1);
  });
});
