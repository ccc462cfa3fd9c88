// The main thread's event-loop delay (every scan is answered there: a stall delays all of them) and
// prom-client's default process and Node.js metrics.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { collectDefaultMetrics, Gauge, type Registry } from 'prom-client';

const SAMPLE_MS = 10;

export function registerRuntimeMetrics(registry: Registry): void {
  const loop = monitorEventLoopDelay({ resolution: SAMPLE_MS });
  loop.enable();
  // the histogram holds the time between samples: the sampling interval itself is not delay
  const delayS = (ns: number): number => Math.max(0, ns - SAMPLE_MS * 1e6) / 1e9;
  const help = (what: string): string => `Main-thread event-loop delay since the previous scrape, ${what}`;
  // three gauges, not one with a `quantile` label: Prometheus reserves that label for summaries.
  // The first one reads all three and starts a new window (prom-client collects in registration order).
  let p99: Gauge | null = null;
  let max: Gauge | null = null;
  new Gauge({
    name: 'scanlot_event_loop_delay_p50_seconds',
    help: help('median'),
    registers: [registry],
    collect() {
      this.set(delayS(loop.percentile(50)));
      p99?.set(delayS(loop.percentile(99)));
      max?.set(delayS(loop.max));
      loop.reset();
    },
  });
  p99 = new Gauge({ name: 'scanlot_event_loop_delay_p99_seconds', help: help('99th percentile'), registers: [registry] });
  max = new Gauge({ name: 'scanlot_event_loop_delay_max_seconds', help: help('maximum'), registers: [registry] });
  collectDefaultMetrics({ register: registry });
  // promtool rejects these gauges' `_total` names (reserved for counters); each is the sum of the
  // same metric by type without the suffix (nodejs_active_handles{type=…}), which stays
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
}
