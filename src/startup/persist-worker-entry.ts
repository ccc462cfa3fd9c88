// The persist worker thread's entry, as piscina loads it: the persist step (src/persistence/persist-worker.ts)
// with every concern's aggregate sources, which only the composition layer may name.
import persistBatch, { useAggregateSources } from '../persistence/persist-worker.js';
import { AGGREGATE_SOURCES } from './aggregate-sources.js';

useAggregateSources(AGGREGATE_SOURCES);

export default persistBatch;
export type { PersistResult, PersistTask } from '../persistence/persist-worker.js';
