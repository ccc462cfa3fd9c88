// Operations: the engineering side (DCRM delivery backlog and lag, forged attempts answered by this
// engine, dead letters to replay), away from the brand's pages.
import { api } from './api.js';
import { T } from './text.js';
import { Card } from './overview.js';
import { DeadLetters } from './dead-letters.js';
import { ErrorLine, fmt, html, usePolling } from './ui.js';

export function Operations() {
  const [o, error] = usePolling(() => api('GET', '/v1/overview'), 3000);
  return html`<section>
    <h1>${T.operations}</h1>
    <p class="muted">${T.opsNote}</p>
    <${ErrorLine} error=${error} />
    ${o ? html`<div class="cards">
      <${Card} label=${T.forged} value=${fmt(o.forged)} test="forged" />
      <${Card} label=${T.dcrmBacklog} value=${fmt(o.dcrm.backlog)} test="dcrm-backlog" />
      <${Card} label=${T.dcrmLag} value=${`${fmt(Math.round(o.dcrm.lagSeconds))} s`} test="dcrm-lag" />
      <${Card} label=${T.deadLetters} value=${fmt(o.dcrm.deadLetters.dead ?? 0)} test="dead-letters" />
    </div>` : null}
    <${DeadLetters} />
  </section>`;
}
