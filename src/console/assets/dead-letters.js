// Dead letters of DCRM delivery: the list, and replay of one or all.
import { api } from './api.js';
import { T, STATE_TEXT } from './text.js';
import { ErrorLine, html, usePolling } from './ui.js';
import { useAction } from './use-action.js';

export function DeadLetters() {
  const [page, error, reload] = usePolling(() => api('GET', '/v1/dcrm/dead-letters?state=all&limit=200'), 5000);
  const { done, error: actionError, run } = useAction();
  const replay = (ids) => run(async () => {
    const r = await api('POST', '/v1/dcrm/replay', ids ? { ids } : {});
    await reload();
    return T.replayed(r.queued);
  });
  const rows = page?.deadLetters ?? [];
  return html`<div>
    <h2>${T.deadLetters}</h2>
    ${done ? html`<p class="done" role="status" data-test="replay-done">${done}</p>` : null}
    <${ErrorLine} error=${error ?? actionError} />
    <p>${Object.entries(page?.counts ?? {}).map(([k, n]) => html`<span class="badge">${STATE_TEXT[k] ?? k}: ${n}</span> `)}</p>
    <button onClick=${() => replay(null)} disabled=${!rows.some((d) => d.state === 'dead')} data-test="replay-all">${T.replayAll}</button>
    <div class="scroll"><table class="stack" data-test="dead-letter-list">
      <thead><tr><th>${T.event}</th><th>${T.state}</th><th>${T.error}</th><th>${T.attempts}</th><th></th></tr></thead>
      <tbody>${rows.map((d) => html`<tr data-dead-letter=${d.id}>
        <td><code>${d.id}</code><div class="muted">${d.event?.type ?? ''} ${d.event?.user ?? ''}</div></td><td data-label=${T.state} data-test="dead-letter-state">${STATE_TEXT[d.state] ?? d.state}</td>
        <td data-label=${T.error}>${d.status ?? ''} ${d.error}</td><td data-label=${T.attempts}>${d.attempts}</td>
        <td>${d.state === 'dead' ? html`<button onClick=${() => replay([d.id])} data-test="replay">${T.replay}</button>` : null}</td></tr>`)}
        ${rows.length === 0 ? html`<tr><td colspan="5">${T.none}</td></tr>` : null}</tbody>
    </table></div>
  </div>`;
}
