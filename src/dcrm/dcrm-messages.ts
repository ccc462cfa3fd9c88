// What the engine and the DCRM worker thread say to each other.
import type { AttemptResult, DeliveryPolicy, LogLevel } from './dcrm-delivery.js';

export interface DcrmWorkerData {
  dbPath: string;
  url: string;
  secret: string;
  timeoutMs: number;
  policy: DeliveryPolicy;
}

export type ToWorker = { type: 'wake' } | { type: 'drain' } | { type: 'stop' };

export type FromWorker =
  | { type: 'attempt'; result: AttemptResult; events: number }
  | { type: 'delivered'; events: number }
  | { type: 'log'; level: LogLevel; fields: Record<string, unknown>; msg: string };
