// Every chain Fresh or Stale with its lag in blocks and seconds, finalized block and last reorg; the ingest
// endpoints' rate-limit hits and breaker states; the latest reconciliation per chain. All from /v1/health (open
// without sign-in), refreshed every few seconds.
import { h, replace, errorBox, table } from '../dom.js';
import { duration, enumName, time } from '../format.js';

const REFRESH_MS = 2000;

function freshnessBadge(f) {
  const name = enumName(f, 'CHAIN_FRESHNESS_') || 'unknown';
  const label = name.charAt(0).toUpperCase() + name.slice(1);
  return h('span', { class: 'badge ' + (f === 'CHAIN_FRESHNESS_FRESH' ? 'ok' : f === 'CHAIN_FRESHNESS_STALE' ? 'bad' : 'muted') }, label);
}

export function statusPage(root) {
  const updated = h('p', { class: 'legend-note', 'aria-live': 'off' });
  const chainsBox = h('div');
  const endpointsBox = h('div');
  const reconBox = h('div');
  replace(root, h('h1', {}, 'Chain status'), updated,
    h('h2', {}, 'Chains'), chainsBox, h('h2', {}, 'Ingest endpoints'), endpointsBox, h('h2', {}, 'Reconciliation'), reconBox);
  let timer;
  let stopped = false;

  async function refresh() {
    try {
      const res = await fetch('/v1/health', { headers: { accept: 'application/json' } });
      const health = await res.json();
      const statuses = health.chainStatuses || [];
      const cols = [{ label: 'Chain' }, { label: 'State' }, { label: 'Latest block', num: true }, { label: 'Head', num: true },
        { label: 'Blocks behind', num: true }, { label: 'Lag', num: true }, { label: 'Finalized block', num: true }, { label: 'Last reorg' }];
      replace(chainsBox, statuses.length ? table('Indexed chains', cols, statuses.map((c) => [
        `${c.name} (${c.chainId})`, freshnessBadge(c.freshness), c.latestBlock, c.headNumber ?? '—', c.blocksBehindHead ?? '—',
        h('span', { title: c.lagSeconds + ' s' }, duration(c.lagSeconds) + ` (stale after ${duration(c.staleAfterSeconds)})`),
        c.finalizedBlock ?? '—', c.lastReorg ? `block ${c.lastReorg.blockNumber} at ${time(c.lastReorg.blockTime)}` : 'none']),
      (i) => ({ dataset: { chainId: statuses[i].chainId, freshness: statuses[i].freshness } }))
        : h('p', {}, 'No chains indexed yet.'));
      const endpoints = health.ingestEndpoints || [];
      replace(endpointsBox, endpoints.length ? table('JSON-RPC endpoints of the ingest job', [{ label: 'Chain' }, { label: 'Endpoint' },
        { label: 'Rate-limited (429s)', num: true }, { label: 'Breaker' }, { label: 'Reported' }], endpoints.map((e) => [
        e.chain, e.endpoint, e.rateLimitedTotal,
        h('span', { class: 'badge ' + (e.breakerState === 'CLOSED' ? 'ok' : e.breakerState === 'OPEN' ? 'bad' : 'warn') }, e.breakerState || '—'),
        time(e.reportedAt) + (e.stale ? ' (stale: the job stopped reporting)' : '')]))
        : h('p', {}, 'No ingest endpoint has reported (the synthetic chain has none).'));
      const recon = health.reconciliations || [];
      replace(reconBox, recon.length ? table('Latest reconciliation run per chain', [{ label: 'Chain' }, { label: 'Result' },
        { label: 'Mismatches', num: true }, { label: 'Largest difference', num: true }, { label: 'At block', num: true },
        { label: 'Finished' }], recon.map((r) => [r.chainId,
        h('span', { class: 'badge ' + (r.status === 'OK' ? 'ok' : 'bad') }, r.status) , r.mismatches, r.largestDifference || '0',
        r.blockNumber, time(r.finishedAt) + (r.error ? ' — ' + r.error : '')]))
        : h('p', {}, 'No reconciliation run has finished yet.'));
      updated.textContent = `Service ${health.status === 'SERVING' ? 'serving' : 'NOT serving'}; updated ${new Date().toISOString().slice(11, 19)} UTC, every ${REFRESH_MS / 1000} s.`;
    } catch (e) {
      replace(chainsBox, errorBox(e));
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  }
  refresh();
  return () => { stopped = true; clearTimeout(timer); };
}
