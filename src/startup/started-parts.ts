// What a start-up has started, in order, so that it is stopped in reverse: by a start-up failing half-way
// (instead of leaving, say, an embedded redis-server running after the engine exited) and by the
// engine's shutdown alike. The stop list is the start list; nothing is listed twice.
import type { Logger } from '../log.js';

/**
 * `graceful`: a shutdown, where a part finishes its work within its bound (in-flight requests answered,
 * events persisted and delivered); false when a start-up failed, where each part stops at once.
 */
export type StopPart = (graceful: boolean) => unknown;

export class StartedParts {
  readonly #stops: { name: string; stop: StopPart }[] = [];

  constructor(private readonly log: Logger) {}

  add(name: string, stop: StopPart): void {
    this.#stops.push({ name, stop });
  }

  /** the parts still to stop, in the order they will be stopped */
  get names(): string[] {
    return this.#stops.map((s) => s.name).reverse();
  }

  /** Stops everything added, last first; a part that fails to stop does not keep the others running. */
  async stopAll(graceful = false): Promise<void> {
    for (const { name, stop } of this.#stops.splice(0).reverse()) {
      try {
        await stop(graceful);
      } catch (err) {
        this.log.warn({ part: name, err: err instanceof Error ? err.message : String(err) }, graceful ? 'stopping a part at shutdown failed' : 'stopping a part of a failed start-up failed');
      }
    }
  }
}
