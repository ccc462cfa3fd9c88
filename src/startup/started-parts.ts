// What a start-up has started so far, so that a start-up failing half-way stops it again (in reverse
// order) instead of leaving, say, an embedded redis-server running after the engine exited.
import type { Logger } from '../log.js';

export class StartedParts {
  readonly #stops: { name: string; stop: () => unknown }[] = [];

  constructor(private readonly log: Logger) {}

  add(name: string, stop: () => unknown): void {
    this.#stops.push({ name, stop });
  }

  /** Stops everything added, last first; a part that fails to stop does not keep the others running. */
  async stopAll(): Promise<void> {
    for (const { name, stop } of this.#stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (err) {
        this.log.warn({ part: name, err: err instanceof Error ? err.message : String(err) }, 'stopping a part of a failed start-up failed');
      }
    }
  }
}
