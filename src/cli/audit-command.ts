// `scanlot audit [CAMPAIGN]`: prints the reconciliation table; exit status 1 on any mismatch.
import type { AuditReport } from '../audit/audit.js';
import { call, type CliContext } from './client.js';

export function formatAudit(report: AuditReport): string {
  const head = ['', 'check', 'subject', 'expected', 'actual'];
  const lines = report.rows.map((r) => [r.ok ? 'ok' : 'MISMATCH', r.check, r.subject, String(r.expected), String(r.actual)]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  const bad = report.rows.filter((r) => !r.ok).length;
  const counted = new Set(report.read.map((s) => s.storeId));
  const stores = report.stores.map((s) => `  ${counted.has(s.storeId) ? '*' : ' '} ${s.consumer}  ${s.storeId}  ${s.host}:${s.path}  ${s.alive ? 'alive' : `gone (last seen ${s.seenAt})`}`);
  const unreached = report.unreached.map((s) => `  could not read ${s.storeId} (${s.host}:${s.path}): ${s.reason}`);
  return [
    fmt(head),
    ...lines.map(fmt),
    '',
    'event stores registered on this Redis (* = counted above):',
    ...stores,
    ...unreached,
    ...(report.note ? ['', `note: ${report.note}`] : []),
    '',
    bad === 0 ? `audit clean: ${report.rows.length} checks` : `audit FAILED: ${bad} of ${report.rows.length} checks mismatch`,
  ].join('\n');
}

export async function audit(ctx: CliContext): Promise<void> {
  const campaign = ctx.args[0];
  const report = (await call(ctx, 'GET', `/v1/audit${campaign ? `?campaign=${encodeURIComponent(campaign)}` : ''}`)) as AuditReport;
  console.log(formatAudit(report));
  if (!report.ok) process.exit(1);
}
