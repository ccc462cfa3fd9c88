// `scanlot dcrm replay [EVENT_ID…]`: queue dead-lettered DCRM events for another delivery (all of them,
// or the given ones), and `scanlot dcrm dead-letters`: list them.
import { call, type CliContext } from './client.js';

export async function dcrmReplay(ctx: CliContext): Promise<void> {
  const ids = ctx.args;
  const r = (await call(ctx, 'POST', '/v1/dcrm/replay', ids.length > 0 ? { ids } : undefined)) as { queued: number; delivery: string };
  const note = r.delivery === 'on' ? '' : ' (DCRM_URL is not set on that engine: they go out once it is)';
  console.log(`queued ${r.queued} dead-lettered event${r.queued === 1 ? '' : 's'} for delivery${note}`);
}

export async function dcrmDeadLetters(ctx: CliContext): Promise<void> {
  const state = ctx.flags.get('state') ?? 'dead';
  const limit = ctx.flags.get('limit') ?? '100';
  console.log(JSON.stringify(await call(ctx, 'GET', `/v1/dcrm/dead-letters?state=${encodeURIComponent(state)}&limit=${encodeURIComponent(limit)}`), null, 2));
}
