// A malformed environment variable: start-up stops with one line naming the variable. Its own module,
// below everything that reads configuration, so that those readers (src/config/token-keys.ts) need not
// import src/config.ts, which imports them.
export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`${variable}: ${detail}`);
  }
}
