// Reports: a campaign's scans (table, per-day chart, CSV), its prizes side by side with today's paced
// release, the winner list (中奖名单) with a CSV export, scans by hour of its time zone, by province and
// city, the store as a place (store-report.js), and the change log (操作日志). Money in yuan, times in the campaign's zone.
import { api, download } from './api.js';
import { Chart } from './chart.js';
import { T } from './text.js';
import { ErrorLine, fmt, html, useEffect, useState, yuan } from './ui.js';
import { inZone } from './zoned-time.js';
import { StoreReport, loadStoreReport } from './store-report.js';

const DIMENSIONS = ['day', 'sku', 'shop', 'region', 'batch'];
const FIGURES = ['scans', 'firstScans', 'won', 'spend', 'diverted'];
const KINDS = [['scans', T.reports], ['prizes', T.byPrize], ['winners', T.winners], ['hours', T.byHour], ['places', T.byPlace], ['store', T.storeActivity], ['changes', T.changeLog]];
const WIN_STATE = { open: '未使用 open', redeemed: '已核销 redeemed', pending: '发放中 pending', paid: '已发放 paid', failed: '发放失败 failed', credited: '已到账 credited', collected: '已集卡 collected' };

function describeChange(c, zone) {
  const parts = [];
  // a campaign created live is published by its creation: one phrase says both
  if (c.created) parts.push(c.state === 'draft' ? '创建草稿 created as draft' : '创建并上线 created live');
  else if (c.published) parts.push('发布上线 published');
  else if (c.state === 'paused') parts.push('暂停 paused');
  else if (c.state === 'live' && !c.created) parts.push('恢复 resumed');
  else if (c.state === 'ended') parts.push('结束 ended');
  if (c.endsAt) parts.push(`延期 extended → ${inZone(c.endsAt, zone)}`);
  for (const p of c.prizes ?? []) parts.push(`追加 top-up ${p.id}${p.addStock ? ` +${p.addStock}` : ''}${p.addBudget ? ` +${yuan(p.addBudget)}` : ''}`);
  if (c.fields?.length > 0) parts.push(`修改 edited: ${c.fields.join(', ')}`);
  return parts.length > 0 ? parts.join(' · ') : '保存，无变化 saved, nothing changed';
}

