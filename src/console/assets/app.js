// The console's shell: sign-in, navigation by URL hash (the credential never enters a URL), pages.
import { api, credential } from './api.js';
import { T } from './text.js';
import { html, render, useEffect, useState } from './ui.js';
import { Overview } from './overview.js';
import { CampaignDetail, CampaignList } from './campaigns.js';
import { Batches } from './batches.js';
import { Reports } from './reports.js';
import { Operations } from './operations.js';
import { Shops } from './shops.js';

const PAGES = [
  ['#/overview', T.overview],
  ['#/campaigns', T.campaigns],
  ['#/batches', T.batches],
  ['#/shops', T.shops],
  ['#/reports', T.reports],
  ['#/operations', T.operations],
];

function SignIn({ onSignedIn }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    credential.set(value.trim());
    try {
      await api('GET', '/v1/campaigns');
      onSignedIn();
    } catch (err) {
      credential.clear();
      setError(err.status === 403 ? T.forbidden : err.status === 401 ? T.badCredential : err.message);
    }
  };
  return html`<main class="signin"><form class="panel" onSubmit=${submit} data-test="signin-form">
    <h1>${T.title}</h1>
    <label class="field"><span>${T.credential}</span><input name="credential" type="password" autocomplete="current-password" value=${value} onInput=${(e) => setValue(e.currentTarget.value)} /></label>
    ${error ? html`<p class="error" role="alert" data-test="signin-error">${error}</p>` : null}
    <button type="submit" data-test="signin">${T.signIn}</button>
  </form></main>`;
}

function page(hash) {
  const m = /^#\/campaigns\/(.+)$/.exec(hash);
  if (m) return html`<${CampaignDetail} id=${decodeURIComponent(m[1])} />`;
  switch (hash) {
    case '#/campaigns': return html`<${CampaignList} />`;
    case '#/batches': return html`<${Batches} />`;
    case '#/shops': return html`<${Shops} />`;
    case '#/reports': return html`<${Reports} />`;
    case '#/operations':
    case '#/dead-letters': return html`<${Operations} />`;
    default: return html`<${Overview} />`;
  }
}

function App() {
  const [signedIn, setSignedIn] = useState(credential.get() !== null);
  const [hash, setHash] = useState(location.hash || '#/overview');
  useEffect(() => {
    const onHash = () => setHash(location.hash || '#/overview');
    const onUnauthorized = () => { credential.clear(); setSignedIn(false); };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('scanlot:unauthorized', onUnauthorized);
    return () => { window.removeEventListener('hashchange', onHash); window.removeEventListener('scanlot:unauthorized', onUnauthorized); };
  }, []);
  if (!signedIn) return html`<${SignIn} onSignedIn=${() => setSignedIn(true)} />`;
  const section = hash.startsWith('#/campaigns/') ? '#/campaigns' : hash === '#/dead-letters' ? '#/operations' : hash;
  return html`<div class="layout">
    <header><span class="brand">scanlot</span>
      <nav>${PAGES.map(([href, label]) => html`<a href=${href} class=${section === href ? 'active' : ''} data-test=${`nav-${href.slice(2)}`}>${label}</a>`)}</nav>
      <button class="link" onClick=${() => { credential.clear(); setSignedIn(false); }} data-test="signout">${T.signOut}</button>
    </header>
    <main>${page(hash)}</main>
  </div>`;
}

const root = document.getElementById('app');
// the boot text is not preact's: render would keep it next to the app
root.textContent = '';
render(html`<${App} />`, root);
