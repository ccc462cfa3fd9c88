// `npx scanlot <command>`: the CLI. Each command lives in src/cli/; this file only dispatches.
import { parseArgs, cliContext, CliError, type CliContext } from './cli/client.js';
import { batchCreate, batchExport, campaignCreate, stats } from './cli/admin-commands.js';
import { audit } from './cli/audit-command.js';
import { rebalance } from './cli/rebalance-command.js';
import { dcrmDeadLetters, dcrmReplay } from './cli/dcrm-commands.js';
import { keysCreate, keysList, keysRevoke } from './cli/key-commands.js';

type Command = (ctx: CliContext) => Promise<void>;

const commands: Record<string, Command> = {
  'batch create': batchCreate,
  'batch export': batchExport,
  'campaign create': campaignCreate,
  stats,
  audit,
  rebalance,
  'dcrm replay': dcrmReplay,
  'dcrm dead-letters': dcrmDeadLetters,
  'keys create': keysCreate,
  'keys list': keysList,
  'keys revoke': keysRevoke,
};

const USAGE = `usage: scanlot <command> [--url URL]
  serve                                   run the engine (same as npm start)
  batch create --sku SKU --size N [--kind item|box] [--status active|pending]
  batch export BATCH [--format csv|txt] [--from N] [--to N] [--out FILE]
  campaign create --file F
  stats CAMPAIGN
  audit [CAMPAIGN]                        reconcile Redis and SQLite; exit 1 on any mismatch
  rebalance --repair                      return units stranded between shards by a crash mid-transfer
  rebalance CAMPAIGN                      even out the campaign's stock and budget buckets over the shards
  dcrm replay [EVENT_ID…]                 re-deliver dead-lettered DCRM events (all when none named)
  dcrm dead-letters                       list dead-lettered DCRM events
  keys create --role R --name N [--shop S]  an API key of one role (admin, operator, printer, dcrm, shop, gateway)
  keys list                               the keys, without their secrets
  keys revoke ID                          refused by every engine within 1 s
  bench [--duration S] [--connections N]  the benchmark (same as npm run bench)`;

async function run(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === 'serve') {
    await import('./main.js');
    return;
  }
  if (argv[0] === 'bench') {
    // the benchmark starts its own engine; it is not a client of a running one
    const { spawnSync } = await import('node:child_process');
    const { join } = await import('node:path');
    const { PROJECT_ROOT } = await import('./paths.js');
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'bench', 'run-bench.js'), ...argv.slice(1)], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  const { positional, flags } = parseArgs(argv);
  const two = positional.slice(0, 2).join(' ');
  const name = commands[two] ? two : positional[0] ?? '';
  const rest = positional.slice(name.split(' ').length);
  const fn = commands[name];
  if (!fn) {
    console.error(USAGE);
    process.exit(name === '' || name === 'help' ? 0 : 1);
  }
  try {
    await fn(cliContext(rest, flags));
  } catch (err) {
    console.error(`scanlot: ${err instanceof CliError ? err.message : err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

void run();
