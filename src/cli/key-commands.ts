// `scanlot keys create|list|revoke`: API keys over the admin API.
import { call, CliError, type CliContext } from './client.js';

export async function keysCreate(ctx: CliContext): Promise<void> {
  const role = ctx.flags.get('role');
  const name = ctx.flags.get('name');
  if (role === undefined || name === undefined) throw new CliError('--role and --name are required');
  const shop = ctx.flags.get('shop');
  const created = (await call(ctx, 'POST', '/v1/keys', { role, name, ...(shop !== undefined ? { shop } : {}) })) as { key: string };
  console.log(JSON.stringify(created, null, 2));
  console.error('scanlot: the key is shown only now; store it where the machine that uses it reads it');
}

export async function keysList(ctx: CliContext): Promise<void> {
  console.log(JSON.stringify(await call(ctx, 'GET', '/v1/keys'), null, 2));
}

export async function keysRevoke(ctx: CliContext): Promise<void> {
  const id = ctx.args[0];
  if (id === undefined) throw new CliError('usage: scanlot keys revoke ID');
  await call(ctx, 'DELETE', `/v1/keys/${encodeURIComponent(id)}`);
  console.log(`revoked ${id}`);
}
