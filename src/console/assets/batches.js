// Batches: the list page by page, create, activate/void after a confirmation, export with progress.
import { api, download } from './api.js';
import { T, STATE_TEXT } from './text.js';
import { ErrorLine, fmt, html, useEffect, useState } from './ui.js';
import { inZone, operatorZone } from './zoned-time.js';
import { useAction } from './use-action.js';

export function Batches() {
  const [batches, setBatches] = useState([]);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(null);
  const [progress, setProgress] = useState({});
  const action = useAction();
  const load = async (after = 0, append = false) => {
    try {
      const page = await api('GET', `/v1/batches?after=${after}&limit=100`);
      setBatches((old) => (append ? [...old, ...page.batches] : page.batches));
      setNext(page.next);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => { load(); }, []);
  const act = async (b, verb) => {
    if (!window.confirm(verb === 'void' ? T.confirmVoid : T.confirmActivate)) return;
    setError(null);
    await action.run(async () => {
      const updated = await api('POST', `/v1/batches/${b.batchId}/${verb}`);
      setBatches((old) => old.map((x) => (x.batchId === b.batchId ? { ...x, status: updated.status } : x)));
      return verb === 'void' ? T.batchVoided(b.batchId, b.sku) : T.batchActivated(b.batchId, b.sku);
    });
  };
  const exportCodes = async (b) => {
    // rows are about the same length: the share of bytes received is the share of codes
    try {
      await download(`/v1/batches/${b.batchId}/codes?format=csv`, `batch-${b.batchId}.csv`, (received) => {
        setProgress((p) => ({ ...p, [b.batchId]: Math.min(99, Math.floor((received / (b.size * 70)) * 100)) }));
      });
      setProgress((p) => ({ ...p, [b.batchId]: 100 }));
    } catch (err) {
      setError(err);
    }
  };
  return html`<section>
    <h1>${T.batches}</h1>
    ${action.done ? html`<p class="done" role="status" data-test="batch-action-done">${action.done}</p>` : null}
    <${ErrorLine} error=${error ?? action.error} />
    <div class="scroll"><table class="stack" data-test="batch-list">
      <thead><tr><th>${T.id}</th><th>${T.sku}</th><th>${T.size}</th><th>${T.kind}</th><th>${T.status}</th><th>${T.created} (${operatorZone.get()})</th><th></th></tr></thead>
      <tbody>${batches.map((b) => html`<tr data-batch=${b.batchId}>
        <td data-label=${T.id}>${b.batchId}</td><td data-label=${T.sku}>${b.sku}</td><td data-label=${T.size}>${fmt(b.size)}</td><td data-label=${T.kind}>${b.kind === 'box' ? `${T.kindBox}${b.contains ? ` ⊃ #${b.contains.batchId} × ${b.contains.perBox}` : ''}` : T.kindItem}</td>
        <td data-label=${T.status} data-test="batch-status">${STATE_TEXT[b.status] ?? b.status}</td><td data-label=${T.created}>${inZone(b.createdAt, operatorZone.get())}</td>
        <td class="row-actions">
          ${b.status === 'pending' ? html`<button onClick=${() => act(b, 'activate')} data-test="activate">${T.activate}</button>` : null}
          ${b.status !== 'void' ? html`<button class="danger" onClick=${() => act(b, 'void')} data-test="void">${T.void}</button>` : null}
          <button onClick=${() => exportCodes(b)} data-test="export">${T.export}</button>
          ${progress[b.batchId] !== undefined ? html`<progress max="100" value=${progress[b.batchId]} data-test="export-progress"></progress>` : null}
        </td></tr>`)}</tbody>
    </table></div>
    ${next !== null ? html`<button onClick=${() => load(next, true)}>${T.more}</button>` : null}
    <${BatchForm} onCreated=${() => load()} items=${batches.filter((b) => b.kind === 'item')} />
  </section>`;
}

/** a box batch names the item batch inside and how many units a box holds (box serial s holds items s*perBox …) */
function BatchForm({ onCreated, items }) {
  const [v, setV] = useState({ sku: '', size: '1000', kind: 'item', status: 'active', itemBatch: '', perBox: '24' });
  const { done, error, run } = useAction();
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const submit = (e) => {
    e.preventDefault();
    return run(async () => {
      const body = { sku: v.sku, size: Number(v.size), kind: v.kind, status: v.status };
      if (v.kind === 'box' && v.itemBatch !== '') body.contains = { batchId: Number(v.itemBatch), perBox: Number(v.perBox) };
      const b = await api('POST', '/v1/batches', body);
      onCreated();
      return `${T.batchCreated} #${b.batchId} (${b.sku}, ${b.size})`;
    });
  };
  return html`<form class="panel" onSubmit=${submit} data-test="batch-form" novalidate>
    <h2>${T.newBatch}</h2>
    ${done ? html`<p class="done" role="status" data-test="batch-done">${done}</p>` : null}
    <${ErrorLine} error=${error} />
    <div class="grid">
      <label class="field"><span>${T.sku}</span><input name="sku" value=${v.sku} onInput=${set('sku')} /></label>
      <label class="field"><span>${T.size}</span><input name="size" inputmode="numeric" value=${v.size} onInput=${set('size')} /></label>
      <label class="field"><span>${T.kind}</span><select name="kind" onChange=${set('kind')}><option value="item">${T.kindItem}</option><option value="box">${T.kindBox}</option></select></label>
      <label class="field"><span>${T.status}</span><select name="status" onChange=${set('status')}><option value="active">${T.statusActive}</option><option value="pending">${T.statusPending}</option></select></label>
      ${v.kind === 'box' ? html`
      <label class="field"><span>${T.itemBatch}</span><select name="itemBatch" value=${v.itemBatch} onChange=${set('itemBatch')}>
        <option value="">—</option>${items.map((b) => html`<option value=${b.batchId}>#${b.batchId} ${b.sku} (${b.size})</option>`)}</select></label>
      <label class="field"><span>${T.perBox}</span><input name="perBox" inputmode="numeric" value=${v.perBox} onInput=${set('perBox')} /></label>` : null}
    </div>
    <button type="submit" data-test="create-batch">${T.create}</button>
  </form>`;
}
