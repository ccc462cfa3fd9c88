// Entry point of `npm start` and `npx scanlot serve`: reads the config, starts the engine, stops it on
// SIGTERM/SIGINT. A malformed variable, a missing prerequisite or an operator mistake found at start-up
// (StartupRefused) ends it with one line, status 1.
import { readConfig, ConfigError, type Config } from './config.js';
import { readTestHooks, type TestHooks } from './config/test-hooks.js';
import { createLogger } from './log.js';
import { MissingPrerequisite } from './redis/embedded-redis.js';
import { serve } from './engine.js';
import { StartupRefused } from './startup-refused.js';

async function main(): Promise<void> {
  let config: Config;
  let hooks: TestHooks;
  try {
    config = readConfig();
    hooks = readTestHooks();
  } catch (err) {
    process.stderr.write(`scanlot: ${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  let stop: () => Promise<void>;
  try {
    stop = await serve(config, log, hooks);
  } catch (err) {
    if (err instanceof MissingPrerequisite || err instanceof StartupRefused) {
      process.stderr.write(`scanlot: ${err.message}\n`);
      process.exit(1);
    }
    log.fatal({ err }, 'start-up failed');
    process.stderr.write(`scanlot: start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      stop().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

void main();
