// Overview: what a brand watches, refreshed every 3 s without reloading the page: today's figures in
// the operator's chosen time zone, scans per minute, each live campaign's day (in its own zone) and its
// prizes' spend against budget in yuan. Engineering figures live under Operations.
import { api } from './api.js';
import { Chart } from './chart.js';
import { T, STATE_TEXT } from './text.js';
import { ErrorLine, fmt, html, usePolling, useState, yuan } from './ui.js';
import { ZONES, operatorZone } from './zoned-time.js';

export const Card = ({ label, value, test }) => html`<div class="card"><div class="label">${label}</div><div class="value" data-test=${test}>${value}</div></div>`;

export function ZonePicker({ zone, onChange }) {
  return html`<label class="zone-picker"><span>${T.zoneOfPage}</span><select name="operator-zone" value=${zone} onChange=${(e) => { operatorZone.set(e.currentTarget.value); onChange(e.currentTarget.value); }}>
    ${ZONES.map((z) => html`<option value=${z}>${z}</option>`)}</select></label>`;
}

export function Overview() {
  const [zone, setZone] = useState(operatorZone.get());
  const [o, error] = usePolling(() => api('GET', `/v1/overview?timezone=${encodeURIComponent(zone)}`), 3000, [zone]);
  if (!o) return html`<section><h1>${T.overview}</h1><${ErrorLine} error=${error} /><p>${T.loading}</p></section>`;
  const xs = o.scansPerMinute.map((m) => Date.parse(m.at) / 1000);
  const ys = o.scansPerMinute.map((m) => m.scans);
  return html`<section>
    <h1>${T.overview}</h1>
    <${ErrorLine} error=${error} />
    <h2>${T.today} (${o.timezone}) <${ZonePicker} zone=${zone} onChange=${setZone} /></h2>
    <div class="cards">
      <${Card} label=${T.scans} value=${fmt(o.today.scans)} test="today-scans" />
      <${Card} label=${T.firstScans} value=${fmt(o.today.firstScans)} test="today-first" />
      <${Card} label=${T.won} value=${fmt(o.today.won)} test="today-won" />
      <${Card} label=${T.spend} value=${yuan(o.today.spend)} test="today-spend" />
      <${Card} label=${T.diverted} value=${fmt(o.today.diverted)} test="today-diverted" />
    </div>
    <h2>${T.scansPerMinute}</h2>
    <${Chart} xs=${xs} ys=${ys} label=${T.scans} test="minute-chart" zone=${zone} step=${60} />
    <h2>${T.campaignToday}</h2>
    <div class="scroll"><table data-test="campaign-today">
      <thead><tr><th>${T.campaign}</th><th>${T.state}</th><th>${T.timezone}</th><th>${T.scans}</th><th>${T.firstScans}</th><th>${T.won}</th><th>${T.spend}</th><th>${T.diverted}</th></tr></thead>
      <tbody>${o.campaigns.map((c) => html`<tr data-campaign=${c.id}>
        <td><a href=${`#/campaigns/${encodeURIComponent(c.id)}`}>${c.name}</a></td><td>${STATE_TEXT[c.state] ?? c.state}</td><td>${c.timezone}</td>
        <td data-test="campaign-today-scans">${fmt(c.today.scans)}</td><td>${fmt(c.today.firstScans)}</td><td>${fmt(c.today.won)}</td><td>${yuan(c.today.spend)}</td><td>${fmt(c.today.diverted)}</td></tr>`)}</tbody>
    </table></div>
    <h2>${T.budgetUse}</h2>
    <div class="scroll"><table data-test="budget-table">
      <thead><tr><th>${T.campaign}</th><th>${T.state}</th><th>${T.prize}</th><th>${T.won}</th><th>${T.wonToday}</th><th>${T.stockLeft}</th><th>${T.spent}</th><th>${T.budget}</th></tr></thead>
      <tbody>${o.campaigns.flatMap((c) => c.prizes.map((p) => html`<tr>
        <td><a href=${`#/campaigns/${encodeURIComponent(c.id)}`}>${c.name}</a></td><td>${STATE_TEXT[c.state] ?? c.state}</td><td>${p.name}</td>
        <td>${fmt(p.won)}</td><td>${fmt(p.wonToday)}</td><td>${fmt(p.stockLeft)}</td><td>${p.spent === null ? '—' : yuan(p.spent)}</td>
        <td>${p.budget === null ? '—' : html`${yuan(p.budget)} <meter min="0" max=${p.budget} value=${p.spent}></meter>`}</td></tr>`))}</tbody>
    </table></div>
  </section>`;
}
