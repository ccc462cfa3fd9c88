// What every bench entry point does around its measurements: parse the options (a usage error exits
// 2), stop whatever was started on Ctrl-C, on failure and at the end, and report a failure with exit 1.
import { UsageError } from './flags.js';

export function logger(tag: string): (msg: string) => void {
  return (msg) => {
    process.stderr.write(`[${tag}] ${msg}\n`);
  };
}

/** Stops everything started so far, whatever happened. */
export class Cleanup {
  readonly #steps: (() => Promise<void>)[] = [];
  constructor(private readonly log: (msg: string) => void) {}

  /** Registers a step; the returned function runs it now and forgets it. */
  add(step: () => Promise<void>): () => Promise<void> {
    this.#steps.unshift(step);
    return async () => {
      const at = this.#steps.indexOf(step);
      if (at >= 0) this.#steps.splice(at, 1);
      await step();
    };
  }

  async run(): Promise<void> {
    const steps = this.#steps.splice(0);
    for (const step of steps) await step().catch((err: unknown) => this.log(`cleanup: ${err instanceof Error ? err.message : String(err)}`));
  }
}

export async function benchMain<O, R>(
  tag: string,
  parse: (argv: string[]) => O,
  bench: (opts: O, cleanup: Cleanup) => Promise<R>,
  report: (opts: O, results: R) => void,
): Promise<void> {
  const log = logger(tag);
  let opts: O;
  try {
    opts = parse(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const cleanup = new Cleanup(log);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping`);
      void cleanup.run().finally(() => process.exit(130));
    });
  }
  try {
    const results = await bench(opts, cleanup);
    await cleanup.run();
    report(opts, results);
  } catch (err) {
    await cleanup.run();
    process.stderr.write(`${tag} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  }
}
