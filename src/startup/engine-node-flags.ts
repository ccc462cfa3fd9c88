// The Node flags the engine runs with: `npm start` passes them (package.json, checked by a test), and so
// does every engine the tests and the benchmarks start (src/testing/engine-launcher.ts).
//
// --max-semi-space-size=64: each scan leaves a few kilobytes of short-lived objects (the request, the
// script's arguments and reply, the answer), so with Node's default 16 MB semi-spaces the main thread
// stops for a young-generation collection every few hundred scans, and those stops were the answers'
// tail. `npm run bench:tail` at 2,000 scans/s, three runs each, alternating (bench/README.md): p99
// 8.2-8.8 ms and p99.9 19.3-20.5 ms with the default, 4.7-5.2 ms and 7.9-16.6 ms with 64 MB. The price is
// memory: up to 3 × 64 MB of young generation instead of 3 × 16.
export const ENGINE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/** the flags a process started with `execArgv` (its own command line) lacks */
export function missingEngineFlags(execArgv: readonly string[]): string[] {
  return ENGINE_NODE_FLAGS.filter((f) => !execArgv.includes(f));
}
