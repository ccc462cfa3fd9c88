// The campaign form a marketing manager can use: a template to start from, prizes as rows (probability
// in %, money in yuan: the API's fen are converted here, at the edge), limits, geofence and level
// boosts as fields, start and end picked in the campaign's time zone, the store's rules (check-ins,
// 满N次 chances, draws revealed in the shop; cards keep their set), the scan page's brand settings.
// Each problem is shown next to its field, checked here first and then by the API (its 400 names the
// field). Saved as a draft (covers no code, editable) or created live.
import { api } from './api.js';
import { conflictError, fieldError } from './api-errors.js';
import { T } from './text.js';
import { ErrorLine, html, useState } from './ui.js';
import { ZONES, isTimeZone, isoToZoned, zonedToIso } from './zoned-time.js';

const KINDS = ['cash', 'gift', 'coupon', 'points', 'card'];
const THEMES = ['default', 'spring-festival', 'mid-autumn', 'store-anniversary'];
const ANIMATIONS = ['plain', 'red-packet', 'scratch', 'wheel'];
const ID_RE = /^[A-Za-z0-9_.-]{1,64}$/;

const row = (over) => ({ id: '', kind: 'gift', name: '', probability: '', amount: '', budget: '', stock: '', dailyCap: '', perUserCap: '', perDay: '', claim: '', redeemBy: '', set: '', ...over });

/** templates: the usual shapes of a Chinese one-item-one-code promotion */
export const TEMPLATES = {
  'red-packet': {
    label: T.tplRedPacket,
    values: { name: '扫码领红包', animation: 'red-packet', theme: 'default' },
    prizes: [
      row({ id: 'big', kind: 'cash', name: '88元大红包', probability: '0.1', amount: '88', budget: '8800', stock: '100' }),
      row({ id: 'red', kind: 'cash', name: '随机红包', probability: '30', amount: '1.88', budget: '10000', perUserCap: '3' }),
    ],
  },
  'open-cap': {
    label: T.tplOpenCap,
    values: { name: '开盖有礼', animation: 'scratch', theme: 'default' },
    prizes: [
      row({ id: 'again', kind: 'gift', name: '再来一瓶', probability: '10', stock: '10000', claim: '到任一售卖门店出示兑奖码，兑换同款产品一瓶' }),
      row({ id: 'coupon', kind: 'coupon', name: '5元优惠券', probability: '20', stock: '50000' }),
    ],
  },
  points: {
    label: T.tplPoints,
    values: { name: '扫码积分', animation: 'plain', theme: 'default' },
    prizes: [row({ id: 'pts', kind: 'points', name: '会员积分', probability: '100', amount: '10', claim: '积分可在会员中心兑换礼品' })],
  },
  // 门店打卡抽奖: check in at the shop for a draw on the wheel, decided when the ticket is shown there
  // (线上抽奖,线下开奖), one bottle a day (连续10天每天送一个)
  'store-draw': {
    label: T.tplStoreDraw,
    values: { name: '门店打卡抽奖', animation: 'wheel', theme: 'store-anniversary', checkin: 'required', checkinPoints: '0', checkinChances: '1', reveal: 'in_shop' },
    prizes: [row({ id: 'bottle', kind: 'gift', name: '每日一瓶', probability: '100', stock: '10', perDay: '1', claim: '到店出示开奖券，开奖当场领取' })],
  },
};

/** the store's rules as a template leaves them unless it names them */
const NO_STORE_RULES = { checkin: 'off', checkinPoints: '', checkinChances: '', perScans: '', reveal: 'instant' };

const fenOf = (yuanText) => Math.round(Number(yuanText) * 100);
const intOrNull = (t) => (t === '' || t === undefined ? undefined : Number(t));
const isWhole = (t) => t === '' || /^\d+$/.test(t);
const isMoney = (t) => t === '' || /^\d+(\.\d{1,2})?$/.test(t);
const isHttps = (t) => {
  try {
    return new URL(t).protocol === 'https:' && t.length <= 500;
  } catch {
    return false;
  }
};