export function Reports() {
  const [campaigns, setCampaigns] = useState([]);
  const [kind, setKind] = useState('scans');
  const [q, setQ] = useState({ campaign: '', from: '', to: '', by: ['day'] });
  const [data, setData] = useState(null);
  const [days, setDays] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('GET', '/v1/campaigns').then((l) => {
      setCampaigns(l.campaigns);
      if (l.campaigns[0]) setQ((old) => ({ ...old, campaign: old.campaign || l.campaigns[0].id }));
    }, setError);
  }, []);
  const zone = campaigns.find((c) => c.id === q.campaign)?.timezone ?? 'UTC';
  const params = (extra) => {
    const p = new URLSearchParams({ campaign: q.campaign, ...extra });
    if (q.from) p.set('from', q.from);
    if (q.to) p.set('to', q.to);
    return p;
  };
  const query = (format, by) => `/v1/reports/scans?${params({ by: by.join(','), format })}`;
  const run = async (e) => {
    e?.preventDefault();
    setError(null);
    setData(null);
    try {
      if (kind === 'scans') {
        setData(await api('GET', query('json', q.by.length ? q.by : ['day'])));
        setDays(await api('GET', query('json', ['day'])));
      } else if (kind === 'prizes') setData(await api('GET', `/v1/reports/prizes?campaign=${encodeURIComponent(q.campaign)}`));
      else if (kind === 'winners') setData(await api('GET', `/v1/reports/winners?campaign=${encodeURIComponent(q.campaign)}`));
      else if (kind === 'hours') setData(await api('GET', `/v1/reports/hours?${params({})}`));
      else if (kind === 'places') setData(await api('GET', `/v1/reports/places?${params({})}`));
      else if (kind === 'store') setData(await loadStoreReport(q.campaign, params({})));
      else setData(await api('GET', `/v1/reports/changes?campaign=${encodeURIComponent(q.campaign)}&limit=500`));
    } catch (err) {
      setError(err);
    }
  };
  const csv = async () => {
    try {
      if (kind === 'winners') await download(`/v1/reports/winners?campaign=${encodeURIComponent(q.campaign)}&format=csv`, `winners-${q.campaign}.csv`);
      else if (kind === 'store') await download(`/v1/reports/store?${params({ format: 'csv' })}`, `store-${q.campaign}.csv`);
      else await download(query('csv', q.by.length ? q.by : ['day']), `scans-${q.campaign}.csv`);
    } catch (err) {
      setError(err);
    }
  };
  const toggle = (d) => setQ({ ...q, by: q.by.includes(d) ? q.by.filter((x) => x !== d) : DIMENSIONS.filter((x) => x === d || q.by.includes(x)) });
  const cell = (f, v) => (f === 'spend' ? yuan(v) : fmt(v));
  const amount = (w) => (w.kind === 'cash' ? yuan(w.amount) : w.kind === 'points' ? `${fmt(w.amount)} 积分` : '—');
  const pick = (k) => { setKind(k); setData(null); };
  return html`<section>
    <h1>${T.reports}</h1>
    <div class="templates" data-test="report-kinds">${KINDS.map(([k, label]) => html`<button type="button" class=${kind === k ? 'primary' : ''} onClick=${() => pick(k)} data-test=${`report-${k}`}>${label}</button>`)}</div>
    <form class="panel" onSubmit=${run} data-test="report-form">
      <div class="grid">
        <label class="field"><span>${T.campaign}</span><select name="campaign" value=${q.campaign} onChange=${(e) => setQ({ ...q, campaign: e.currentTarget.value })}>
          ${campaigns.map((c) => html`<option value=${c.id}>${c.name} (${c.id})</option>`)}</select></label>
        ${kind === 'scans' || kind === 'hours' || kind === 'places' || kind === 'store' ? html`
        <label class="field"><span>${T.from} (${zone})</span><input name="from" type="date" value=${q.from} onInput=${(e) => setQ({ ...q, from: e.currentTarget.value })} /></label>
        <label class="field"><span>${T.to} (${zone})</span><input name="to" type="date" value=${q.to} onInput=${(e) => setQ({ ...q, to: e.currentTarget.value })} /></label>` : null}
      </div>
      ${kind === 'scans' ? html`<fieldset><legend>${T.by}</legend>${DIMENSIONS.map((d) => html`<label class="check"><input type="checkbox" name=${`by-${d}`} checked=${q.by.includes(d)} onChange=${() => toggle(d)} /> ${d}</label>`)}</fieldset>` : null}
      <button type="submit" data-test="run-report">${T.run}</button>
      ${kind === 'scans' ? html`<button type="button" onClick=${csv} data-test="download-csv" disabled=${!q.campaign}>${T.downloadCsv}</button>` : null}
      ${kind === 'winners' ? html`<button type="button" onClick=${csv} data-test="export-winners" disabled=${!q.campaign}>${T.exportWinners}</button>` : null}
      ${kind === 'store' ? html`<button type="button" onClick=${csv} data-test="export-store" disabled=${!q.campaign}>${T.exportStore}</button>` : null}
    </form>
    <${ErrorLine} error=${error} />
    ${kind === 'scans' && days && data ? html`<h2>${T.perDay}</h2><${Chart} xs=${days.rows.map((r) => Date.parse(`${r.day}T00:00:00Z`) / 1000)} ys=${days.rows.map((r) => r.scans)} label=${T.scans} test="day-chart" step=${86400} bars=${true} />` : null}
    ${kind === 'scans' && data ? html`<div class="scroll"><table data-test="report-table">
      <thead><tr>${data.by.map((d) => html`<th>${d}</th>`)}${FIGURES.map((f) => html`<th>${T[f]}</th>`)}</tr></thead>
      <tbody>${data.rows.map((r) => html`<tr>${data.by.map((d) => html`<td>${r[d] ?? '—'}</td>`)}${FIGURES.map((f) => html`<td>${cell(f, r[f])}</td>`)}</tr>`)}</tbody>
      <tfoot><tr>${data.by.map((_, i) => html`<th>${i === 0 ? 'Σ' : ''}</th>`)}${FIGURES.map((f) => html`<th data-test=${`total-${f}`}>${cell(f, data.totals[f])}</th>`)}</tr></tfoot>
    </table></div>` : null}
    ${kind === 'prizes' && data?.prizes ? html`<p class="muted">${T.today}: ${data.today} (${data.timezone})</p><div class="scroll"><table data-test="prize-report">
      <thead><tr><th>${T.prize}</th><th>${T.kind}</th><th>${T.probabilityPct}</th><th>${T.won}</th><th>${T.wonToday}</th><th>${T.released}</th><th>${T.stockLeft}</th><th>${T.spentYuan}</th><th>${T.budget}</th></tr></thead>
      <tbody>${data.prizes.map((p) => html`<tr data-prize=${p.id}><td>${p.name}</td><td>${T.kinds[p.kind] ?? p.kind}</td><td>${(p.probability * 100).toFixed(4).replace(/\.?0+$/, '')}%</td>
        <td data-test=${`prize-won-${p.id}`}>${fmt(p.won)}</td><td>${fmt(p.wonToday)}</td><td data-test=${`prize-released-${p.id}`}>${p.releasedToday === null ? '—' : fmt(p.releasedToday)}</td><td>${fmt(p.stockLeft)}</td>
        <td data-test=${`prize-spent-${p.id}`}>${p.spent === null ? '—' : yuan(p.spent)}</td><td>${p.budget === null ? '—' : yuan(p.budget)}</td></tr>`)}</tbody></table></div>` : null}
    ${kind === 'winners' && data?.winners ? html`<div class="scroll"><table class="stack" data-test="winner-list">
      <thead><tr><th>${T.when} (${data.timezone})</th><th>${T.user}</th><th>${T.prize}</th><th>${T.amountYuan}</th><th>${T.voucher}</th><th>${T.state}</th></tr></thead>
      <tbody>${data.winners.map((w) => html`<tr data-prize=${w.prizeId}><td data-label=${T.when}>${inZone(w.at, data.timezone)}</td><td data-label=${T.user}>${w.user}</td><td data-label=${T.prize}>${w.prizeName}</td>
        <td data-label=${T.amountYuan}>${amount(w)}</td><td data-label=${T.voucher}><code>${w.voucher ?? '—'}</code></td>
        <td data-label=${T.state} data-test="win-state">${WIN_STATE[w.state] ?? w.state}${w.shop ? ` · ${w.shop} ${inZone(w.redeemedAt, data.timezone)}` : ''}</td></tr>`)}
        ${data.winners.length === 0 ? html`<tr><td colspan="6">${T.none}</td></tr>` : null}</tbody></table></div>` : null}
    ${kind === 'hours' && data?.hours ? html`<h2>${T.hourChart} (${data.timezone})</h2><p class="muted">${T.storeNote}</p>
      <${Chart} xs=${data.hours.map((h) => Date.parse(`${h.hour.replace(' ', 'T')}:00Z`) / 1000)} ys=${data.hours.map((h) => h.scans)} label=${T.scans} test="hour-chart" step=${3600} bars=${true} />
      <div class="scroll"><table data-test="hour-table"><thead><tr><th>${T.when}</th><th>${T.scans}</th><th>${T.firstScans}</th><th>${T.won}</th></tr></thead>
      <tbody>${data.hours.map((h) => html`<tr><td>${h.hour}</td><td>${fmt(h.scans)}</td><td>${fmt(h.firstScans)}</td><td>${fmt(h.won)}</td></tr>`)}</tbody></table></div>` : null}
    ${kind === 'places' && data?.places ? html`<p class="muted">${T.storeNote} · ${T.placeSource}: ${data.source}</p><div class="scroll"><table data-test="place-report">
      <thead><tr><th>${T.province}</th><th>${T.city}</th><th>${T.scans}</th><th>${T.firstScans}</th><th>${T.won}</th></tr></thead>
      <tbody>${data.places.map((p) => html`<tr><td>${p.provinceZh}${p.province !== p.provinceZh ? ` ${p.province}` : ''}</td><td>${p.city || '—'}</td><td>${fmt(p.scans)}</td><td>${fmt(p.firstScans)}</td><td>${fmt(p.won)}</td></tr>`)}
        ${data.places.length === 0 ? html`<tr><td colspan="5">${T.none}</td></tr>` : null}</tbody></table></div>` : null}
    ${kind === 'store' && data?.totals ? html`<${StoreReport} data=${data} />` : null}
    ${kind === 'changes' && data?.changes ? html`<div class="scroll"><table class="stack" data-test="change-log">
      <thead><tr><th>${T.when} (${zone})</th><th>${T.who}</th><th>${T.campaign}</th><th>${T.what}</th></tr></thead>
      <tbody>${data.changes.map((c) => html`<tr><td data-label=${T.when}>${inZone(c.at, zone)}</td><td data-label=${T.who} data-test="change-who">${c.whoName}</td><td data-label=${T.campaign}>${c.campaignId}</td><td data-label=${T.what}>${describeChange(c.change, zone)}</td></tr>`)}
        ${data.changes.length === 0 ? html`<tr><td colspan="4">${T.none}</td></tr>` : null}</tbody></table></div>` : null}
  </section>`;
}
