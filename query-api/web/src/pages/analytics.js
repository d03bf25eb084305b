// Daily metrics of a chain with the forecast made after the last closed day (value and its prediction band), and the
// anomalies the analytics job flagged with their method and severity.
import { h, replace, errorBox, field, table } from '../dom.js';
import { api, query } from '../api.js';
import { session, signInConfigured } from '../auth.js';
import { signInPrompt } from '../prompt.js';
import { enumName, time } from '../format.js';
import { lineChart } from '../chart.js';

const METRICS = [['transfers', 'Transfers'], ['active_addresses', 'Active addresses'], ['new_addresses', 'New addresses']];
const CAMEL = { transfers: 'transfers', active_addresses: 'activeAddresses', new_addresses: 'newAddresses' };

function severityBadge(s) {
  const name = enumName(s, 'SEVERITY_');
  return h('span', { class: 'badge ' + (s === 'SEVERITY_CRITICAL' ? 'bad' : s === 'SEVERITY_WARN' ? 'warn' : 'muted') }, name);
}

export function analyticsPage(root) {
  replace(root, h('h1', {}, 'Analytics'));
  // with authentication off (the one-command stack's default) the analytics routes need no sign-in
  if (!session() && signInConfigured()) {
    root.append(signInPrompt('Analytics'));
    return () => {};
  }
  const chain = h('select', { name: 'chain' });
  const metric = h('select', { name: 'metric' }, METRICS.map(([v, l]) => h('option', { value: v }, l)));
  const severity = h('select', { name: 'min_severity' }, h('option', { value: 'SEVERITY_WARN' }, 'warn and above'),
    h('option', { value: 'SEVERITY_CRITICAL' }, 'critical only'), h('option', { value: 'SEVERITY_NONE' }, 'every score'));
  const chartBox = h('div', { class: 'charts' });
  const anomaliesBox = h('div');
  let chartStop = () => {};
  let cursor = '';
  root.append(h('form', { class: 'filters', onsubmit: (ev) => { ev.preventDefault(); load(); } },
    field('Chain', chain), field('Metric', metric), field('Anomalies', severity), h('button', { type: 'submit' }, 'Show')),
  h('h2', {}, 'Daily metrics and forecast'), chartBox, h('h2', {}, 'Anomalies'), anomaliesBox);

  let generation = 0;
  async function load() {
    // only the latest request draws (a second Show before the first answer must not leave two charts)
    const mine = ++generation;
    try {
      const c = chain.value;
      const m = metric.value;
      const [daily, forecasts] = await Promise.all([api(`/v1/chains/${c}/analytics/daily`),
        api(`/v1/chains/${c}/analytics/forecasts` + query({ metric: m }))]);
      if (mine !== generation) return;
      chartStop();
      chartStop = () => {};
      replace(chartBox);
      const days = daily.days.map((d) => ({ t: Date.parse(d.day + 'T00:00:00Z') / 1000, v: Number(d[CAMEL[m]]) }));
      const fc = forecasts.forecasts.map((f) => ({ t: Date.parse(f.targetDay + 'T00:00:00Z') / 1000, f }));
      const xs = [...new Set([...days.map((d) => d.t), ...fc.map((f) => f.t)])].sort((a, b) => a - b);
      const at = (list, t, pick) => { const e = list.find((x) => x.t === t); return e ? pick(e) : null; };
      if (!xs.length) {
        chartBox.append(h('p', {}, 'No daily metrics yet for this chain.'));
      } else {
        const label = METRICS.find(([v]) => v === m)[1];
        chartStop = lineChart(chartBox, {
          title: `${label} per day` + (forecasts.baseDay ? `, forecast after ${forecasts.baseDay}` : ''), x: xs, yLabel: label,
          series: [
            { label: 'actual', values: xs.map((t) => at(days, t, (d) => d.v)) },
            { label: 'forecast', values: xs.map((t) => at(fc, t, (f) => f.f.value)), dash: [6, 4], stroke: '#b35c00' },
            { label: 'upper bound', values: xs.map((t) => at(fc, t, (f) => f.f.upper)), stroke: '#8a94a6' },
            { label: 'lower bound', values: xs.map((t) => at(fc, t, (f) => f.f.lower)), stroke: '#8a94a6' },
          ],
          bands: [[3, 4]],
          tableCaption: `${label}: actual days and forecasts (${Math.round((forecasts.forecasts[0]?.confidence ?? 0.95) * 100)} % interval)`,
          tableColumns: [{ label: 'Day' }, { label: 'Actual', num: true }, { label: 'Forecast', num: true }, { label: 'Interval', num: true }],
          tableRows: xs.map((t) => {
            const f = at(fc, t, (e) => e.f);
            return [new Date(t * 1000).toISOString().slice(0, 10), at(days, t, (d) => String(d.v)) ?? '—',
              f ? f.value.toFixed(1) : '—', f ? `${f.lower.toFixed(1)} – ${f.upper.toFixed(1)}` : '—'];
          }),
        });
      }
      cursor = '';
      await anomalies(false);
    } catch (e) {
      if (mine === generation) replace(chartBox, errorBox(e));
    }
  }

  async function anomalies(more) {
    try {
      const res = await api(`/v1/chains/${chain.value}/analytics/anomalies` + query({ min_severity: severity.value, limit: 50, cursor: more ? cursor : '' }));
      const cols = [{ label: 'Window' }, { label: 'Metric' }, { label: 'Token' }, { label: 'Method' }, { label: 'Severity' },
        { label: 'Value', num: true }, { label: 'Baseline', num: true }, { label: 'Score', num: true }, { label: 'Threshold', num: true }];
      const rows = res.anomalies.map((a) => [time(a.windowStart), a.metric, a.token || 'chain-wide', enumName(a.method, 'ANOMALY_METHOD_').toUpperCase(),
        severityBadge(a.severity), a.value, a.baseline, a.score.toFixed(2), a.threshold]);
      cursor = res.nextCursor;
      const node = rows.length ? table('Anomalies, newest window first', cols, rows) : h('p', {}, 'No anomalies at this severity.');
      if (more) anomaliesBox.insertBefore(node, anomaliesBox.lastElementChild);
      else replace(anomaliesBox, node);
      const button = anomaliesBox.querySelector('button.more');
      if (button) button.remove();
      if (cursor) anomaliesBox.append(h('button', { type: 'button', class: 'secondary more', onclick: () => anomalies(true) }, 'More anomalies'));
    } catch (e) {
      replace(anomaliesBox, errorBox(e));
    }
  }

  (async () => {
    try {
      const res = await api('/v1/chains');
      replace(chain, res.chains.map((c) => h('option', { value: c.chainId }, `${c.name} (${c.chainId})`)));
      await load();
    } catch (e) {
      replace(chartBox, errorBox(e));
    }
  })();
  return () => chartStop();
}
