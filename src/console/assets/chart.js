// A time-series chart (uPlot): x in seconds, one series; redrawn in place when the data change.
import uPlot from './uplot.js';
import { html, useEffect, useRef } from './ui.js';

export function Chart({ xs, ys, label, test }) {
  const box = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    const el = box.current;
    const size = () => ({ width: Math.max(280, el.clientWidth), height: 220 });
    if (!plot.current) {
      plot.current = new uPlot({ ...size(), series: [{}, { label, stroke: '#c0392b', fill: 'rgba(192,57,43,0.12)', width: 2 }], axes: [{}, { size: 50 }] }, [xs, ys], el);
    } else {
      plot.current.setData([xs, ys]);
    }
    const onResize = () => plot.current?.setSize(size());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, [xs, ys]);
  useEffect(() => () => { plot.current?.destroy(); plot.current = null; }, []);
  return html`<div class="chart" ref=${box} data-test=${test}></div>`;
}
