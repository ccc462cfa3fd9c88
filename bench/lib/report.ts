// The human-readable table of a bench run, and the JSON file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BenchResults, PacedRun, ServerRun } from './results.js';

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const num = (n: number | null, d = 2): string => (n === null ? 'n/a' : n.toFixed(d));

export function table(title: string, rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const line = (row: readonly string[]): string => row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [`${title}`, line(rows[0] ?? []), sep, ...rows.slice(1).map(line)].join('\n');
}

const serverRow = (name: string, s: ServerRun): string[] => [name, int(s.rps), num(s.p50Ms), num(s.p99Ms), num(s.p999Ms), int(s.errors), num(s.cpuUsPerRequest, 1), num(s.generatorCpuUsPerRequest, 1), num(s.otherCpuCores)];

export function formatResults(r: BenchResults): string {
  const o = r.options;
  const out: string[] = [];
  out.push(
    `scanlot bench: ${r.machine.cpus} x ${r.machine.cpuModel}, node ${r.machine.node}, redis ${r.machine.redis}` +
      ` (${r.machine.redisEmbedded ? 'embedded' : 'REDIS_URL'}), load generator on the same machine`,
  );
  out.push(`load average at start ${r.machine.loadAvgAtStart.map((n) => n.toFixed(2)).join(' ')}, at end ${r.machine.loadAvgAtEnd.map((n) => n.toFixed(2)).join(' ')}`);
  out.push(`options: --duration ${o.duration} --connections ${o.connections}${o.quick ? ' --quick' : ''}, common rate ${int(r.commonRate.rate)}/s`);
  out.push('');
  out.push(
    table('Throughput (same autocannon settings and bodies; latency of 2xx answers, ms)', [
      ['server', 'req/s', 'p50', 'p99', 'p99.9', 'errors', 'CPU µs/req', 'autocannon µs/req', 'other load (cores)'],
      serverRow('scanlot POST /v1/scans', { ...r.scan, cpuUsPerRequest: r.cpuUsPerScan }),
      serverRow('floor (call per turn + SQLite)', r.baselines.floor),
      serverRow('uWS hello', r.baselines.uwsHello),
      serverRow('node:http hello', r.baselines.nodeHttpHello),
    ]),
  );
  const pacedRow = (name: string, p: PacedRun): string[] => [name, int(p.achievedRps), num(p.p50Ms), num(p.p99Ms), num(p.p999Ms), num(p.maxMs), int(p.errors), int(p.sentLate), num(p.otherCpuCores)];
  out.push('');
  out.push(
    table(`At one common rate, ${int(r.commonRate.rate)}/s, open loop (ms from each request's due time)`, [
      ['server', 'got/s', 'p50', 'p99', 'p99.9', 'max', 'errors', 'sent late', 'other load (cores)'],
      pacedRow('scanlot POST /v1/scans', r.commonRate.scan),
      pacedRow('floor', r.commonRate.floor),
      pacedRow('uWS hello', r.commonRate.uwsHello),
      pacedRow('scanlot, an export streaming', r.scanDuringExport),
    ]),
  );
  out.push(
    `scan mix sent: ${int(r.scan.sent.fresh)} fresh, ${int(r.scan.sent.repeat)} repeat, ${int(r.scan.sent.forged)} forged;` +
      ` answers: ${Object.entries(r.scan.status).map(([k, v]) => `${k}: ${int(v)}`).join(', ')}` +
      (r.scan.outcomes ? `; outcomes: ${Object.entries(r.scan.outcomes).map(([k, v]) => `${k} ${int(v)}`).join(', ')}` : ''),
  );
  out.push(
    `CPU per scan: engine ${num(r.cpuUsPerScanEngine, 1)} µs + redis ${num(r.cpuUsPerScanRedis, 1)} µs = ${num(r.cpuUsPerScan, 1)} µs` +
      ` (uWS hello ${num(r.cpuUsPerHello, 1)} µs, node:http hello ${num(r.cpuUsPerNodeHttpHello, 1)} µs)`,
  );
  const t = r.cpuUsPerScanByThread;
  const ft = r.baselines.floor.cpuUsPerRequestByThread;
  out.push(
    `engine CPU per scan by thread: main ${num(t.main, 1)}, persist ${num(t.persist, 1)}, dcrm ${num(t.dcrm, 1)}, other ${num(t.other, 1)} µs` +
      (ft ? ` (floor per request: main ${num(ft.main, 1)}, persist ${num(ft.persist, 1)}, other ${num(ft.other, 1)} µs)` : ''),
  );
  const perCall = r.scansPerRedisCall > 0 ? r.scansPerRedisCall : 1;
  const inner = Object.entries(r.redisCommandsDuringScan)
    .filter(([name]) => !['evalsha', 'eval'].includes(name))
    .sort((a, b) => b[1].perScript - a[1].perScript)
    .map(([name, u]) => `${name} ${num(u.perScript / perCall)}`);
  out.push(`commands inside the scan script, per scan: ${inner.join(', ')}`);
  out.push('');
  out.push(
    table('Figures', [
      ['figure', 'value'],
      ['scan req/s / uWS hello req/s', num(r.ratios.scanVsUwsHello)],
      ['scan req/s / node:http hello req/s', num(r.ratios.scanVsNodeHttpHello)],
      ['scan CPU / uWS hello CPU', num(r.ratios.cpuScanVsUwsHello)],
      ['scan CPU / floor CPU', num(r.ratios.cpuScanVsFloor)],
      ['scan req/s / floor req/s', num(r.ratios.scanVsFloor)],
      ['Redis µs in the scan script per scan', num(r.redisUsPerScan, 1)],
      [`  … campaign with perScans ${r.storeRules.perScans} and a card set`, num(r.storeRules.redisUsPerScan, 1)],
      ['CPU µs per scan (engine + Redis)', num(r.cpuUsPerScan, 1)],
      [`  … campaign with perScans ${r.storeRules.perScans} and a card set (${int(r.storeRules.rps)} req/s, ${int(r.storeRules.errors)} errors)`, num(r.storeRules.cpuUsPerScan, 1)],
      ['Redis script calls per scan (scans share the call of their event-loop turn)', `${num(r.redisCallsPerScan, 4)} (${num(r.scansPerRedisCall, 1)} scans per call)`],
      [`Redis script calls of ${int(r.serialCheck.requests)} scans sent one at a time`, int(r.serialCheck.scriptCalls)],
      ['Redis µs per script call (in its commands)', `${num(r.redisUsecPerScriptCall)} (${num(r.redisUsecPerScriptCallInCommands)})`],
      ['  … per scan', `${num(r.redisUsecPerScriptCall === null ? null : r.redisUsecPerScriptCall / perCall)} (${num(r.redisUsecPerScriptCallInCommands === null ? null : r.redisUsecPerScriptCallInCommands / perCall)})`],
      [`Redis commands of ${int(r.forgedCheck.requests)} forged scans`, String(r.forgedCheck.scriptCalls + Object.values(r.forgedCheck.otherCommands).reduce((a, b) => a + b, 0))],
      [`Redis bytes per code (${int(r.bigBatch.size)}-code batch)`, num(r.redisBytesPerCode, 4)],
      ['  … after scanning its last code once', num(r.redisBytesPerCodeAfterTouch, 4)],
      ['Redis bytes per consumed code (scan run, stream drained)', num(r.redisBytesPerConsumedCode, 1)],
      [`export codes/s (${int(r.export.codes)} codes, csv)`, int(r.export.codesPerSec)],
      ['  … engine RSS growth during it (MB)', num(r.export.rssGrowthMb, 1)],
      ['persist events/s (scan run start to backlog 0)', int(r.persist.eventsPerSec)],
      [`  … drain speed after the run (backlog ${int(r.persist.backlogAtEnd)})`, r.persist.drainEventsPerSec === null ? 'n/a (kept up)' : int(r.persist.drainEventsPerSec)],
    ]),
  );
  out.push('');
  out.push(
    table('Targets (cost per scan)', [
      ['target', 'wanted', 'measured', ''],
      ...r.targets.map((t) => [t.name, t.target, t.actual, t.met === null ? '?' : t.met ? 'met' : 'MISSED']),
    ]),
  );
  return out.join('\n');
}

/** A results file: pretty JSON, its directory created when missing. */
export function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
