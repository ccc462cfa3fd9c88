// Overview: the deployment's figures, refreshed every 3 s without reloading the page.
import { api } from './api.js';
import { Chart } from './chart.js';
import { T, STATE_TEXT } from './text.js';
import { ErrorLine, fmt, html, usePolling, yuan } from './ui.js';

const Card = ({ label, value, test }) => html`<div class="card"><div class="label">${label}</div><div class="value" data-test=${test}>${value}</div></div>`;

export function Overview() {
  const [o, error] = usePolling(() => api('GET', '/v1/overview'), 3000);
  if (!o) return html`<section><h1>${T.overview}</h1><${ErrorLine} error=${error} /><p>${T.loading}</p></section>`;
  const xs = o.scansPerMinute.map((m) => Date.parse(m.at) / 1000);
  const ys = o.scansPerMinute.map((m) => m.scans);
  const dead = o.dcrm.deadLetters.dead ?? 0;
  return html`<section>
    <h1>${T.overview}</h1>
    <${ErrorLine} error=${error} />
    <h2>${T.todayUtc}</h2>
    <div class="cards">
      <${Card} label=${T.scans} value=${fmt(o.todayUtc.scans)} test="today-scans" />
      <${Card} label=${T.firstScans} value=${fmt(o.todayUtc.firstScans)} test="today-first" />
      <${Card} label=${T.won} value=${fmt(o.todayUtc.won)} test="today-won" />
      <${Card} label=${T.spend} value=${yuan(o.todayUtc.spend)} test="today-spend" />
      <${Card} label=${T.diverted} value=${fmt(o.todayUtc.diverted)} test="today-diverted" />
      <${Card} label=${T.forged} value=${fmt(o.forged)} test="forged" />
      <${Card} label=${T.dcrmBacklog} value=${fmt(o.dcrm.backlog)} test="dcrm-backlog" />
      <${Card} label=${T.dcrmLag} value=${`${fmt(Math.round(o.dcrm.lagSeconds))} s`} test="dcrm-lag" />
      <${Card} label=${T.deadLetters} value=${fmt(dead)} test="dead-letters" />
    </div>
    <h2>${T.scansPerMinute}</h2>
    <${Chart} xs=${xs} ys=${ys} label=${T.scans} test="minute-chart" />
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
