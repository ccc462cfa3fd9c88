// What a soak run found: bench/results/soak.json, and the data of the HTML page.
import type { FaultRecord } from './faults.js';
import type { Invariant, InvariantReport, StoreFigures } from './invariants.js';
import type { Sample } from './timeline.js';

export interface SoakResult {
  settings: { minutes: number; rate: number; engines: number; cluster: boolean; seed: number; rateMeasured: number | null };
  startedAt: string;
  /** null when the run went its full length; else when it was told to stop (ms after the start) and whether it drained in time for the invariants */
  stopped: { atMs: number; invariantsChecked: boolean } | null;
  /** scan requests answered (any status) */
  scans: number;
  /** requests sent and cut without an answer */
  unanswered: number;
  /** requests never sent: the deployment had fallen behind the rate when the run ended */
  unsent: number;
  answers: { byStatus: Record<string, number>; byOutcome: Record<string, number> };
  faults: FaultRecord[];
  violations: number;
  invariants: Record<string, Invariant>;
  audit: InvariantReport['audit'];
  resources: {
    redisUsedMemoryBefore: number | null;
    redisUsedMemoryAfterDrain: number | null;
    consumedCodes: number;
    wins: number;
    redisBytesPerConsumedCode: number | null;
    engineRssMax: number;
    sqliteBytesPerMillionScans: number | null;
    stores: StoreFigures[];
  };
  timeline: Sample[];
}
