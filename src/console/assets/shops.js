// Shops (门店): the list with each shop's scene code (门店场景码) as a QR code to print, its SVG and PNG
// to download and the check-in URL it carries, and the form that registers a shop. The QR image is
// served behind the credential, which an <img> cannot send: it is fetched and shown from a blob: URL.
import { blob, api, download } from './api.js';
import { fieldError, conflictError } from './api-errors.js';
import { T } from './text.js';
import { ErrorLine, html, useEffect, usePolling, useState } from './ui.js';
import { inZone, operatorZone } from './zoned-time.js';
import { useAction } from './use-action.js';

const ID_RE = /^[A-Za-z0-9_.:@-]{1,64}$/;
const EMPTY = { id: '', name: '', lat: '', lng: '', radiusM: '', region: '' };
const sceneCodePath = (shop, format) => `/v1/shops/${encodeURIComponent(shop.id)}/scene-code?format=${format}`;

function SceneQr({ shop }) {
  const [src, setSrc] = useState(null);
  useEffect(() => {
    let url = null;
    let shown = true;
    blob(sceneCodePath(shop, 'svg')).then((b) => {
      url = URL.createObjectURL(b);
      if (shown) setSrc(url);
    }, () => setSrc(null));
    return () => { shown = false; if (url) URL.revokeObjectURL(url); };
  }, [shop.id]);
  return src ? html`<img class="qr" src=${src} alt=${`${T.sceneCode}: ${shop.name}`} data-test="scene-qr" />` : html`<span class="qr"></span>`;
}

/** the console's own checks, keyed like the API's fields */
function check(v) {
  const e = {};
  if (!ID_RE.test(v.id)) e.id = T.errShopId;
  if (!v.name.trim() || v.name.length > 200) e.name = T.errRequired;
  const lat = v.lat === '' ? null : Number(v.lat);
  const lng = v.lng === '' ? null : Number(v.lng);
  if ((lat === null) !== (lng === null)) e[lat === null ? 'lat' : 'lng'] = T.errLatLng;
  if (lat !== null && !(Number.isFinite(lat) && lat >= -90 && lat <= 90)) e.lat = T.errLat;
  if (lng !== null && !(Number.isFinite(lng) && lng >= -180 && lng <= 180)) e.lng = T.errLng;
  if (v.radiusM !== '' && !(/^\d+$/.test(v.radiusM) && Number(v.radiusM) >= 1 && Number(v.radiusM) <= 100_000)) e.radiusM = T.errRadius;
  return e;
}

function ShopForm({ onCreated }) {
  const [v, setV] = useState(EMPTY);
  const [errors, setErrors] = useState({});
  // the API's 400 names its field, its 409 is a taken id: both shown at the field, in the console's words
  const { done, error, run } = useAction((err) => {
    const at = fieldError(err) ?? conflictError(err);
    if (at?.field) {
      setErrors({ [at.field]: at.message });
      return null;
    }
    return at ? new Error(at.message) : err;
  });
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const submit = (e) => {
    e.preventDefault();
    const found = check(v);
    setErrors(found);
    return run(async () => {
      if (Object.keys(found).length > 0) return null;
      const body = { id: v.id, name: v.name };
      if (v.lat !== '') Object.assign(body, { lat: Number(v.lat), lng: Number(v.lng) });
      if (v.radiusM !== '') body.radiusM = Number(v.radiusM);
      if (v.region !== '') body.region = v.region;
      const shop = await api('POST', '/v1/shops', body);
      setV(EMPTY);
      onCreated();
      return T.shopCreated(shop.name, shop.id);
    });
  };
  const field = (name, label, extra = {}) => html`<label class=${`field${errors[name] ? ' invalid' : ''}`} data-field=${name}><span>${label}</span>
    <input name=${name} value=${v[name]} onInput=${set(name)} ...${extra} />
    ${errors[name] ? html`<span class="field-error" role="alert" data-test=${`shop-error-${name}`}>${errors[name]}</span>` : null}</label>`;
  return html`<form class="panel" onSubmit=${submit} data-test="shop-form" novalidate>
    <h2>${T.newShop}</h2>
    ${done ? html`<p class="done" role="status" data-test="shop-done">${done}</p>` : null}
    <${ErrorLine} error=${error} />
    <div class="grid">
      ${field('id', T.shopId, { placeholder: 's_tianhe' })}
      ${field('name', T.name)}
      ${field('region', T.region)}
      ${field('lat', T.lat, { inputmode: 'decimal', placeholder: '23.13' })}
      ${field('lng', T.lng, { inputmode: 'decimal', placeholder: '113.26' })}
      ${field('radiusM', T.radiusM, { inputmode: 'numeric', placeholder: '200' })}
    </div>
    <button type="submit" data-test="create-shop">${T.create}</button>
  </form>`;
}

export function Shops() {
  const [list, error, reload] = usePolling(() => api('GET', '/v1/shops'), 0);
  const [actionError, setActionError] = useState(null);
  const zone = operatorZone.get();
  const save = async (shop, format) => {
    setActionError(null);
    try {
      await download(sceneCodePath(shop, format), `scene-${shop.id}.${format}`);
    } catch (err) {
      setActionError(err);
    }
  };
  const shops = list?.shops ?? [];
  return html`<section>
    <h1>${T.shops}</h1>
    <p class="muted">${T.shopsNote}</p>
    <${ErrorLine} error=${error ?? actionError} />
    <div class="scroll"><table class="stack" data-test="shop-list">
      <thead><tr><th>${T.sceneCode}</th><th>${T.shopId}</th><th>${T.name}</th><th>${T.region}</th><th>${T.where}</th><th>${T.created} (${zone})</th><th></th></tr></thead>
      <tbody>${shops.map((s) => html`<tr data-shop=${s.id}>
        <td><${SceneQr} shop=${s} /></td>
        <td data-label=${T.shopId}><code>${s.id}</code></td><td data-label=${T.name} data-test="shop-name">${s.name}</td><td data-label=${T.region}>${s.region ?? '—'}</td>
        <td data-label=${T.where}>${s.lat === null ? T.anywhere : `${s.lat}, ${s.lng} · ${s.radiusM} m`}</td><td data-label=${T.created}>${inZone(s.createdAt, zone)}</td>
        <td class="row-actions">
          <button onClick=${() => save(s, 'svg')} data-test="download-svg">SVG</button><button onClick=${() => save(s, 'png')} data-test="download-png">PNG</button>
          <div class="muted url" data-test="scene-url">${s.url}</div>
        </td></tr>`)}
        ${list && shops.length === 0 ? html`<tr><td colspan="7">${T.none}</td></tr>` : null}</tbody>
    </table></div>
    <${ShopForm} onCreated=${reload} />
  </section>`;
}
