// DCRM delivery in /metrics. Counters are fed by the worker's reports; the gauges read SQLite only when
// /metrics is scraped (two indexed lookups), so the outbox costs nothing between scrapes.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AttemptResult } from './dcrm-delivery.js';
import type { DeadLetterState } from './dead-letters.js';
import type { DeliveryObserver } from './dcrm-outbox.js';

export interface OutboxGauges {
  backlog(): number;
  oldestUndeliveredAgeS(): number;
  deadLetterCounts(): Record<DeadLetterState, number>;
}

const RESULTS: readonly AttemptResult[] = ['ok', 'retry', 'dead'];

export function registerDcrmMetrics(registry: Registry, outbox: OutboxGauges): DeliveryObserver {
  const attempts = new Counter({
    name: 'scanlot_dcrm_deliveries_total',
    help: 'DCRM requests by result: ok (batch delivered), retry (failed, will be retried), dead (event rejected for good, dead-lettered)',
    labelNames: ['result'],
    registers: [registry],
  });
  for (const result of RESULTS) attempts.inc({ result }, 0);
  const delivered = new Counter({ name: 'scanlot_dcrm_events_delivered_total', help: 'Events delivered to the DCRM (2xx) since start', registers: [registry] });
  new Gauge({
    name: 'scanlot_dcrm_outbox_backlog',
    help: 'Events stored in SQLite and not yet delivered to the DCRM (dead letters queued for replay included)',
    registers: [registry],
    collect() {
      this.set(outbox.backlog());
    },
  });
  new Gauge({
    name: 'scanlot_dcrm_delivery_lag_seconds',
    help: 'Age of the oldest event not yet delivered to the DCRM (0 when none)',
    registers: [registry],
    collect() {
      this.set(outbox.oldestUndeliveredAgeS());
    },
  });
  new Gauge({
    name: 'scanlot_dcrm_dead_letters',
    help: 'Events the DCRM rejected for good, by state (dead, queued for replay, delivered by a replay)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      for (const [state, n] of Object.entries(outbox.deadLetterCounts())) this.set({ state }, n);
    },
  });
  return {
    attempt: (result) => attempts.inc({ result }),
    delivered: (events) => delivered.inc(events),
  };
}
