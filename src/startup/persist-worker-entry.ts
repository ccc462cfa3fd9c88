// The persist worker thread's entry, as piscina loads it: the persist step (src/persistence/persist-worker.ts)
// with every concern's aggregate sources and the wins events hold (stored beside them), which only the
// composition layer may name, and the count of scanned cards in their sets before their events are
// acknowledged (集卡 with several shards).
import persistBatch, { useAggregateSources, useBeforeAck, useWinRows } from '../persistence/persist-worker.js';
import { winRowsOf } from '../fulfilment/win-rows.js';
import { AGGREGATE_SOURCES } from './aggregate-sources.js';
import { workerData } from 'piscina';
import { VoucherCodec } from '../codes/voucher-codec.js';
import { CardRepair } from '../sets/card-repair.js';
import { isPersistWorkerData } from './persist-worker-data.js';

useAggregateSources(AGGREGATE_SOURCES);
useWinRows(winRowsOf);

// a set prize's voucher is derived from the engine's CODE_SECRET, handed to this thread when it started
const data: unknown = workerData;
const cards = new CardRepair(() => {
  if (!isPersistWorkerData(data)) throw new Error('the persist worker was started without its worker data (CODE_SECRET, public URL)');
  return new VoucherCodec(Buffer.from(data.codeSecret), data.publicBaseUrl);
});
useBeforeAck((redis, rows) => cards.run(redis, rows));

export default persistBatch;
export type { PersistResult, PersistTask } from '../persistence/persist-worker.js';
