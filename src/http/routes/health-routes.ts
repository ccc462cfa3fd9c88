// GET /healthz and GET /metrics.
import type { RedisClient } from '../../redis/scripts.js';
import type { EventQuery } from '../../events/event-query.js';
import type { StreamConsumer } from '../../persistence/stream-consumer.js';
import type { OutboxGauges } from '../../dcrm/dcrm-metrics.js';
import type { ScanMetrics } from '../../scan/scan-metrics.js';
import type { RedisFaults } from '../../scan/redis-faults.js';
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

/** used_memory at or past maxmemory (noeviction): every write, every scan, is refused */
async function redisFull(redis: RedisClient): Promise<boolean> {
  const info = await redis.info('memory');
  const used = Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
  const max = Number(/^maxmemory:(\d+)/m.exec(info)?.[1] ?? 0);
  return max > 0 && used >= max;
}

export function healthRoutes(redis: RedisClient, events: EventQuery, consumer: StreamConsumer, metrics: ScanMetrics, outbox: OutboxGauges, backlogLimit: number, faults: Pick<RedisFaults, 'current'>): Route[] {
  metrics.gauge('scanlot_event_backlog', 'Scan events in Redis streams not yet persisted to SQLite', () => consumer.backlog().catch(() => -1));
  metrics.gauge('scanlot_events_persisted', 'Events this engine moved from Redis to SQLite since it started', () => consumer.persisted);
  metrics.gauge('scanlot_http_requests_in_flight', 'HTTP requests being handled (this scrape included)', () => inFlight.count);
  return [
    {
      method: 'get',
      pattern: '/healthz',
      async handle() {
        let redisState: 'up' | 'down' | 'full' = 'down';
        let backlog = -1;
        try {
          await within(redis.ping(), 1000);
          backlog = await within(consumer.backlog(), 1000);
          // used_memory hovers around maxmemory while writes are refused: between two refusals a probe may
          // find it just under the bound, so the last scan being refused for OOM also counts as full
          redisState = faults.current === 'oom' || (await within(redisFull(redis), 1000)) ? 'full' : 'up';
        } catch {
          redisState = 'down';
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
        // persistence failing now is reported as stalled, with its error; it makes the engine unhealthy only
        // once the events waiting in Redis pass the bound (they are safe there, but memory is not endless)
        const persist = consumer.health();
        const sqlite = !sqliteUp ? 'down' : persist.stalled ? 'stalled' : 'up';
        const reasons: string[] = [];
        if (redisState === 'down') reasons.push('redis unreachable');
        if (redisState === 'full') reasons.push('redis out of memory (maxmemory): scans are refused');
        if (!sqliteUp) reasons.push('sqlite unreadable');
        if (backlog > backlogLimit) reasons.push(`backlog ${backlog} events past the bound ${backlogLimit}`);
        const ok = reasons.length === 0;
        return json(
          ok ? '200 OK' : '503 Service Unavailable',
          JSON.stringify({
            ok, redis: redisState, sqlite, backlog, outbox: outboxBacklog, oldestUndeliveredAgeS,
            ...(persist.stalled ? { persistError: persist.lastError, persistFailures: persist.failures } : {}),
            ...(ok ? {} : { reasons }),
          }),
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
