// The command-line flags of the bench entry points: `--name value` or `--name=value`, switches without
// a value, --help. Each entry point says what its flags mean; the reading and the errors are here.
/** a bad command line: the entry point prints the message and exits with status 2 */
export class UsageError extends Error {}

export interface FlagValue {
  /** the value as a number of at least `min` (above it when `exclusive`), an integer when `integer` */
  number(min: number, integer: boolean, exclusive?: boolean): number;
  /** the value as a non-empty text */
  text(): string;
}

/**
 * Calls `onFlag` for each flag in `argv`; it answers false for a flag it does not know. A flag reads
 * its value only when `onFlag` asks for it, so switches take none.
 */
export function readFlags(argv: readonly string[], usage: string, onFlag: (flag: string, value: FlagValue) => boolean): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') throw new UsageError(usage);
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    let raw: string | undefined;
    let read = false;
    const rawValue = (): string | undefined => {
      if (!read) {
        read = true;
        raw = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      }
      return raw;
    };
    const value: FlagValue = {
      number(min, integer, exclusive = false) {
        const r = rawValue();
        const n = Number(r);
        const below = exclusive ? n <= min : n < min;
        if (r === undefined || r === '' || !Number.isFinite(n) || below || (integer && !Number.isInteger(n))) {
          const what = `${integer ? 'an integer' : 'a number'} ${exclusive ? '>' : '>='} ${min}`;
          throw new UsageError(`${flag} needs ${what}, got ${JSON.stringify(r)}\n${usage}`);
        }
        return n;
      },
      text() {
        const r = rawValue();
        if (r === undefined || r === '') throw new UsageError(`${flag} needs a value\n${usage}`);
        return r;
      },
    };
    if (!onFlag(flag, value)) throw new UsageError(`unknown option ${arg}\n${usage}`);
  }
}
