// The store as a place in the reports (门店活动): check-ins, draw chances granted and spent, sealed tickets
// issued and revealed in shops, sets completed beside the set prize's stock, per day (the campaign's
// zone) and per shop and day (shop names as text), and the audit's rows for them: chances granted =
// spent + left per user, tickets revealed <= issued, one check-in per user, shop and day, set prizes
// within their stock.
import { api } from './api.js';
import { Chart } from './chart.js';
import { Card } from './overview.js';
import { T } from './text.js';
import { fmt, html } from './ui.js';

const AUDIT_CHECKS = { chances: T.auditChances, tickets: T.auditTickets, checkins: T.auditCheckins, stock: T.auditSetStock };

/** the report, the shops (for their names) and the audit's store rows of one campaign */
export async function loadStoreReport(campaign, params) {
  const [report, shops, audit] = await Promise.all([
    api('GET', `/v1/reports/store?${params}`),
    api('GET', '/v1/shops'),
    api('GET', `/v1/audit?campaign=${encodeURIComponent(campaign)}`),
  ]);
  // the set prizes' stock rows are the store's; the other stock rows are the prizes report's
  const setPrizes = report.sets.map((s) => `${campaign}/${s.prize.id}:`);
  const rows = audit.rows.filter((r) => ['chances', 'tickets', 'checkins'].includes(r.check) || (r.check === 'stock' && setPrizes.some((p) => r.subject.startsWith(p))));
  return { ...report, shopNames: Object.fromEntries(shops.shops.map((s) => [s.id, s.name])), audit: rows };
}

export function StoreReport({ data }) {
  const t = data.totals;
  const day = (d) => Date.parse(`${d}T00:00:00Z`) / 1000;
  return html`<div data-test="store-report">
    <p class="muted" data-test="store-range">${T.storeNote} · ${data.from} → ${data.to} (${data.timezone}) · ${data.reveal === 'in_shop' ? T.revealInShop : T.revealInstant}</p>
    <div class="cards">
      <${Card} label=${T.checkins} value=${fmt(t.checkins)} test="store-checkins" />
      <${Card} label=${T.chancesGranted} value=${fmt(t.chancesGranted)} test="store-granted" />
      <${Card} label=${T.chancesSpent} value=${fmt(t.chancesSpent)} test="store-spent" />
      <${Card} label=${T.chancesLeft} value=${fmt(t.chancesGranted - t.chancesSpent)} test="store-left" />
      <${Card} label=${T.ticketsIssued} value=${fmt(t.ticketsIssued)} test="store-issued" />
      <${Card} label=${T.ticketsRevealed} value=${fmt(t.ticketsRevealed)} test="store-revealed" />
      <${Card} label=${T.drawsWon} value=${fmt(t.drawsWon)} test="store-won" />
      <${Card} label=${T.setsCompleted} value=${fmt(t.setsCompleted)} test="store-sets" />
    </div>
    <p class="muted" data-test="store-granted-by">${T.grantedBy(fmt(t.byCheckins), fmt(t.byScans), fmt(t.byGrants))}</p>
    <h2>${T.checkinsPerDay} (${data.timezone})</h2>
    <${Chart} xs=${data.days.map((d) => day(d.day))} ys=${data.days.map((d) => d.checkins)} label=${T.checkins} test="checkin-chart" step=${86400} bars=${true} />
    <div class="scroll"><table data-test="store-days">
      <thead><tr><th>${T.day}</th><th>${T.checkins}</th><th>${T.chancesGranted}</th><th>${T.chancesSpent}</th><th>${T.ticketsIssued}</th><th>${T.ticketsRevealed}</th><th>${T.drawsWon}</th><th>${T.setsCompleted}</th></tr></thead>
      <tbody>${data.days.map((d) => html`<tr><td>${d.day}</td><td>${fmt(d.checkins)}</td><td>${fmt(d.chancesGranted)}</td><td>${fmt(d.chancesSpent)}</td><td>${fmt(d.ticketsIssued)}</td><td>${fmt(d.ticketsRevealed)}</td><td>${fmt(d.drawsWon)}</td><td>${fmt(d.setsCompleted)}</td></tr>`)}
        ${data.days.length === 0 ? html`<tr><td colspan="8">${T.none}</td></tr>` : null}</tbody></table></div>
    <h2>${T.perShopDay}</h2>
    <div class="scroll"><table class="stack" data-test="store-shops">
      <thead><tr><th>${T.day}</th><th>${T.shop}</th><th>${T.checkins}</th><th>${T.ticketsRevealed}</th><th>${T.drawsWon}</th></tr></thead>
      <tbody>${data.shops.map((s) => html`<tr data-shop=${s.shop} data-day=${s.day}><td data-label=${T.day}>${s.day}</td>
        <td data-label=${T.shop}><span data-test="store-shop-name">${data.shopNames[s.shop] ?? s.shop}</span> <code class="muted">${s.shop}</code></td>
        <td data-label=${T.checkins} data-test="shop-checkins">${fmt(s.checkins)}</td><td data-label=${T.ticketsRevealed} data-test="shop-revealed">${fmt(s.ticketsRevealed)}</td><td data-label=${T.drawsWon}>${fmt(s.drawsWon)}</td></tr>`)}
        ${data.shops.length === 0 ? html`<tr><td colspan="5">${T.none}</td></tr>` : null}</tbody></table></div>
    ${data.sets.length > 0 ? html`<h2>${T.sets}</h2><div class="scroll"><table data-test="set-table">
      <thead><tr><th>${T.set}</th><th>${T.cards}</th><th>${T.setPrize}</th><th>${T.setsCompleted}</th><th>${T.setPrizesWon}</th><th>${T.stock}</th><th>${T.stockLeft}</th></tr></thead>
      <tbody>${data.sets.map((s) => html`<tr data-set=${s.id}><td>${s.id}</td><td>${s.cards.join(', ')}</td><td>${s.prize.name}</td><td data-test="set-completed">${fmt(s.completed)}</td>
        <td data-test="set-won">${fmt(s.prizesWon)}</td><td>${s.stock === null ? '∞' : fmt(s.stock)}</td><td>${fmt(s.stockLeft)}</td></tr>`)}</tbody></table></div>` : null}
    <h2>${T.auditTitle}</h2>
    <div class="scroll"><table class="stack" data-test="store-audit">
      <thead><tr><th>${T.auditCheck}</th><th>${T.auditSubject}</th><th>${T.expected}</th><th>${T.actual}</th><th>${T.state}</th></tr></thead>
      <tbody>${data.audit.map((r) => html`<tr data-check=${r.check} class=${r.ok ? '' : 'bad'}><td data-label=${T.auditCheck}>${AUDIT_CHECKS[r.check] ?? r.check}</td><td data-label=${T.auditSubject} class="muted">${r.subject}</td>
        <td data-label=${T.expected}>${r.expected}</td><td data-label=${T.actual}>${r.actual}</td><td data-label=${T.state} data-test="audit-ok">${r.ok ? T.auditOk : T.auditBad}</td></tr>`)}</tbody></table></div>
  </div>`;
}
