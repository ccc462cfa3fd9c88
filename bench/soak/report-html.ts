// The soak's HTML page: a table (scans answered, faults survived, invariant violations) and uPlot
// charts of answers per second, p99, 503s, backlog, Redis memory and engine RSS over time, each fault
// drawn as a line on the time axis. One self-contained file: uPlot and the page's own script are
// inline, allowed by their hashes in a strict CSP; the numbers travel as a JSON data block.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';
import type { SoakResult } from './soak-result.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const hash = (s: string): string => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

/** Draws the charts from the data block; runs in the page. */
const PAGE_SCRIPT = `
const data = JSON.parse(document.getElementById('soak-data').textContent);
const t = data.samples.map((s) => s.t);
const faultLines = {
  hooks: {
    draw: [(u) => {
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = '#c0392b';
      ctx.fillStyle = '#c0392b';
      ctx.font = (10 * devicePixelRatio) + 'px sans-serif';
      data.faults.forEach((f, i) => {
        const x = Math.round(u.valToPos(f.at / 1000, 'x', true));
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        // labels on four rows, so that faults close together stay readable
        ctx.fillText(f.kind, x + 3 * devicePixelRatio, u.bbox.top + (10 + (i % 4) * 11) * devicePixelRatio);
      });
      ctx.restore();
    }],
  },
};
const charts = [
  ['answers per second', 'answers', 1],
  ['p99 latency (ms)', 'p99Ms', 1],
  ['503 answers per second', 'unavailable', 1],
  ['event backlog in Redis', 'backlog', 1],
  ['Redis used_memory (MB)', 'redisUsedMemory', 1 / 1048576],
  ['engine RSS, all engines (MB)', 'engineRss', 1 / 1048576],
];
const width = Math.min(900, document.body.clientWidth - 20);
for (const [title, field, scale] of charts) {
  const el = document.createElement('section');
  el.className = 'chart';
  el.dataset.field = field;
  document.getElementById('charts').appendChild(el);
  const ys = data.samples.map((s) => (s[field] === null ? null : s[field] * scale));
  new uPlot({ title, width, height: 220, plugins: [faultLines], scales: { x: { time: false } },
    axes: [{ label: 's' }, {}],
    series: [{ label: 's' }, { label: title, stroke: '#2c6fbb', width: 1.5 }] }, [t, ys], el);
}
document.body.dataset.charts = String(document.querySelectorAll('.chart canvas').length);
`;

const PAGE_STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; color: #222; }
table { border-collapse: collapse; margin: 8px 0 16px; }
td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.bad { color: #b00; font-weight: bold; }
.ok { color: #070; }
`;

export function soakHtml(r: SoakResult): string {
  const uplotJs = readFileSync(join(PROJECT_ROOT, 'node_modules', 'uplot', 'dist', 'uPlot.iife.min.js'), 'utf8');
  const uplotCss = readFileSync(join(PROJECT_ROOT, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), 'utf8');
  const data = JSON.stringify({ samples: r.timeline, faults: r.faults }).replace(/</g, '\\u003c');
  const csp = `default-src 'none'; script-src ${hash(uplotJs)} ${hash(PAGE_SCRIPT)}; style-src ${hash(uplotCss)} ${hash(PAGE_STYLE)}; img-src data:`;
  const row = (k: string, v: string | number, cls = ''): string => `<tr><th>${esc(k)}</th><td class="n ${cls}">${esc(String(v))}</td></tr>`;
  const faultRows = r.faults
    .map((f) => `<tr><td>${esc(f.kind)}</td><td class="n">${(f.at / 1000).toFixed(1)}</td><td class="n">${f.recoveredAfterMs}</td><td>${esc(f.detail)}</td></tr>`)
    .join('');
  const invRows = Object.entries(r.invariants)
    .map(([name, i]) => `<tr><td>${esc(name)}</td><td class="n">${i.checked}</td><td class="n ${i.violations === 0 ? 'ok' : 'bad'}">${i.violations}</td><td>${esc([...i.examples, ...Object.entries(i.notes ?? {}).map(([k, v]) => `${k}: ${v}`)].join('; '))}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<title>scanlot soak</title>
<style>${uplotCss}</style>
<style>${PAGE_STYLE}</style>
</head><body>
<h1>scanlot soak</h1>
<p>${esc(`${r.settings.minutes} min at ${r.settings.rate} scans/s over ${r.settings.engines} engines on ${r.settings.cluster ? 'a three-primary Redis Cluster' : 'one Redis'}, seed ${r.settings.seed}, started ${r.startedAt}`)}</p>
<table id="summary">
${r.stopped === null ? '' : row('stopped early (SIGTERM or SIGINT), at s', `${(r.stopped.atMs / 1000).toFixed(1)}${r.stopped.invariantsChecked ? '' : ': not drained in time, invariants not checked'}`, 'bad')}
${row('scans answered', r.scans)}
${row('requests without an answer (cut by a fault)', r.unanswered)}
${row('requests never sent (the deployment fell behind the rate)', r.unsent)}
${row('faults survived', `${r.faults.length} (${new Set(r.faults.map((f) => f.kind)).size} kinds)`)}
${row('invariant violations', r.violations, r.violations === 0 ? 'ok' : 'bad')}
${row('Redis used_memory after the stream drained (bytes)', r.resources.redisUsedMemoryAfterDrain ?? '?')}
${row('Redis bytes per consumed code', r.resources.redisBytesPerConsumedCode ?? '?')}
${row('engine RSS at the end, largest (bytes)', r.resources.engineRssMax)}
${row('SQLite bytes per million scans', r.resources.sqliteBytesPerMillionScans ?? '?')}
</table>
<h2>Faults</h2>
<table id="faults"><tr><th>kind</th><th>at (s)</th><th>recovered after (ms)</th><th>what</th></tr>${faultRows}</table>
<h2>Invariants</h2>
<table id="invariants"><tr><th>invariant</th><th>checked</th><th>violations</th><th>examples, notes</th></tr>${invRows}</table>
<h2>Over time</h2>
<div id="charts"></div>
<script type="application/json" id="soak-data">${data}</script>
<script>${uplotJs}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
