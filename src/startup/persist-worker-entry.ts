// The persist worker thread's entry, as piscina loads it: the persist step (src/persistence/persist-worker.ts)
// with every concern's aggregate sources, which only the composition layer may name, and the count of
// scanned cards in their sets before their events are acknowledged (集卡 with several shards).
import persistBatch, { useAggregateSources, useBeforeAck } from '../persistence/persist-worker.js';
import { AGGREGATE_SOURCES } from './aggregate-sources.js';
import { readConfig } from '../config.js';
import { loadSecrets } from '../secrets.js';
import { VoucherCodec } from '../codes/voucher-codec.js';
import { CardRepair } from '../sets/card-repair.js';

useAggregateSources(AGGREGATE_SOURCES);

// a set prize's voucher is derived from CODE_SECRET, read as the engine read it at its start (its
// environment, else the secret file it keeps in DATA_DIR), and only when a card event is first met
const cards = new CardRepair(() => {
  const config = readConfig();
  return new VoucherCodec(loadSecrets(config).codeSecret, config.publicBaseUrl);
});
useBeforeAck((redis, rows) => cards.run(redis, rows));

export default persistBatch;
export type { PersistResult, PersistTask } from '../persistence/persist-worker.js';
