// The view toolkit of the console: preact with htm templates (no build step), and small shared parts.
// Text is always rendered as text (htm/preact escape it); nothing here sets HTML from data.
import { h, render } from './preact.js';
import { useEffect, useRef, useState, useCallback } from './hooks.js';
import htm from './htm.js';

export const html = htm.bind(h);
export { render, useEffect, useRef, useState, useCallback };

/** Calls `load` now and every `ms` while the component is shown; returns [data, error, reload]. */
export function usePolling(load, ms, deps = []) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const tick = useCallback(() => load().then((d) => { setData(d); setError(null); }, (e) => setError(e)), deps);
  useEffect(() => {
    tick();
    if (!ms) return undefined;
    const timer = setInterval(tick, ms);
    return () => clearInterval(timer);
  }, [tick]);
  return [data, error, tick];
}

export function ErrorLine({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert" data-test="error">${error.message}</p>`;
}

export const fmt = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString('zh-CN'));
/** cash amounts are minor units (fen) */
export const yuan = (n) => (n === null || n === undefined ? '—' : `¥${(Number(n) / 100).toFixed(2)}`);
export const go = (hash) => { location.hash = hash; };
