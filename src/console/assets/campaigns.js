// Campaigns: the list with states and times in each campaign's zone, the campaign form, and the
// detail page with live stock and budget (yuan), leaderboards and the operator's actions, each of which
// says what it did. A draft is published from here.
import { api } from './api.js';
import { said } from './api-errors.js';
import { T, STATE_TEXT } from './text.js';
import { CampaignForm } from './campaign-form.js';
import { ErrorLine, fmt, go, html, usePolling, useState, yuan } from './ui.js';
import { inZone, isoToZoned, zonedToIso } from './zoned-time.js';

export function CampaignList() {
  const [list, error, reload] = usePolling(() => api('GET', '/v1/campaigns'), 5000);
  return html`<section>
    <h1>${T.campaigns}</h1>
    <${ErrorLine} error=${error} />
    <div class="scroll"><table class="stack" data-test="campaign-list">
      <thead><tr><th>${T.id}</th><th>${T.name}</th><th>${T.state}</th><th>${T.startsAt}</th><th>${T.endsAt}</th><th>${T.timezone}</th></tr></thead>
      <tbody>${(list?.campaigns ?? []).map((c) => html`<tr>
        <td data-label=${T.id}><a href=${`#/campaigns/${encodeURIComponent(c.id)}`} data-test="campaign-link">${c.id}</a></td><td data-label=${T.name}>${c.name}</td>
        <td data-label=${T.state}><span class=${`badge ${c.state}`}>${STATE_TEXT[c.state] ?? c.state}</span></td>
        <td data-label=${T.startsAt}>${inZone(c.startsAt, c.timezone)}</td><td data-label=${T.endsAt}>${inZone(c.endsAt, c.timezone)}</td><td data-label=${T.timezone}>${c.timezone}</td></tr>`)}</tbody>
    </table></div>
    <${CampaignForm} onSaved=${(c, state) => { reload(); sessionStorage.setItem('scanlot.flash', state === 'draft' ? T.draftSaved : T.createdLive); go(`#/campaigns/${encodeURIComponent(c.id)}`); }} />
  </section>`;
}

function Board({ id, by, title }) {
  const [rows] = usePolling(() => api('GET', `/v1/campaigns/${encodeURIComponent(id)}/leaderboard?by=${by}&limit=10`), 5000, [id, by]);
  return html`<div class="panel"><h3>${title}</h3><table data-test=${`board-${by}`}>
    <thead><tr><th>${T.rank}</th><th>${T.id}</th><th>${T.scans}</th></tr></thead>
    <tbody>${(rows ?? []).map((r) => html`<tr><td>${r.rank}</td><td>${r.id}</td><td>${fmt(r.scans)}</td></tr>`)}</tbody></table></div>`;
}

const EMPTY_TOP = { prize: '', addStock: '', addBudget: '' };

/** the campaign's store rules in a line (check-ins, 满N次, revealed in the shop, sets); none: nothing */
function StoreRules({ c }) {
  const parts = [];
  if (c.checkin) parts.push(T.ruleCheckin(c.checkin.position === 'required', c.checkin.points, c.checkin.chances));
  if (c.chances?.perScans) parts.push(T.rulePerScans(c.chances.perScans));
  if (c.reveal === 'in_shop') parts.push(T.revealInShop);
  for (const set of c.sets ?? []) parts.push(T.ruleSet(set.id, set.cards.join(', '), set.prize.name));
  return parts.length === 0 ? null : html`<p class="muted" data-test="store-rules">${T.storeRules}: ${parts.join(' · ')}</p>`;
}

export function CampaignDetail({ id }) {
  const [c, error, reload] = usePolling(() => api('GET', `/v1/campaigns/${encodeURIComponent(id)}`), 3000, [id]);
  const [actionError, setActionError] = useState(null);
  const [done, setDone] = useState(() => {
    const f = sessionStorage.getItem('scanlot.flash');
    sessionStorage.removeItem('scanlot.flash');
    return f;
  });
  const [newEnd, setNewEnd] = useState('');
  const [top, setTop] = useState(EMPTY_TOP);
  const [editing, setEditing] = useState(false);
  if (!c) return html`<section><${ErrorLine} error=${error} /><p>${T.loading}</p></section>`;
  const patch = async (body, message) => {
    setActionError(null);
    setDone(null);
    try {
      await api('PATCH', `/v1/campaigns/${encodeURIComponent(id)}`, body);
      await reload();
      setDone(message);
      return true;
    } catch (err) {
      // a 409 (ended, overlapping a live campaign) or a 400 in the console's words, not the API's
      setActionError(said(err));
      return false;
    }
  };
  const topUp = async (e) => {
    e.preventDefault();
    const prize = c.prizes.find((p) => p.id === (top.prize || c.prizes[0]?.id));
    if (!prize) return;
    const p = { id: prize.id };
    if (top.addStock) p.addStock = Number(top.addStock);
    // the form takes yuan; the API counts fen
    if (top.addBudget) p.addBudget = Math.round(Number(top.addBudget) * 100);
    if (await patch({ prizes: [p] }, T.toppedUpMsg(prize.name, top.addStock, top.addBudget ? yuan(p.addBudget) : ''))) setTop(EMPTY_TOP);
  };
  const extend = async (e) => {
    e.preventDefault();
    const iso = zonedToIso(newEnd, c.timezone);
    if (iso && (await patch({ endsAt: iso }, T.extended(inZone(iso, c.timezone))))) setNewEnd('');
  };
  const final = c.state === 'ended';
  const draft = c.state === 'draft';
  return html`<section>
    <h1 data-test="campaign-name">${c.name}</h1>
    <p><code>${c.id}</code> · <span class=${`badge ${c.state}`} data-test="campaign-state">${STATE_TEXT[c.state] ?? c.state}</span> · ${inZone(c.startsAt, c.timezone)} → <span data-test="campaign-ends">${inZone(c.endsAt, c.timezone)}</span> (${c.timezone})</p>
    <${StoreRules} c=${c} />
    ${done ? html`<p class="done" role="status" data-test="done">${done}</p>` : null}
    <${ErrorLine} error=${error ?? actionError} />
    <div class="actions">
      ${draft ? html`<button class="primary" onClick=${() => window.confirm(T.confirmPublish) && patch({ state: 'live' }, T.published)} data-test="publish">${T.publish}</button>
        <button onClick=${() => setEditing(!editing)} data-test="edit-draft">${T.editDraft}</button>` : null}
      ${!draft && c.state === 'paused' ? html`<button onClick=${() => patch({ state: 'live' }, T.resumed)} data-test="resume" disabled=${final}>${T.resume}</button>` : null}
      ${!draft && c.state !== 'paused' ? html`<button onClick=${() => patch({ state: 'paused' }, T.paused)} data-test="pause" disabled=${final}>${T.pause}</button>` : null}
      ${!draft ? html`<button class="danger" onClick=${() => window.confirm(T.confirmEnd) && patch({ state: 'ended' }, T.ended)} data-test="end" disabled=${final}>${T.end}</button>` : null}
    </div>
    <div class="scroll"><table data-test="prize-table">
      <thead><tr><th>${T.prize}</th><th>${T.kind}</th><th>${T.probabilityPct}</th><th>${T.stockLeft}</th><th>${T.budgetLeft}</th><th>${T.won}</th><th>${T.wonToday}</th><th>${T.toppedUp}</th></tr></thead>
      <tbody>${c.prizes.map((p) => html`<tr data-prize=${p.id}>
        <td>${p.name}</td><td>${T.kinds[p.kind] ?? p.kind}</td><td>${(p.probability * 100).toFixed(4).replace(/\.?0+$/, '')}%</td><td data-test=${`stock-${p.id}`}>${fmt(p.stockLeft)}</td>
        <td data-test=${`budget-${p.id}`}>${p.budgetLeft === null ? '—' : yuan(p.budgetLeft)}</td>
        <td>${fmt(p.won)}</td><td>${fmt(p.wonToday)}</td><td>${fmt(p.toppedUp.stock)} / ${yuan(p.toppedUp.budget)}</td></tr>`)}</tbody>
    </table></div>
    ${draft && editing ? html`<${CampaignForm} draft=${c} onSaved=${async () => { setEditing(false); await reload(); setDone(T.draftSaved); }} />` : null}
    ${draft ? null : html`<div class="two">
      <form class="panel" onSubmit=${extend}>
        <h3>${T.extend}</h3>
        <label class="field"><span>${T.newEnd} (${c.timezone})</span><input name="endsAt" type="datetime-local" min=${isoToZoned(c.endsAt, c.timezone)} value=${newEnd} onInput=${(e) => setNewEnd(e.currentTarget.value)} /></label>
        <button type="submit" disabled=${final} data-test="extend">${T.extend}</button>
      </form>
      <form class="panel" onSubmit=${topUp}>
        <h3>${T.topUp}</h3>
        <label class="field"><span>${T.prize}</span><select name="prize" value=${top.prize} onChange=${(e) => setTop({ ...top, prize: e.currentTarget.value })}>
          ${c.prizes.map((p) => html`<option value=${p.id}>${p.name}</option>`)}</select></label>
        <label class="field"><span>${T.addStock}</span><input name="addStock" inputmode="numeric" value=${top.addStock} onInput=${(e) => setTop({ ...top, addStock: e.currentTarget.value })} /></label>
        <label class="field"><span>${T.addBudget}</span><input name="addBudget" inputmode="decimal" value=${top.addBudget} onInput=${(e) => setTop({ ...top, addBudget: e.currentTarget.value })} /></label>
        <button type="submit" disabled=${final} data-test="top-up">${T.topUp}</button>
      </form>
    </div>
    <div class="two"><${Board} id=${id} by="shop" title=${T.leaderShop} /><${Board} id=${id} by="clerk" title=${T.leaderClerk} /></div>`}
  </section>`;
}
