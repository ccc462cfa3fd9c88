// GET /healthz and GET /metrics.
import type { RedisClient } from '../../redis/scripts.js';
import type { EventQuery } from '../../events/event-query.js';
import type { StreamConsumer } from '../../events/stream-consumer.js';
import type { OutboxGauges } from '../../events/dcrm-metrics.js';
import type { ScanMetrics } from '../../scan/scan-metrics.js';
import { json } from '../http-call.js';
import { inFlight } from '../router.js';
import type { Route } from '../router.js';

async function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(redis: RedisClient, events: EventQuery, consumer: StreamConsumer, metrics: ScanMetrics, outbox: OutboxGauges): Route[] {
  metrics.gauge('scanlot_event_backlog', 'Scan events in Redis streams not yet persisted to SQLite', () => consumer.backlog().catch(() => -1));
  metrics.gauge('scanlot_events_persisted', 'Events this engine moved from Redis to SQLite since it started', () => consumer.persisted);
  metrics.gauge('scanlot_http_requests_in_flight', 'HTTP requests being handled (this scrape included)', () => inFlight.count);
  return [
    {
      method: 'get',
      pattern: '/healthz',
      async handle() {
        let redisUp = false;
        let backlog = -1;
        try {
          await within(redis.ping(), 1000);
          backlog = await within(consumer.backlog(), 1000);
          redisUp = true;
        } catch {
          redisUp = false;
        }
        let sqliteUp = false;
        // a DCRM that is down is not the engine being unhealthy: the outbox is reported, not judged
        let outboxBacklog = -1;
        let oldestUndeliveredAgeS = -1;
        try {
          sqliteUp = events.ping();
          outboxBacklog = outbox.backlog();
          oldestUndeliveredAgeS = outbox.oldestUndeliveredAgeS();
        } catch {
          sqliteUp = false;
        }
        const ok = redisUp && sqliteUp;
        return json(
          ok ? '200 OK' : '503 Service Unavailable',
          JSON.stringify({ ok, redis: redisUp ? 'up' : 'down', sqlite: sqliteUp ? 'up' : 'down', backlog, outbox: outboxBacklog, oldestUndeliveredAgeS }),
        );
      },
    },
    {
      method: 'get',
      pattern: '/metrics',
      async handle() {
        return { status: '200 OK', body: await metrics.registry.metrics(), type: metrics.registry.contentType };
      },
    },
  ];
}
