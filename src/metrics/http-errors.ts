// Error answers by code, for /metrics: the 503 rate an operator alerts on is
// rate(scanlot_http_errors_total{code="unavailable"}). Counted where every error answer is written.
import { Counter, type Registry } from 'prom-client';
import type { ErrorCode } from '../errors.js';

const errors = new Counter({ name: 'scanlot_http_errors_total', help: 'Error answers by error code (unavailable = 503)', labelNames: ['code'], registers: [] });

const answered = new Map<ErrorCode, number>();

export function countErrorAnswer(code: ErrorCode): void {
  errors.inc({ code });
  answered.set(code, (answered.get(code) ?? 0) + 1);
}

/** Error answers of one code since this engine started (the console's forged attempts: invalid_code). */
export function errorAnswers(code: ErrorCode): number {
  return answered.get(code) ?? 0;
}

export function registerHttpErrorMetrics(registry: Registry): void {
  // present from the start, so a rate over the first minutes after start is defined
  errors.inc({ code: 'unavailable' }, 0);
  registry.registerMetric(errors);
}
