// CLI commands that call the admin API: batch create/export, campaign create, stats.
import { createWriteStream, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { call, CliError, type CliContext } from './client.js';

function need(ctx: CliContext, name: string): string {
  const v = ctx.flags.get(name);
  if (v === undefined) throw new CliError(`--${name} is required`);
  return v;
}

export async function batchCreate(ctx: CliContext): Promise<void> {
  const body: Record<string, unknown> = { sku: need(ctx, 'sku'), size: Number(need(ctx, 'size')) };
  if (ctx.flags.has('kind')) body.kind = ctx.flags.get('kind');
  if (ctx.flags.has('status')) body.status = ctx.flags.get('status');
  console.log(JSON.stringify(await call(ctx, 'POST', '/v1/batches', body), null, 2));
}

export async function batchExport(ctx: CliContext): Promise<void> {
  const id = ctx.args[0] ?? need(ctx, 'batch');
  const format = ctx.flags.get('format') ?? 'csv';
  const batch = (await call(ctx, 'GET', `/v1/batches/${id}`)) as { size: number };
  const from = Number(ctx.flags.get('from') ?? 0);
  const to = Number(ctx.flags.get('to') ?? batch.size);
  const r = await fetch(`${ctx.url}/v1/batches/${id}/codes?format=${format}&from=${from}&to=${to}`, { headers: ctx.token ? { authorization: `Bearer ${ctx.token}` } : {} });
  if (!r.ok || !r.body) throw new CliError(`export failed: ${r.status} ${await r.text()}`);
  const outPath = ctx.flags.get('out');
  const out = outPath ? createWriteStream(outPath) : process.stdout;
  const total = to - from;
  const tty = process.stderr.isTTY;
  let lines = 0;
  let lastDraw = 0;
  const sink = Writable.toWeb(out as Writable);
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
      if (tty && Date.now() - lastDraw > 100) {
        lastDraw = Date.now();
        const done = Math.min(total, format === 'csv' ? Math.max(0, lines - 1) : lines);
        const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
        const bar = '#'.repeat(Math.floor(pct / 4)).padEnd(25, '.');
        process.stderr.write(`\r[${bar}] ${pct}% ${done.toLocaleString()} / ${total.toLocaleString()} codes`);
      }
      ctl.enqueue(chunk);
    },
  });
  await r.body.pipeThrough(counter).pipeTo(sink);
  if (tty) process.stderr.write(`\r[${'#'.repeat(25)}] 100% ${total.toLocaleString()} codes\n`);
}

export async function campaignCreate(ctx: CliContext): Promise<void> {
  const file = need(ctx, 'file');
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  console.log(JSON.stringify(await call(ctx, 'POST', '/v1/campaigns', body), null, 2));
}

export async function stats(ctx: CliContext): Promise<void> {
  const id = ctx.args[0];
  if (!id) throw new CliError('usage: scanlot stats CAMPAIGN');
  console.log(JSON.stringify(await call(ctx, 'GET', `/v1/campaigns/${encodeURIComponent(id)}/stats`), null, 2));
}
