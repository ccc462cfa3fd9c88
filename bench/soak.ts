// `npm run soak`: hours (or minutes) of the bench's scan mix over several engines on one Redis (or a
// three-primary cluster) while faults strike one after another, then every invariant checked over the
// whole history. Writes bench/results/soak.json and bench/results/soak.html; exits 1 on any violation.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { UsageError } from './lib/flags.js';
import { parseSoakOptions } from './soak/options.js';
import { soakHtml } from './soak/report-html.js';
import { runSoak } from './soak/run-soak.js';

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseSoakOptions(process.argv.slice(2), join(PROJECT_ROOT, 'bench', 'results'));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  // SIGTERM or SIGINT stops the run, not the process: Redis and the engines are child processes that
  // would outlive it, and the report is still written with what the run had
  const stop = new AbortController();
  let signal: NodeJS.Signals | null = null;
  const onSignal = (s: NodeJS.Signals): void => {
    if (signal !== null) return void console.log(`${s}: already stopping`);
    signal = s;
    console.log(`${s}: stopping the soak (load, faults), then its Redis and engines`);
    stop.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const result = await runSoak(opts, (line) => console.log(line), stop.signal);
  mkdirSync(opts.out, { recursive: true });
  const json = join(opts.out, 'soak.json');
  const html = join(opts.out, 'soak.html');
  writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(html, soakHtml(result));
  console.log(`${result.scans} scans answered, ${result.faults.length} faults survived, ${result.violations} invariant violations`);
  for (const [name, i] of Object.entries(result.invariants)) console.log(`  ${i.violations === 0 ? 'ok  ' : 'FAIL'} ${name}: ${i.checked} checked, ${i.violations} violations${i.examples.length ? ` (${i.examples.join('; ')})` : ''}`);
  console.log(`wrote ${json} and ${html}`);
  // a stopped run is no pass: the shell's convention for death by that signal (143 SIGTERM, 130 SIGINT)
  if (signal !== null) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  process.exit(result.violations === 0 ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
