// Campaigns: the list with states, the create form (errors shown at the field the API names), and the
// detail page with live stock/budget, leaderboards and the operator's actions.
import { api } from './api.js';
import { T, STATE_TEXT } from './text.js';
import { ErrorLine, fmt, go, html, usePolling, useState, yuan } from './ui.js';

export function CampaignList() {
  const [list, error, reload] = usePolling(() => api('GET', '/v1/campaigns'), 5000);
  return html`<section>
    <h1>${T.campaigns}</h1>
    <${ErrorLine} error=${error} />
    <div class="scroll"><table class="stack" data-test="campaign-list">
      <thead><tr><th>${T.id}</th><th>${T.name}</th><th>${T.state}</th><th>${T.startsAt}</th><th>${T.endsAt}</th></tr></thead>
      <tbody>${(list?.campaigns ?? []).map((c) => html`<tr>
        <td data-label=${T.id}><a href=${`#/campaigns/${encodeURIComponent(c.id)}`} data-test="campaign-link">${c.id}</a></td><td data-label=${T.name}>${c.name}</td>
        <td data-label=${T.state}><span class=${`badge ${c.state}`}>${STATE_TEXT[c.state] ?? c.state}</span></td><td data-label=${T.startsAt}>${c.startsAt}</td><td data-label=${T.endsAt}>${c.endsAt}</td></tr>`)}</tbody>
    </table></div>
    <${CampaignForm} onCreated=${(c) => { reload(); go(`#/campaigns/${encodeURIComponent(c.id)}`); }} />
  </section>`;
}

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const EXAMPLE_PRIZES = JSON.stringify([{ id: 'red', name: '红包 Red packet', kind: 'cash', probability: 0.2, amount: 188, budget: 100000 }], null, 1);
const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
/** the form field an API error path belongs to */
const FIELD_OF_PATH = (path) => (path.startsWith('scope.skus') || path === 'scope' ? 'skus' : path.startsWith('scope.batchIds') ? 'batchIds' : path.split(/[.[]/)[0]);

function Field({ name, label, errors, children }) {
  const err = errors[name];
  return html`<label class=${err ? 'field invalid' : 'field'} data-field=${name}>
    <span>${label}</span>${children}${err ? html`<span class="field-error" role="alert" data-test=${`error-${name}`}>${err}</span>` : null}</label>`;
}

function CampaignForm({ onCreated }) {
  const now = Date.now();
  const [v, setV] = useState({ id: '', name: '', startsAt: iso(now), endsAt: iso(now + 30 * 86_400_000), timezone: 'Asia/Shanghai', skus: '', batchIds: '', prizes: EXAMPLE_PRIZES });
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    let prizes;
    try {
      prizes = JSON.parse(v.prizes);
    } catch {
      setErrors({ prizes: '不是有效的 JSON · not valid JSON' });
      return;
    }
    const body = { id: v.id, name: v.name || undefined, startsAt: v.startsAt, endsAt: v.endsAt, timezone: v.timezone, scope: { skus: list(v.skus), batchIds: list(v.batchIds).map(Number) }, prizes };
    try {
      onCreated(await api('POST', '/v1/campaigns', body));
    } catch (err) {
      if (err.field) setErrors({ [FIELD_OF_PATH(err.field)]: err.message });
      else setError(err);
    }
  };
  const input = (name, type = 'text') => html`<input name=${name} type=${type} value=${v[name]} onInput=${set(name)} />`;
  return html`<form class="panel" onSubmit=${submit} data-test="campaign-form" novalidate>
    <h2>${T.newCampaign}</h2>
    <${ErrorLine} error=${error} />
    <div class="grid">
      <${Field} name="id" label=${T.id} errors=${errors}>${input('id')}<//>
      <${Field} name="name" label=${T.name} errors=${errors}>${input('name')}<//>
      <${Field} name="startsAt" label=${T.startsAt} errors=${errors}>${input('startsAt')}<//>
      <${Field} name="endsAt" label=${T.endsAt} errors=${errors}>${input('endsAt')}<//>
      <${Field} name="timezone" label=${T.timezone} errors=${errors}>${input('timezone')}<//>
      <${Field} name="skus" label=${T.skus} errors=${errors}>${input('skus')}<//>
      <${Field} name="batchIds" label=${T.batchIds} errors=${errors}>${input('batchIds')}<//>
    </div>
    <${Field} name="prizes" label=${T.prizes} errors=${errors}><textarea name="prizes" rows="6" value=${v.prizes} onInput=${set('prizes')}></textarea><//>
    <button type="submit" data-test="create-campaign">${T.create}</button>
  </form>`;
}

function Board({ id, by, title }) {
  const [rows] = usePolling(() => api('GET', `/v1/campaigns/${encodeURIComponent(id)}/leaderboard?by=${by}&limit=10`), 5000, [id, by]);
  return html`<div class="panel"><h3>${title}</h3><table data-test=${`board-${by}`}>
    <thead><tr><th>${T.rank}</th><th>${T.id}</th><th>${T.scans}</th></tr></thead>
    <tbody>${(rows ?? []).map((r) => html`<tr><td>${r.rank}</td><td>${r.id}</td><td>${fmt(r.scans)}</td></tr>`)}</tbody></table></div>`;
}

export function CampaignDetail({ id }) {
  const [c, error, reload] = usePolling(() => api('GET', `/v1/campaigns/${encodeURIComponent(id)}`), 3000, [id]);
  const [actionError, setActionError] = useState(null);
  const [newEnd, setNewEnd] = useState('');
  const [top, setTop] = useState({ prize: '', addStock: '', addBudget: '' });
  if (!c) return html`<section><${ErrorLine} error=${error} /><p>${T.loading}</p></section>`;
  const patch = async (body) => {
    setActionError(null);
    try {
      await api('PATCH', `/v1/campaigns/${encodeURIComponent(id)}`, body);
      await reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const topUp = (e) => {
    e.preventDefault();
    const p = { id: top.prize || c.prizes[0]?.id };
    if (top.addStock) p.addStock = Number(top.addStock);
    if (top.addBudget) p.addBudget = Number(top.addBudget);
    patch({ prizes: [p] });
  };
  const final = c.state === 'ended';
  return html`<section>
    <h1 data-test="campaign-name">${c.name}</h1>
    <p><code>${c.id}</code> · <span class=${`badge ${c.state}`} data-test="campaign-state">${STATE_TEXT[c.state] ?? c.state}</span> · ${c.startsAt} → <span data-test="campaign-ends">${c.endsAt}</span> (${c.timezone})</p>
    <${ErrorLine} error=${error ?? actionError} />
    <div class="actions">
      ${c.state === 'paused'
        ? html`<button onClick=${() => patch({ state: 'live' })} data-test="resume" disabled=${final}>${T.resume}</button>`
        : html`<button onClick=${() => patch({ state: 'paused' })} data-test="pause" disabled=${final}>${T.pause}</button>`}
      <button class="danger" onClick=${() => window.confirm(T.confirmEnd) && patch({ state: 'ended' })} data-test="end" disabled=${final}>${T.end}</button>
    </div>
    <div class="scroll"><table data-test="prize-table">
      <thead><tr><th>${T.prize}</th><th>${T.kind}</th><th>${T.stockLeft}</th><th>${T.budgetLeft}</th><th>${T.won}</th><th>${T.wonToday}</th><th>${T.toppedUp}</th></tr></thead>
      <tbody>${c.prizes.map((p) => html`<tr data-prize=${p.id}>
        <td>${p.name}</td><td>${p.kind}</td><td data-test=${`stock-${p.id}`}>${fmt(p.stockLeft)}</td><td>${p.budgetLeft === null ? '—' : yuan(p.budgetLeft)}</td>
        <td>${fmt(p.won)}</td><td>${fmt(p.wonToday)}</td><td>${fmt(p.toppedUp.stock)} / ${yuan(p.toppedUp.budget)}</td></tr>`)}</tbody>
    </table></div>
    <div class="two">
      <form class="panel" onSubmit=${(e) => { e.preventDefault(); patch({ endsAt: newEnd }); }}>
        <h3>${T.extend}</h3>
        <label class="field"><span>${T.newEnd}</span><input name="endsAt" placeholder=${c.endsAt} value=${newEnd} onInput=${(e) => setNewEnd(e.currentTarget.value)} /></label>
        <button type="submit" disabled=${final} data-test="extend">${T.extend}</button>
      </form>
      <form class="panel" onSubmit=${topUp}>
        <h3>${T.topUp}</h3>
        <label class="field"><span>${T.prize}</span><select name="prize" onChange=${(e) => setTop({ ...top, prize: e.currentTarget.value })}>
          ${c.prizes.map((p) => html`<option value=${p.id}>${p.name}</option>`)}</select></label>
        <label class="field"><span>${T.addStock}</span><input name="addStock" inputmode="numeric" value=${top.addStock} onInput=${(e) => setTop({ ...top, addStock: e.currentTarget.value })} /></label>
        <label class="field"><span>${T.addBudget}</span><input name="addBudget" inputmode="numeric" value=${top.addBudget} onInput=${(e) => setTop({ ...top, addBudget: e.currentTarget.value })} /></label>
        <button type="submit" disabled=${final} data-test="top-up">${T.topUp}</button>
      </form>
    </div>
    <div class="two"><${Board} id=${id} by="shop" title=${T.leaderShop} /><${Board} id=${id} by="clerk" title=${T.leaderClerk} /></div>
  </section>`;
}
