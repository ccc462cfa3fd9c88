// A time-series chart (uPlot): x in seconds, one series; redrawn in place when the data change. Axes
// read in `zone` (the campaign's or the operator's time zone); a range of one point (one day, one hour)
// is widened by `step` seconds either side, so the axis shows that day instead of years around it.
import uPlot from './uplot.js';
import { html, useEffect, useRef } from './ui.js';

export function Chart({ xs, ys, label, test, zone = 'UTC', step = 60, bars = false }) {
  const box = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    const el = box.current;
    const size = () => ({ width: Math.max(280, el.clientWidth), height: 220 });
    if (plot.current) plot.current.destroy();
    // the x range from the data themselves: uPlot's own guess for a single point spans years
    const lo = xs.length ? Math.min(...xs) : Date.now() / 1000;
    const hi = xs.length ? Math.max(...xs) : lo;
    const range = [lo - step / 2, hi + step / 2];
    plot.current = new uPlot({
      ...size(),
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), zone),
      scales: { x: { time: true, auto: false, range }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      series: [{}, { label, stroke: '#c0392b', fill: 'rgba(192,57,43,0.12)', width: 2, ...(bars ? { paths: uPlot.paths.bars({ size: [0.6, 40] }), points: { show: false } } : {}) }],
      axes: [{}, { size: 50 }],
      // the x range drawn, on the element (uPlot draws its axes on the canvas): what a reader can check
      hooks: { setScale: [(u, key) => { if (key === 'x') Object.assign(el.dataset, { xMin: String(u.scales.x.min), xMax: String(u.scales.x.max) }); }] },
    }, [xs, ys], el);
    const onResize = () => plot.current?.setSize(size());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, [xs, ys, zone, step]);
  useEffect(() => () => { plot.current?.destroy(); plot.current = null; }, []);
  return html`<div class="chart" ref=${box} data-test=${test}></div>`;
}
