// What a scan tells the client, the log and /metrics when Redis refuses it. Every such scan is a 503
// (nothing happened), but the log hears of a fault once when it starts and once when it ends, not once
// per scan: under a flood of scans a line per scan would itself become the outage.
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../log.js';

export type RedisFault = 'oom' | 'unreachable';

export class RedisFaults {
  readonly #counter: Counter<'fault'>;
  #current: RedisFault | null = null;

  constructor(private readonly log: Logger, registry: Registry) {
    this.#counter = new Counter({ name: 'scanlot_redis_refusals_total', help: 'Scans answered 503 because Redis refused or did not answer them, by fault', labelNames: ['fault'], registers: [registry] });
  }

  /** The fault behind a failed script call, counted (and logged when it is new); the 503's message. */
  failed(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    // Redis refuses any write under maxmemory with noeviction: "OOM command not allowed when used memory > 'maxmemory'"
    const fault: RedisFault = message.startsWith('OOM') ? 'oom' : 'unreachable';
    this.#counter.inc({ fault });
    if (this.#current !== fault) {
      this.#current = fault;
      this.log.error({ fault, err: message }, fault === 'oom' ? 'Redis is out of memory: scans are refused (503) until memory frees' : 'Redis does not answer scans: they are refused (503)');
    }
    return fault === 'oom' ? 'redis is out of memory; nothing was done, retry later' : `redis: ${message}`;
  }

  /** A scan went through: a fault, if there was one, is over. */
  recovered(): void {
    if (this.#current === null) return;
    this.log.warn({ fault: this.#current }, 'Redis answers scans again');
    this.#current = null;
  }

  get current(): RedisFault | null {
    return this.#current;
  }
}
