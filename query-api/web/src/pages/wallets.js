// The signed-in user's wallets: list with sync state (chain indexing and the history sync, live while either runs),
// add, CSV upload, label, resync (POST /v1/wallets/{id}/sync), delete.
import { h, replace, errorBox, field, table, announce } from '../dom.js';
import { api, stream, query } from '../api.js';
import { session } from '../auth.js';
import { signInPrompt } from '../prompt.js';
import { shortAddress } from '../format.js';
import { syncCell, syncing, resync } from '../sync.js';

const COLUMNS = [{ label: 'Label' }, { label: 'Chain' }, { label: 'Address' }, { label: 'Sync' }, { label: 'Actions' }];
/** Live sync streams opened at once: each takes one of the user's stream slots (10 per replica by default). */
const MAX_SYNC_STREAMS = 4;

export function walletsPage(root) {
  replace(root, h('h1', {}, 'Wallets'));
  if (!session()) {
    root.append(signInPrompt('Your wallets list'));
    return () => {};
  }
  const stops = new Set();
  const state = { chains: [], wallets: [], cursor: '' };
  const message = h('div', { 'aria-live': 'polite' });
  const listBox = h('div');

  const chainSelect = h('select', { name: 'chainId', required: true });
  const address = h('input', { name: 'address', required: true, autocomplete: 'off', spellcheck: 'false', placeholder: '0x…', size: 44 });
  const label = h('input', { name: 'label', maxlength: 200, autocomplete: 'off' });
  const tags = h('input', { name: 'tags', autocomplete: 'off' });
  const addForm = h('form', { class: 'inline', 'aria-label': 'Add a wallet', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      const body = { chainId: chainSelect.value, address: address.value.trim(), label: label.value,
        tags: tags.value.split(',').map((t) => t.trim()).filter(Boolean) };
      const res = await api('/v1/wallets', { method: 'POST', body });
      const text = res.created ? 'Added wallet ' + (res.wallet.label || res.wallet.address) + '.'
        : 'You already have ' + res.wallet.address + ' on this chain.';
      replace(message, h('p', { class: 'ok-text' }, text));
      announce(text);
      addForm.reset();
      await reload();
    } catch (e) {
      replace(message, errorBox(e));
    }
  } },
  field('Chain', chainSelect), field('Address', address, '0x + 40 hex digits (or the chain\'s address format)'),
  field('Label', label), field('Tags', tags, 'comma-separated'), h('button', { type: 'submit' }, 'Add wallet'));

  const file = h('input', { type: 'file', name: 'csv', accept: '.csv,text/csv', required: true });
  const uploadForm = h('form', { class: 'inline', 'aria-label': 'Upload wallets from CSV', onsubmit: async (ev) => {
    ev.preventDefault();
    if (!file.files.length) return;
    try {
      const text = await file.files[0].text();
      const res = await api('/v1/wallets/import', { method: 'POST', body: text, contentType: 'text/csv' });
      const summary = `Upload: ${res.created} created, ${res.updated} updated, ${res.errors.length} rows refused.`;
      replace(message, h('div', {}, h('p', { class: res.errors.length ? null : 'ok-text' }, summary),
        res.errors.length ? h('ul', { class: 'error' }, res.errors.map((e) => h('li', {}, `line ${e.line}, ${e.column}: ${e.message}`))) : null));
      announce(summary);
      uploadForm.reset();
      await reload();
    } catch (e) {
      replace(message, errorBox(e));
    }
  } }, field('CSV file', file, 'header chain_id,address,label[,tags]; tags separated by ;'), h('button', { type: 'submit' }, 'Upload CSV'));

  root.append(h('section', { class: 'panel', 'aria-labelledby': 'add-h' }, h('h2', { id: 'add-h' }, 'Add a wallet'), addForm),
    h('section', { class: 'panel', 'aria-labelledby': 'up-h' }, h('h2', { id: 'up-h' }, 'Upload a CSV file'), uploadForm),
    message, h('h2', {}, 'Your wallets'), listBox);

  function chainName(id) {
    const c = state.chains.find((x) => x.chainId === id);
    return c ? `${c.name} (${id})` : id;
  }

  function actions(w) {
    const box = h('div', { class: 'actions' });
    const name = w.label || w.address;
    const rename = h('button', { type: 'button', class: 'secondary', 'aria-label': `Edit label of ${name}`, onclick: () => {
      const input = h('input', { value: w.label, maxlength: 200, 'aria-label': `New label for ${w.address}` });
      const save = h('button', { type: 'submit' }, 'Save');
      const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => render() }, 'Cancel');
      const form = h('form', { class: 'inline', onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          await api(`/v1/wallets/${encodeURIComponent(w.walletId)}`, { method: 'PATCH', body: { label: input.value, updateFields: ['label'] } });
          announce('Label saved.');
          await reload();
        } catch (e) {
          replace(message, errorBox(e));
        }
      } }, input, save, cancel);
      replace(box, form);
      input.focus();
    } }, 'Edit label');
    box.append(rename);
    box.append(h('button', { type: 'button', class: 'secondary', 'aria-label': `Resync ${name}`, onclick: async () => {
      try {
        const wallet = await resync(w.walletId);
        const hs = (wallet.sync || {}).history || {};
        const text = `Resync requested for ${name}: history sync ${hs.state ? hs.state.replace('WALLET_HISTORY_SYNC_STATE_', '').toLowerCase().replace(/_/g, ' ') : 'requested'}`
          + (hs.generation ? ` (request ${hs.generation}).` : '.');
        await reload();
        replace(message, h('p', { class: 'ok-text' }, text));
        announce(text);
      } catch (e) {
        replace(message, errorBox(e));
      }
    } }, 'Resync'));
    const del = h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${name}`, onclick: async () => {
      if (del.dataset.confirm !== 'yes') {
        del.dataset.confirm = 'yes';
        del.textContent = 'Confirm delete';
        del.setAttribute('aria-label', `Confirm: delete ${name}`);
        del.focus();
        return;
      }
      try {
        await api(`/v1/wallets/${encodeURIComponent(w.walletId)}`, { method: 'DELETE' });
        announce('Deleted ' + name + '.');
        replace(message, h('p', { class: 'ok-text' }, 'Deleted ' + name + '.'));
        await reload();
      } catch (e) {
        replace(message, errorBox(e));
      }
    } }, 'Delete');
    box.append(del);
    return box;
  }

  function render() {
    if (!state.wallets.length) {
      replace(listBox, h('p', {}, 'No wallets yet: add one above or upload a CSV file.'));
      return;
    }
    const rows = state.wallets.map((w) => [
      h('a', { href: `#/wallets/${encodeURIComponent(w.walletId)}` }, w.label || shortAddress(w.address)),
      chainName(w.chainId), h('code', {}, w.address), syncCell(w), actions(w)]);
    replace(listBox, table(`${state.wallets.length} wallets`, COLUMNS, rows, (i) => ({ dataset: { walletId: state.wallets[i].walletId } })),
      state.cursor ? h('button', { type: 'button', class: 'secondary', onclick: () => more() }, 'Show more wallets') : null);
    watchSync();
  }

  function watchSync() {
    for (const stop of stops) stop();
    stops.clear();
    const open = state.wallets.filter((w) => w.sync && syncing(w.sync)).slice(0, MAX_SYNC_STREAMS);
    for (const w of open) {
      const stop = stream(`/v1/wallets/${encodeURIComponent(w.walletId)}/sync/stream`, (event, msg) => {
        if (event !== 'walletSync') return;
        w.sync = msg.sync;
        const row = listBox.querySelector(`tr[data-wallet-id="${CSS.escape(w.walletId)}"]`);
        if (row) replace(row.children[3], syncCell(w));
        if (msg.complete) {
          const failed = ((msg.sync || {}).history || {}).state === 'WALLET_HISTORY_SYNC_STATE_FAILED';
          announce(`${w.label || w.address} ` + (failed ? 'history sync failed.' : 'is synced.'));
        }
      }, () => {});
      stops.add(stop);
    }
  }

  async function reload() {
    const res = await api('/v1/wallets' + query({ limit: 100 }));
    state.wallets = res.wallets;
    state.cursor = res.nextCursor;
    render();
  }

  async function more() {
    const res = await api('/v1/wallets' + query({ limit: 100, cursor: state.cursor }));
    state.wallets = state.wallets.concat(res.wallets);
    state.cursor = res.nextCursor;
    render();
  }

  (async () => {
    try {
      const chains = await api('/v1/chains');
      state.chains = chains.chains;
      replace(chainSelect, state.chains.map((c) => h('option', { value: c.chainId }, `${c.name} (${c.chainId})`)));
      await reload();
    } catch (e) {
      replace(listBox, errorBox(e));
    }
  })();
  return () => { for (const stop of stops) stop(); };
}