/** "3:2, 5:5" -> {"3": 2, "5": 5} (levelBoost and pointsBoost) */
function levelMapOf(text) {
  const out = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [level, factor] = part.split(':').map((s) => s.trim());
    out[level] = Number(factor);
  }
  return out;
}
const levelMapText = (map) => Object.entries(map ?? {}).map(([k, f]) => `${k}:${f}`).join(', ');
const LEVEL_MAP_RE = /^\s*\d\s*:\s*\d+(\.\d+)?\s*(,\s*\d\s*:\s*\d+(\.\d+)?\s*)*$/;

/** the form's values -> the API's campaign (fen, probabilities 0-1, ISO times with offset) */
export function toCampaign(v, prizes) {
  const limits = {};
  for (const k of ['userScansPerDay', 'userWinsPerDay', 'ipScansPerMinute']) if (v[k] !== '') limits[k] = Number(v[k]);
  const page = {};
  for (const k of ['brand', 'productName', 'logoUrl', 'hotline']) if (v[k] !== '') page[k] = v[k];
  if (v.color !== '') page.color = v.color;
  if (v.ctaText !== '' || v.ctaUrl !== '') page.cta = { text: v.ctaText, url: v.ctaUrl };
  return {
    id: v.id,
    name: v.name || undefined,
    startsAt: zonedToIso(v.startsAt, v.timezone),
    endsAt: zonedToIso(v.endsAt, v.timezone),
    timezone: v.timezone,
    scope: { skus: v.skus.split(',').map((s) => s.trim()).filter(Boolean), batchIds: v.batchIds.split(',').map((s) => s.trim()).filter(Boolean).map(Number) },
    prizes: prizes.map((p, i) => {
      const out = { id: p.id || `p${i + 1}`, name: p.name, kind: p.kind, probability: Number((Number(p.probability) / 100).toFixed(6)) };
      if (p.kind === 'cash' && p.amount !== '') out.amount = fenOf(p.amount);
      if (p.kind === 'points' && p.amount !== '') out.amount = Number(p.amount);
      // what the form has no field for (an amount range, an hourly release, a guarantee) is kept as it was
      if (p.amount === '' && p.keep?.amount) out.amount = p.keep.amount;
      if (p.perDay === '' && p.keep?.release) out.release = p.keep.release;
      if (p.keep?.guaranteed) out.guaranteed = p.keep.guaranteed;
      if (p.keep?.for) out.for = p.keep.for;
      if (p.kind === 'cash' && p.budget !== '') out.budget = fenOf(p.budget);
      for (const k of ['stock', 'dailyCap', 'perUserCap']) if (p[k] !== '') out[k] = intOrNull(p[k]);
      if (p.perDay !== '') out.release = { perDay: Number(p.perDay) };
      if (p.claim !== '') out.claim = p.claim;
      if ((p.kind === 'gift' || p.kind === 'coupon') && p.redeemBy !== '') out.redeemBy = p.redeemBy;
      if (p.kind === 'card') out.set = p.set;
      return out;
    }),
    // the store's rules (门店玩法): sent even when off, so that an edited draft loses a rule switched off
    checkin: v.checkin === 'off' ? null : { position: v.checkin, points: Number(v.checkinPoints || 0), chances: Number(v.checkinChances || 0) },
    chances: v.perScans === '' ? null : { perScans: Number(v.perScans) },
    reveal: v.reveal,
    limits,
    levelBoost: levelMapOf(v.levelBoost),
    pointsBoost: levelMapOf(v.pointsBoost),
    geofence: v.geofence,
    page,
    theme: v.theme,
    animation: v.animation,
  };
}

