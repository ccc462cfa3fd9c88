// Scan counters for /metrics: by outcome, and a latency histogram. Plain counters on the hot path;
// prom-client reads them only when /metrics is scraped.
import { Counter, Histogram, Registry } from 'prom-client';

export class ScanMetrics {
  readonly registry = new Registry();
  readonly #scans: Counter<'outcome'>;
  readonly #latency: Histogram;

  constructor() {
    this.#scans = new Counter({ name: 'scanlot_scans_total', help: 'Scans answered 200, by outcome', labelNames: ['outcome'], registers: [this.registry] });
    this.#latency = new Histogram({
      name: 'scanlot_scan_duration_seconds',
      help: 'Time from the scan request body to the answer',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    });
  }

  observe(outcome: string, ms: number): void {
    this.#scans.inc({ outcome });
    this.#latency.observe(ms / 1000);
  }
}
