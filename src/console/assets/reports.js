// Reports: a campaign's scan report as a table, a per-day chart, and the CSV download.
import { api, download } from './api.js';
import { Chart } from './chart.js';
import { T } from './text.js';
import { ErrorLine, fmt, html, useEffect, useState, yuan } from './ui.js';

const DIMENSIONS = ['day', 'sku', 'shop', 'region', 'batch'];
const FIGURES = ['scans', 'firstScans', 'won', 'spend', 'diverted'];

export function Reports() {
  const [campaigns, setCampaigns] = useState([]);
  const [q, setQ] = useState({ campaign: '', from: '', to: '', by: ['day'] });
  const [report, setReport] = useState(null);
  const [days, setDays] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('GET', '/v1/campaigns').then((l) => {
      setCampaigns(l.campaigns);
      if (l.campaigns[0]) setQ((old) => ({ ...old, campaign: old.campaign || l.campaigns[0].id }));
    }, setError);
  }, []);
  const query = (format, by) => {
    const p = new URLSearchParams({ campaign: q.campaign, by: by.join(','), format });
    if (q.from) p.set('from', q.from);
    if (q.to) p.set('to', q.to);
    return `/v1/reports/scans?${p}`;
  };
  const run = async (e) => {
    e?.preventDefault();
    setError(null);
    try {
      setReport(await api('GET', query('json', q.by.length ? q.by : ['day'])));
      setDays(await api('GET', query('json', ['day'])));
    } catch (err) {
      setError(err);
    }
  };
  const csv = async () => {
    try {
      await download(query('csv', q.by.length ? q.by : ['day']), `scans-${q.campaign}.csv`);
    } catch (err) {
      setError(err);
    }
  };
  const toggle = (d) => setQ({ ...q, by: q.by.includes(d) ? q.by.filter((x) => x !== d) : DIMENSIONS.filter((x) => x === d || q.by.includes(x)) });
  const cell = (f, v) => (f === 'spend' ? yuan(v) : fmt(v));
  return html`<section>
    <h1>${T.reports}</h1>
    <form class="panel" onSubmit=${run} data-test="report-form">
      <div class="grid">
        <label class="field"><span>${T.campaign}</span><select name="campaign" value=${q.campaign} onChange=${(e) => setQ({ ...q, campaign: e.currentTarget.value })}>
          ${campaigns.map((c) => html`<option value=${c.id}>${c.name} (${c.id})</option>`)}</select></label>
        <label class="field"><span>${T.from}</span><input name="from" placeholder="YYYY-MM-DD" value=${q.from} onInput=${(e) => setQ({ ...q, from: e.currentTarget.value })} /></label>
        <label class="field"><span>${T.to}</span><input name="to" placeholder="YYYY-MM-DD" value=${q.to} onInput=${(e) => setQ({ ...q, to: e.currentTarget.value })} /></label>
      </div>
      <fieldset><legend>${T.by}</legend>${DIMENSIONS.map((d) => html`<label class="check"><input type="checkbox" name=${`by-${d}`} checked=${q.by.includes(d)} onChange=${() => toggle(d)} /> ${d}</label>`)}</fieldset>
      <button type="submit" data-test="run-report">${T.run}</button>
      <button type="button" onClick=${csv} data-test="download-csv" disabled=${!q.campaign}>${T.downloadCsv}</button>
    </form>
    <${ErrorLine} error=${error} />
    ${days ? html`<h2>${T.perDay}</h2><${Chart} xs=${days.rows.map((r) => Date.parse(`${r.day}T00:00:00Z`) / 1000)} ys=${days.rows.map((r) => r.scans)} label=${T.scans} test="day-chart" />` : null}
    ${report ? html`<div class="scroll"><table data-test="report-table">
      <thead><tr>${report.by.map((d) => html`<th>${d}</th>`)}${FIGURES.map((f) => html`<th>${T[f]}</th>`)}</tr></thead>
      <tbody>${report.rows.map((r) => html`<tr>${report.by.map((d) => html`<td>${r[d] ?? '—'}</td>`)}${FIGURES.map((f) => html`<td>${cell(f, r[f])}</td>`)}</tr>`)}</tbody>
      <tfoot><tr>${report.by.map((_, i) => html`<th>${i === 0 ? 'Σ' : ''}</th>`)}${FIGURES.map((f) => html`<th data-test=${`total-${f}`}>${cell(f, report.totals[f])}</th>`)}</tr></tfoot>
    </table></div>` : null}
  </section>`;
}
