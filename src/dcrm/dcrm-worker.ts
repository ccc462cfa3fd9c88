// The DCRM worker thread: its own SQLite connection and its own event loop, so building, signing and
// sending batches never competes with the scan path for the main thread. It reports attempts and log
// lines to the engine, which owns the metrics and the logger.
import { parentPort, workerData } from 'node:worker_threads';
import { openEventDb } from '../events/event-schema.js';
import { OutboxStore } from './outbox-store.js';
import { DeadLetters } from './dead-letters.js';
import { createPoster } from './dcrm-http.js';
import { Deliverer } from './dcrm-delivery.js';
import type { DcrmWorkerData, FromWorker, ToWorker } from './dcrm-messages.js';
import { nameThisThread, THREAD_NAMES } from '../metrics/thread-name.js';

const port = parentPort;
if (!port) throw new Error('dcrm-worker runs as a worker thread');
const data = workerData as DcrmWorkerData;
nameThisThread(THREAD_NAMES.dcrm);
const send = (m: FromWorker): void => port.postMessage(m);

const db = openEventDb(data.dbPath);
const deliverer = new Deliverer(new OutboxStore(db), new DeadLetters(db), createPoster(data.url, data.secret, data.timeoutMs), data.policy, {
  attempt: (result, events) => send({ type: 'attempt', result, events }),
  delivered: (events) => send({ type: 'delivered', events }),
  log: (level, fields, msg) => send({ type: 'log', level, fields, msg }),
});

port.on('message', (m: ToWorker) => {
  if (m.type === 'wake') deliverer.wake();
  else if (m.type === 'drain') deliverer.drain();
  else deliverer.stop();
});

try {
  await deliverer.run();
} finally {
  db.close();
  // lets the thread end: the message port is the only thing left keeping it alive
  port.close();
}
