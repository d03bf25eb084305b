// uPlot charts with an accessible twin: every chart has a data table of exactly the points it draws (exact values as
// the API sent them), and its uPlot instance stays reachable as element.uplot for the browser tests.
import uPlot from 'uplot';
import { h, table } from './dom.js';

// the plot's own box (a grid cell), not the page: a chart never pushes the page wider than the screen
function width(plot) {
  return Math.max(200, Math.min(plot.clientWidth || 480, 900));
}

// y ticks readable at any magnitude: USD values of small seeded balances are ~1e-13, and uPlot's default shows "0"
function tick(v) {
  if (v === null || v === undefined) return '';
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.001 || a >= 1e12)) return v.toExponential(2);
  return v.toLocaleString('en-US', { maximumSignificantDigits: 6 });
}

/**
 * series: [{label, values (numbers or null), stroke, dash, fill}], x: seconds; bands: [[upperIdx, lowerIdx]] (1-based
 * series indexes as uPlot counts them).
 */
export function lineChart(container, { title, x, series, bands, yLabel, tableCaption, tableColumns, tableRows }) {
  const plot = h('div', { class: 'plot', role: 'img', 'aria-label': `${title}: chart of ${x.length} points; the table below lists them` });
  const box = h('figure', { class: 'chart' }, h('h3', {}, title), plot,
    h('details', {}, h('summary', {}, 'Data as a table'), table(tableCaption, tableColumns, tableRows)));
  container.append(box);
  const opts = {
    width: width(plot), height: 220,
    scales: { x: { time: true } },
    axes: [{}, { label: yLabel, size: 70, values: (u, splits) => splits.map(tick) }],
    series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.stroke || '#1f4e8c', width: 2, dash: s.dash,
      fill: s.fill, points: { show: true, size: 6 }, spanGaps: false }))],
    bands: (bands || []).map(([a, b]) => ({ series: [a, b], fill: 'rgba(31,78,140,0.15)' })),
    legend: { live: false },
  };
  const u = new uPlot(opts, [x, ...series.map((s) => s.values)], plot);
  plot.uplot = u;
  const onResize = () => u.setSize({ width: width(plot), height: 220 });
  window.addEventListener('resize', onResize);
  return () => { window.removeEventListener('resize', onResize); u.destroy(); };
}