/** the problems the console sees before asking the API, keyed like the API's field paths */
export function check(v, prizes) {
  const e = {};
  if (!ID_RE.test(v.id)) e.id = T.errId;
  if (!isTimeZone(v.timezone)) e.timezone = T.errZone;
  const s = zonedToIso(v.startsAt, v.timezone);
  const en = zonedToIso(v.endsAt, v.timezone);
  if (!s) e.startsAt = T.errWhen;
  if (!en) e.endsAt = T.errWhen;
  if (s && en && Date.parse(en) <= Date.parse(s)) e.endsAt = T.errEndBeforeStart;
  if (!v.skus.trim() && !v.batchIds.trim()) e.skus = T.errScope;
  if (v.batchIds.split(',').map((x) => x.trim()).filter(Boolean).some((x) => !/^\d+$/.test(x))) e.batchIds = T.errWhole;
  let sum = 0;
  prizes.forEach((p, i) => {
    const at = (f) => `prizes.${i}.${f}`;
    if (!p.name.trim()) e[at('name')] = T.errRequired;
    const pct = Number(p.probability);
    if (p.probability === '' || !Number.isFinite(pct) || pct < 0 || pct > 100) e[at('probability')] = T.errPercent;
    else if (!/^\d+(\.\d{1,4})?$/.test(p.probability)) e[at('probability')] = T.errPercentDigits;
    else sum += pct;
    if (p.kind === 'cash' && (p.amount === '' || !isMoney(p.amount) || Number(p.amount) <= 0)) e[at('amount')] = T.errYuan;
    if (p.kind === 'points' && (!/^\d+$/.test(p.amount) || Number(p.amount) < 1)) e[at('amount')] = T.errPoints;
    if (p.kind === 'cash' && !isMoney(p.budget)) e[at('budget')] = T.errYuan;
    for (const k of ['stock', 'dailyCap', 'perUserCap', 'perDay']) if (!isWhole(p[k])) e[at(k)] = T.errWhole;
    if (p.kind === 'card' && !/^[A-Za-z0-9_.-]{1,32}$/.test(p.set)) e[at('set')] = T.errSet;
  });
  if (v.checkin !== 'off') for (const k of ['checkinPoints', 'checkinChances']) if (!isWhole(v[k])) e[`checkin.${k === 'checkinPoints' ? 'points' : 'chances'}`] = T.errWhole;
  if (v.perScans !== '' && !(/^\d+$/.test(v.perScans) && Number(v.perScans) >= 1)) e['chances.perScans'] = T.errPoints;
  if (sum > 100.00001) e.prizes = T.errSum;
  for (const k of ['userScansPerDay', 'userWinsPerDay', 'ipScansPerMinute']) if (!isWhole(v[k])) e[`limits.${k}`] = T.errWhole;
  for (const k of ['levelBoost', 'pointsBoost']) if (v[k].trim() && !LEVEL_MAP_RE.test(v[k])) e[k] = T.errBoost;
  if ((v.ctaText === '') !== (v.ctaUrl === '')) e[v.ctaText === '' ? 'page.cta.text' : 'page.cta.url'] = T.errCta;
  // the API's rules for the page settings, checked here so that the message is in the console's words
  if (v.color !== '' && !/^#[0-9A-Fa-f]{6}$/.test(v.color)) e['page.color'] = T.errColor;
  if (v.hotline !== '' && !/^[0-9+\- ()]{3,32}$/.test(v.hotline)) e['page.hotline'] = T.errHotline;
  if (v.logoUrl !== '' && !isHttps(v.logoUrl)) e['page.logoUrl'] = T.errHttps;
  if (v.ctaUrl !== '' && !isHttps(v.ctaUrl)) e['page.cta.url'] = T.errHttps;
  return e;
}

/** an API field path ("prizes[0].amount.min") -> the form's key ("prizes.0.amount") */
const keyOfPath = (path) => {
  const p = path.replace(/\[(\d+)\]/g, '.$1');
  if (p.startsWith('scope')) return p.includes('batchIds') ? 'batchIds' : 'skus';
  // a level's factor ("pointsBoost.3") belongs to the one text field of all levels
  if (/^(levelBoost|pointsBoost)\./.test(p)) return p.split('.')[0];
  const m = /^prizes\.(\d+)\.(\w+)/.exec(p);
  if (m) return `prizes.${m[1]}.${m[2] === 'release' ? 'perDay' : m[2]}`;
  return p.startsWith('page.cta') ? p.split('.').slice(0, 3).join('.') : p;
};

function Field({ name, label, errors, children, wide }) {
  const err = errors[name];
  const test = name.replace(/\./g, '-');
  return html`<label class=${`field${err ? ' invalid' : ''}${wide ? ' wide' : ''}`} data-field=${name}>
    <span>${label}</span>${children}${err ? html`<span class="field-error" role="alert" data-test=${`error-${test}`}>${err}</span>` : null}</label>`;
}

function initial() {
  const now = Date.now();
  const tz = 'Asia/Shanghai';
  return {
    id: '', name: '', timezone: tz, startsAt: isoToZoned(now, tz), endsAt: isoToZoned(now + 30 * 86_400_000, tz), skus: '', batchIds: '',
    userScansPerDay: '', userWinsPerDay: '', ipScansPerMinute: '', geofence: 'off', levelBoost: '', pointsBoost: '',
    brand: '', productName: '', logoUrl: '', color: '', hotline: '', ctaText: '', ctaUrl: '', theme: 'default', animation: 'plain',
    checkin: 'off', checkinPoints: '', checkinChances: '', perScans: '', reveal: 'instant',
  };
}

const text = (n) => (n === null || n === undefined ? '' : String(n));
const pct = (p) => String(Number((p * 100).toFixed(4)));
const yuanText = (fen) => (fen === null || fen === undefined ? '' : String(Number((fen / 100).toFixed(2))));

/** a draft as the API answers it -> the form's values (fen to yuan, 0-1 to %, times in its zone) */
export function fromCampaign(c) {
  const page = c.page ?? {};
  const v = {
    id: c.id, name: c.name, timezone: c.timezone, startsAt: isoToZoned(c.startsAt, c.timezone), endsAt: isoToZoned(c.endsAt, c.timezone),
    skus: c.scope.skus.join(', '), batchIds: c.scope.batchIds.join(', '),
    userScansPerDay: text(c.limits.userScansPerDay), userWinsPerDay: text(c.limits.userWinsPerDay), ipScansPerMinute: text(c.limits.ipScansPerMinute),
    geofence: c.geofence, levelBoost: levelMapText(c.levelBoost), pointsBoost: levelMapText(c.pointsBoost),
    brand: page.brand ?? '', productName: page.productName ?? '', logoUrl: page.logoUrl ?? '', color: page.color ?? '', hotline: page.hotline ?? '',
    ctaText: page.cta?.text ?? '', ctaUrl: page.cta?.url ?? '', theme: c.theme ?? 'default', animation: c.animation ?? 'plain',
    checkin: c.checkin ? c.checkin.position : 'off', checkinPoints: text(c.checkin?.points), checkinChances: text(c.checkin?.chances),
    perScans: text(c.chances?.perScans), reveal: c.reveal ?? 'instant',
  };
  // a set's prize (集卡) is answered among the prizes but defined under "sets": it is not a row to draw
  const setPrizeIds = new Set((c.sets ?? []).map((set) => set.prize.id));
  const prizes = c.prizes.filter((p) => !setPrizeIds.has(p.id)).map((p) => row({
    id: p.id, kind: p.kind, name: p.name, probability: pct(p.probability),
    amount: typeof p.amount === 'number' ? (p.kind === 'cash' ? yuanText(p.amount) : String(p.amount)) : '',
    budget: yuanText(p.budget), stock: text(p.stock), dailyCap: text(p.dailyCap), perUserCap: text(p.perUserCap),
    perDay: p.release?.perDay ? String(p.release.perDay) : '', claim: p.claim ?? '', redeemBy: p.redeemBy ?? '', set: p.set ?? '',
    keep: { amount: typeof p.amount === 'object' ? p.amount : null, release: p.release?.perHour ? p.release : null, guaranteed: p.guaranteed ?? null, for: p.for !== 'consumer' ? p.for : null },
  }));
  return { v, prizes };
}

/** `draft`: a draft to edit (saved by PATCH); without it, a new campaign */
export function CampaignForm({ onSaved, draft = null }) {
  const [v, setV] = useState(() => (draft ? fromCampaign(draft).v : initial()));
  const [prizes, setPrizes] = useState(() => (draft ? fromCampaign(draft).prizes : TEMPLATES['red-packet'].prizes));
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const setPrize = (i, k) => (e) => setPrizes(prizes.map((p, j) => (j === i ? { ...p, [k]: e.currentTarget.value } : p)));
  const useTemplate = (name) => {
    const t = TEMPLATES[name];
    setV({ ...v, ...NO_STORE_RULES, ...t.values });
    setPrizes(t.prizes.map((p) => ({ ...p })));
    setErrors({});
  };
  const save = async (state) => {
    setError(null);
    const found = check(v, prizes);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    try {
      const body = toCampaign(v, prizes);
      if (draft) {
        delete body.id;
        onSaved(await api('PATCH', `/v1/campaigns/${encodeURIComponent(draft.id)}`, body), 'draft');
        return;
      }
      if (state === 'draft') body.state = 'draft';
      onSaved(await api('POST', '/v1/campaigns', body), state);
    } catch (err) {
      // the API's reasons in the console's words, next to the field they are about
      const said = fieldError(err) ?? conflictError(err);
      if (said && said.field) setErrors({ [keyOfPath(said.field)]: said.message });
      else if (said) setError(new Error(said.message));
      else setError(err);
    }
  };
  const input = (name, type = 'text', extra = {}) => html`<input name=${name} type=${type} value=${v[name]} onInput=${set(name)} ...${extra} />`;
  const select = (name, options, labels = {}) => html`<select name=${name} value=${v[name]} onChange=${set(name)}>${options.map((o) => html`<option value=${o}>${labels[o] ?? o}</option>`)}</select>`;
  const cell = (i, k, label, extra = {}) => html`<${Field} name=${`prizes.${i}.${k}`} label=${label} errors=${errors}><input name=${`prizes.${i}.${k}`} value=${prizes[i][k]} onInput=${setPrize(i, k)} ...${extra} /><//>`;
  return html`<form class="panel" onSubmit=${(e) => { e.preventDefault(); save('draft'); }} data-test="campaign-form" novalidate>
    <h2>${draft ? T.editDraft : T.newCampaign}</h2>
    <div class="templates" data-test="templates"><span class="muted">${T.startFrom}</span>
      ${Object.entries(TEMPLATES).map(([name, t]) => html`<button type="button" onClick=${() => useTemplate(name)} data-test=${`template-${name}`}>${t.label}</button>`)}</div>
    <${ErrorLine} error=${error} />
    <div class="grid">
      <${Field} name="id" label=${T.id} errors=${errors}>${input('id', 'text', { placeholder: 'spring-2027', readonly: draft !== null })}<//>
      <${Field} name="name" label=${T.name} errors=${errors}>${input('name')}<//>
      <${Field} name="timezone" label=${T.timezone} errors=${errors}>${select('timezone', ZONES)}<//>
      <${Field} name="startsAt" label=${`${T.startsAt} (${v.timezone})`} errors=${errors}>${input('startsAt', 'datetime-local')}<//>
      <${Field} name="endsAt" label=${`${T.endsAt} (${v.timezone})`} errors=${errors}>${input('endsAt', 'datetime-local')}<//>
      <${Field} name="skus" label=${T.skus} errors=${errors}>${input('skus')}<//>
      <${Field} name="batchIds" label=${T.batchIds} errors=${errors}>${input('batchIds')}<//>
    </div>
    <h3>${T.prizes}</h3>
    ${errors.prizes ? html`<p class="field-error" role="alert" data-test="error-prizes">${errors.prizes}</p>` : null}
    ${prizes.map((p, i) => html`<fieldset class="prize-row" data-test=${`prize-row-${i}`}>
      <legend>${T.prize} ${i + 1}</legend>
      <div class="grid">
        ${cell(i, 'id', T.prizeId, { placeholder: `p${i + 1}` })}
        <${Field} name=${`prizes.${i}.kind`} label=${T.kind} errors=${errors}><select name=${`prizes.${i}.kind`} value=${p.kind} onChange=${setPrize(i, 'kind')}>${KINDS.map((k) => html`<option value=${k}>${T.kinds[k]}</option>`)}</select><//>
        ${cell(i, 'name', T.name)}
        ${cell(i, 'probability', T.probabilityPct, { inputmode: 'decimal' })}
        ${p.kind === 'cash' ? cell(i, 'amount', T.amountYuan, { inputmode: 'decimal' }) : null}
        ${p.kind === 'points' ? cell(i, 'amount', T.amountPoints, { inputmode: 'numeric' }) : null}
        ${p.kind === 'cash' ? cell(i, 'budget', T.budgetYuan, { inputmode: 'decimal' }) : null}
        ${cell(i, 'stock', T.stock, { inputmode: 'numeric' })}
        ${cell(i, 'perDay', T.perDay, { inputmode: 'numeric' })}
        ${cell(i, 'dailyCap', T.dailyCap, { inputmode: 'numeric' })}
        ${cell(i, 'perUserCap', T.perUserCap, { inputmode: 'numeric' })}
        ${p.kind === 'gift' || p.kind === 'coupon' ? html`<${Field} name=${`prizes.${i}.redeemBy`} label=${T.redeemBy} errors=${errors}><input type="date" name=${`prizes.${i}.redeemBy`} value=${p.redeemBy} onInput=${setPrize(i, 'redeemBy')} /><//>` : null}
        ${p.kind === 'card' ? cell(i, 'set', T.cardSet, { placeholder: 'zodiac' }) : null}
        ${cell(i, 'claim', T.claim)}
      </div>
      <button type="button" class="link" onClick=${() => setPrizes(prizes.filter((_, j) => j !== i))} data-test=${`remove-prize-${i}`}>${T.removePrize}</button>
    </fieldset>`)}
    <button type="button" onClick=${() => setPrizes([...prizes, row({})])} data-test="add-prize">${T.addPrize}</button>
    <h3>${T.limitsTitle}</h3>
    <div class="grid">
      <${Field} name="limits.userScansPerDay" label=${T.userScansPerDay} errors=${errors}>${input('userScansPerDay', 'text', { inputmode: 'numeric' })}<//>
      <${Field} name="limits.userWinsPerDay" label=${T.userWinsPerDay} errors=${errors}>${input('userWinsPerDay', 'text', { inputmode: 'numeric' })}<//>
      <${Field} name="limits.ipScansPerMinute" label=${T.ipScansPerMinute} errors=${errors}>${input('ipScansPerMinute', 'text', { inputmode: 'numeric' })}<//>
      <${Field} name="geofence" label=${T.geofence} errors=${errors}>${select('geofence', ['off', 'flag', 'block'], T.geofences)}<//>
      <${Field} name="levelBoost" label=${T.levelBoost} errors=${errors}>${input('levelBoost', 'text', { placeholder: '3:2, 5:5' })}<//>
      <${Field} name="pointsBoost" label=${T.pointsBoost} errors=${errors}>${input('pointsBoost', 'text', { placeholder: '3:1.5, 5:2' })}<//>
    </div>
    <h3>${T.storeRules}</h3>
    <div class="grid">
      <${Field} name="checkin" label=${T.checkinRule} errors=${errors}>${select('checkin', ['off', 'optional', 'required'], T.checkinRules)}<//>
      ${v.checkin !== 'off' ? html`<${Field} name="checkin.points" label=${T.checkinPoints} errors=${errors}>${input('checkinPoints', 'text', { inputmode: 'numeric', placeholder: '0' })}<//>
      <${Field} name="checkin.chances" label=${T.checkinChances} errors=${errors}>${input('checkinChances', 'text', { inputmode: 'numeric', placeholder: '0' })}<//>` : null}
      <${Field} name="chances.perScans" label=${T.perScans} errors=${errors}>${input('perScans', 'text', { inputmode: 'numeric', placeholder: '5' })}<//>
      <${Field} name="reveal" label=${T.revealRule} errors=${errors}>${select('reveal', ['instant', 'in_shop'], T.revealRules)}<//>
    </div>
    <h3>${T.pageTitle}</h3>
    <div class="grid">
      <${Field} name="page.brand" label=${T.brand} errors=${errors}>${input('brand')}<//>
      <${Field} name="page.productName" label=${T.productName} errors=${errors}>${input('productName')}<//>
      <${Field} name="page.logoUrl" label=${T.logoUrl} errors=${errors}>${input('logoUrl', 'url', { placeholder: 'https://' })}<//>
      <${Field} name="page.color" label=${T.color} errors=${errors}>${input('color', 'text', { placeholder: '#c8102e' })}<//>
      <${Field} name="page.hotline" label=${T.hotline} errors=${errors}>${input('hotline', 'tel')}<//>
      <${Field} name="page.cta.text" label=${T.ctaText} errors=${errors}>${input('ctaText')}<//>
      <${Field} name="page.cta.url" label=${T.ctaUrl} errors=${errors}>${input('ctaUrl', 'url', { placeholder: 'https://' })}<//>
      <${Field} name="theme" label=${T.theme} errors=${errors}>${select('theme', THEMES, T.themes)}<//>
      <${Field} name="animation" label=${T.animation} errors=${errors}>${select('animation', ANIMATIONS, T.animations)}<//>
    </div>
    <button type="submit" data-test="save-draft">${T.saveDraft}</button>
    ${draft ? null : html`<button type="button" class="secondary" onClick=${() => save('live')} data-test="create-live">${T.createLive}</button>`}
  </form>`;
}
