// A wallet's two syncs as the API reports them: the chain's indexing (indexed block vs head) and the targeted
// history sync below the chain's first indexed block (state, blocks and records done, ETA, why it failed), and the
// one resync request both the wallets list and the wallet page send.
import { h } from './dom.js';
import { api } from './api.js';
import { enumName, duration } from './format.js';

const HISTORY_BADGE = { DONE: 'ok', NOT_NEEDED: 'ok', RUNNING: 'warn', QUEUED: 'warn', FAILED: 'bad', UNAVAILABLE: 'muted' };

/** True while the wallet has something left to sync (a stream is worth keeping open). */
export function syncing(sync) {
  const s = sync || {};
  const hs = (s.history || {}).state || '';
  return s.state !== 'WALLET_SYNC_STATE_SYNCED' || hs === 'WALLET_HISTORY_SYNC_STATE_QUEUED' || hs === 'WALLET_HISTORY_SYNC_STATE_RUNNING';
}

function percent(p) {
  return Math.floor(p * 1000) / 10 + ' %';
}

/** The history sync of one wallet: its state badge, progress, blocks/records done, ETA and failure reason. */
export function historyCell(sync, name) {
  const hs = (sync || {}).history;
  const state = hs && hs.state ? hs.state.replace('WALLET_HISTORY_SYNC_STATE_', '') : '';
  const box = h('div', { class: 'history-sync', dataset: { historyState: state } });
  if (!hs || !state) return box;
  box.append(h('span', { class: 'hint' }, 'History: '),
    h('span', { class: 'badge ' + (HISTORY_BADGE[state] || 'muted') }, enumName(hs.state, 'WALLET_HISTORY_SYNC_STATE_')));
  if (Number(hs.generation) > 0 && state !== 'UNAVAILABLE' && state !== 'NOT_NEEDED') box.append(h('span', { class: 'hint history-generation' }, ` request ${hs.generation}`));
  if (hs.progress !== null && hs.progress !== undefined && state !== 'DONE' && state !== 'NOT_NEEDED') {
    box.append(' ', h('progress', { max: 1, value: hs.progress, 'aria-label': `History sync progress of ${name}` }),
      h('span', { class: 'history-percent' }, ' ' + percent(hs.progress)));
  }
  if (Number(hs.blocksTotal) > 0) {
    box.append(h('div', { class: 'hint history-blocks' }, `${hs.blocksDone} of ${hs.blocksTotal} blocks, ${hs.recordsDone || 0} transfers found`
      + (hs.targetBlock ? ` (history up to block ${hs.targetBlock})` : '')));
  }
  if (hs.etaSeconds !== null && hs.etaSeconds !== undefined && state === 'RUNNING') {
    box.append(h('div', { class: 'hint history-eta', dataset: { seconds: hs.etaSeconds } }, `about ${duration(hs.etaSeconds)} left`));
  }
  if (hs.reason) {
    box.append(h('div', { class: state === 'FAILED' ? 'error-text history-reason' : 'hint history-reason' },
      (state === 'FAILED' ? 'Failed: ' : '') + hs.reason));
  }
  return box;
}

/** The chain sync (indexed vs head) and the history sync of one wallet. */
export function syncCell(w) {
  const s = w.sync || {};
  const name = enumName(s.state, 'WALLET_SYNC_STATE_') || 'unknown';
  const label = w.label || w.address;
  const cell = h('div', { class: 'sync', dataset: { state: s.state || '' } });
  const badge = h('span', { class: 'badge ' + (s.state === 'WALLET_SYNC_STATE_SYNCED' ? 'ok' : s.state === 'WALLET_SYNC_STATE_SYNCING' ? 'warn' : 'muted') }, name);
  cell.append(badge);
  if (s.progress !== null && s.progress !== undefined) {
    cell.append(' ', h('progress', { max: 1, value: s.progress, 'aria-label': `Sync progress of ${label}` }), ` ${percent(s.progress)}`);
  }
  if (Number(s.blocksBehind) > 0) cell.append(h('div', { class: 'hint' }, `${s.blocksBehind} blocks behind (indexed ${s.indexedBlock} of ${s.headBlock})`));
  cell.append(historyCell(s, label));
  return cell;
}

/** POST /v1/wallets/{id}/sync: a new history sync request; answers the wallet as it is then. */
export async function resync(walletId) {
  const res = await api(`/v1/wallets/${encodeURIComponent(walletId)}/sync`, { method: 'POST', body: {} });
  return res.wallet;
}
