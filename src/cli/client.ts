// The CLI's HTTP client of a running engine: --url (default http://127.0.0.1:$PORT), token from
// ADMIN_TOKEN or DATA_DIR/admin-token.
import { readConfig } from '../config.js';
import { readAdminTokenForCli } from '../secrets.js';

export interface CliContext {
  url: string;
  token: string | null;
  args: string[];
  flags: Map<string, string>;
}

export function parseArgs(argv: string[]): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) flags.set(a.slice(2), argv[++i] as string);
      else flags.set(a.slice(2), 'true');
    } else positional.push(a);
  }
  return { positional, flags };
}

export function cliContext(args: string[], flags: Map<string, string>): CliContext {
  const config = readConfig();
  return { url: (flags.get('url') ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, ''), token: readAdminTokenForCli(config), args, flags };
}

export class CliError extends Error {}

export async function call(ctx: CliContext, method: string, path: string, body?: unknown): Promise<unknown> {
  let r: Response;
  try {
    r = await fetch(ctx.url + path, {
      method,
      headers: { ...(ctx.token ? { authorization: `Bearer ${ctx.token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new CliError(`no engine answers at ${ctx.url} (start one with: npx scanlot serve)`);
  }
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  if (!r.ok) {
    const e = (parsed as { error?: { code?: string; message?: string } }).error;
    throw new CliError(`${r.status} ${e?.code ?? ''}: ${e?.message ?? text}`);
  }
  return parsed;
}
