// One wallet: its sync (chain and history, with resync), holdings valued in USD (unpriced tokens named with the
// reason, stale prices marked, the total of the priced ones), the wallet's USD value and each token's balance over
// time at a chosen resolution (the provisional open window drawn and listed as such), its transfers with keyset
// paging and filters, and new transfers live over SSE.
import { h, replace, errorBox, field, table, tableRow, announce } from '../dom.js';
import { api, stream, query } from '../api.js';
import { session } from '../auth.js';
import { signInPrompt } from '../prompt.js';
import { formatUnits, toNumber, shortAddress, enumName, time, tokenLabel } from '../format.js';
import { lineChart } from '../chart.js';
import { syncCell, syncing, resync } from '../sync.js';

const PAGE = 50;
const RESOLUTIONS = [[3600, '1 hour'], [86400, '1 day']];
const KINDS = ['LOG', 'CALL', 'INTERNAL', 'FEE', 'BURN', 'WITHDRAWAL', 'SELFDESTRUCT', 'BLOCK_REWARD', 'UNCLE_REWARD', 'GENESIS', 'IRREGULAR', 'NONSTANDARD_OUTPUT'];
const STANDARDS = ['NATIVE', 'ERC20', 'ERC721', 'ERC1155'];
const TRANSFER_COLUMNS = [{ label: 'Block', num: true }, { label: 'Time' }, { label: 'Direction' }, { label: 'Kind' }, { label: 'Token' },
  { label: 'From' }, { label: 'To' }, { label: 'Amount', num: true }, { label: 'Final' }, { label: 'Transaction' }];

/** The balance's ValueView (currency=usd answers); null when the answer carries none. */
function usdOf(row) {
  return row.value && typeof row.value === 'object' ? row.value : null;
}

/** A value cell: the exact USD figure (stale prices marked), or why the token has none. */
function valueCell(v) {
  if (!v) return '—';
  if (!v.priced) return h('span', { class: 'unpriced', dataset: { priced: 'false' } }, 'not priced', v.reason ? h('span', { class: 'hint' }, ': ' + v.reason) : null);
  const title = `${v.price} USD per token from ${v.source}, confidence ${v.confidence}` + (v.priceAsOf ? `, price as of ${time(v.priceAsOf)}` : '');
  return h('span', { class: 'usd', title, dataset: { priced: 'true', stale: v.stale ? 'true' : 'false' } },
    h('span', { class: 'exact' }, v.value), v.stale ? h('span', { class: 'badge warn', title: 'the last known good price: no source answered recently' }, ' stale price') : null);
}

export function walletPage(root, walletId) {
  replace(root, h('p', {}, h('a', { href: '#/wallets' }, '← All wallets')), h('h1', {}, 'Wallet'));
  if (!session()) {
    root.append(signInPrompt('A wallet'));
    return () => {};
  }
  const stops = [];
  const holdingsBox = h('div');
  const syncBox = h('div', { id: 'wallet-sync' });
  const syncMessage = h('div', { 'aria-live': 'polite' });
  const chartsBox = h('div', { class: 'charts' });
  const transfersBox = h('div');
  const liveStatus = h('span', { class: 'badge muted', id: 'live-status' }, 'live: connecting');
  const resolution = h('select', { name: 'resolution' }, RESOLUTIONS.map(([s, l]) => h('option', { value: s }, l)));
  const heading = root.querySelector('h1');
  let wallet;
  let chartStops = [];

  root.append(h('h2', {}, 'Sync'), syncBox, syncMessage, h('h2', {}, 'Holdings'), holdingsBox,
    h('h2', {}, 'Value and balances over time'),
    h('form', { class: 'inline', onsubmit: (ev) => ev.preventDefault() }, field('Resolution', resolution)),
    h('p', { class: 'legend-note' }, 'Solid: closed windows. Dashed, hollow: the window still open, whose values change as blocks arrive (provisional).'),
    chartsBox,
    h('h2', {}, 'Transfers ', liveStatus), transfersBox);
  resolution.addEventListener('change', () => charts());

  // the button stays while the state under it is redrawn (a running sync's ETA changes every update): focus is kept
  const syncState = h('div');
  const resyncButton = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try {
      wallet = await resync(walletId);
      showSync();
      watchSync();
      const hs = (wallet.sync || {}).history || {};
      const text = 'Resync requested: history sync ' + enumName(hs.state, 'WALLET_HISTORY_SYNC_STATE_') + (hs.generation ? ` (request ${hs.generation}).` : '.');
      replace(syncMessage, h('p', { class: 'ok-text' }, text));
      announce(text);
    } catch (e) {
      replace(syncMessage, errorBox(e));
    }
  } }, 'Resync');
  function showSync() {
    resyncButton.setAttribute('aria-label', `Resync ${wallet.label || wallet.address}`);
    replace(syncState, syncCell(wallet));
    if (!syncBox.children.length) replace(syncBox, syncState, h('p', {}, resyncButton));
  }

  // the sync state live while something is left to sync; the stream ends by itself once the sync completes or fails
  let stopSync = null;
  function watchSync() {
    if (stopSync) stopSync();
    stopSync = null;
    if (!syncing(wallet.sync)) return;
    stopSync = stream(`/v1/wallets/${encodeURIComponent(walletId)}/sync/stream`, (event, msg) => {
      if (event !== 'walletSync') return;
      wallet.sync = msg.sync;
      showSync();
      if (msg.complete) {
        const failed = ((msg.sync || {}).history || {}).state === 'WALLET_HISTORY_SYNC_STATE_FAILED';
        announce(failed ? 'The history sync failed.' : 'The wallet is synced.');
      }
    }, () => {});
  }
  stops.push(() => { if (stopSync) stopSync(); });

  async function holdings() {
    const res = await api(`/v1/wallets/${encodeURIComponent(walletId)}/balances` + query({ currency: 'usd' }));
    wallet = res.wallet;
    showSync();
    heading.textContent = 'Wallet ' + (wallet.label || shortAddress(wallet.address));
    document.title = heading.textContent + ' · chaintrack';
    const priced = res.balances.some((b) => usdOf(b) !== null);
    const cols = [{ label: 'Token' }, { label: 'Standard' }, { label: 'Token id' }, { label: 'Balance', num: true }];
    if (priced) cols.push({ label: 'Value (USD)', num: true });
    cols.push({ label: 'As of block', num: true });
    const rows = res.balances.map((b) => {
      const cells = [h('span', { title: b.name || b.token }, tokenLabel(b)), enumName(b.standard, 'TOKEN_STANDARD_'), b.tokenId || '—',
        h('span', {}, formatUnits(b.balance, b.decimals), b.negative ? h('span', { class: 'badge bad' }, ' negative') : null)];
      if (priced) cells.push(valueCell(usdOf(b)));
      cells.push(b.blockNumber);
      return cells;
    });
    const total = res.totalValue;
    const unpriced = total ? (total.unpricedTokens || []) : [];
    replace(holdingsBox, h('p', {}, h('code', {}, wallet.address), ` on chain ${wallet.chainId}`),
      total ? h('p', { class: 'total-value', id: 'total-value' }, 'Total value: ', h('strong', { class: 'exact' }, total.value), ' USD',
        h('span', { class: 'hint' }, ` (${total.priced || 0} priced` + (unpriced.length ? `; ${unpriced.length} not priced, left out: ${unpriced.map(shortAddress).join(', ')}` : '') + ')'),
        total.stale ? h('span', { class: 'badge warn' }, ' includes stale prices') : null) : null,
      rows.length ? table('Current balances', cols, rows) : h('p', {}, 'No balances yet.'),
      priced ? null : h('p', { class: 'legend-note' }, 'Token amounts only: this server does not price holdings.'));
  }

  let chartsGeneration = 0;
  async function charts() {
    // only the latest request draws: a resolution changed twice quickly must not leave both answers' charts
    const generation = ++chartsGeneration;
    const w = Number(resolution.value);
    try {
      const [res, balances, valued] = await Promise.all([
        api(`/v1/chains/${wallet.chainId}/addresses/${wallet.address}/history` + query({ window_seconds: w })),
        api(`/v1/wallets/${encodeURIComponent(walletId)}/balances`).catch(() => ({ balances: [] })),
        api(`/v1/wallets/${encodeURIComponent(walletId)}/history` + query({ window_seconds: w, currency: 'usd' }))]);
      if (generation !== chartsGeneration) return;
      for (const stop of chartStops) stop();
      chartStops = [];
      replace(chartsBox);
      const values = (valued.history && valued.history.values) || [];
      if (values.length) {
        // each point is the wallet's value at a window's end (now for the open window): Σ priced balance × price
        chartStops.push(lineChart(chartsBox, {
          title: `Wallet value in USD per ${RESOLUTIONS.find(([s]) => s === w)[1]}`,
          x: values.map((v) => Date.parse(v.valuedAt) / 1000), yLabel: 'USD',
          series: [{ label: 'value (USD)', values: values.map((v) => (v.value === '' ? null : Number(v.value))), stroke: '#1b6b34' }],
          tableCaption: 'Wallet value in USD at the end of each window',
          tableColumns: [{ label: 'Valued at' }, { label: 'Value (USD)', num: true }, { label: 'Priced tokens', num: true }, { label: 'Not priced' }, { label: 'Prices' }],
          tableRows: values.map((v) => [time(v.valuedAt), h('span', { class: 'exact' }, v.value), v.priced || 0,
            (v.unpricedTokens || []).map(shortAddress).join(', ') || '—', v.stale ? 'some stale' : 'fresh']),
        }));
        chartsBox.lastElementChild.dataset.chart = 'value';
      }
      const decimalsOf = (t) => (balances.balances.find((b) => b.token === t.token) || {}).decimals;
      for (const t of res.tokens) {
        if (!t.windows.length) continue;
        const decimals = decimalsOf(t);
        const x = t.windows.map((win) => Date.parse(win.windowStart) / 1000);
        const closed = t.windows.map((win) => (win.provisional ? null : toNumber(win.balance, decimals)));
        // the open window joins the last closed one with a dashed segment
        const open = t.windows.map((win, i) => {
          const next = t.windows[i + 1];
          return win.provisional || (next && next.provisional) ? toNumber(win.balance, decimals) : null;
        });
        const name = (t.token === 'native' ? 'native' : shortAddress(t.token)) + (t.tokenId ? ' #' + t.tokenId : '');
        chartStops.push(lineChart(chartsBox, {
          title: `${name} balance per ${RESOLUTIONS.find(([s]) => s === w)[1]}`,
          x, yLabel: 'balance',
          series: [{ label: 'balance', values: closed }, { label: 'provisional', values: open, dash: [6, 4], stroke: '#b35c00' }],
          tableCaption: `${name}: balance at the end of each window`,
          tableColumns: [{ label: 'Window start' }, { label: 'Balance', num: true }, { label: 'Change', num: true }, { label: 'State' }],
          tableRows: t.windows.map((win) => [time(win.windowStart), h('span', { class: 'exact' }, win.balance), win.delta,
            win.provisional ? 'provisional (open window)' : win.finalized ? 'final' : 'closed']),
        }));
        chartsBox.lastElementChild.dataset.token = t.token + (t.tokenId ? ':' + t.tokenId : '');
      }
      if (!chartsBox.querySelector('figure[data-token]')) chartsBox.append(h('p', {}, 'No balance history at this resolution.'));
    } catch (e) {
      if (generation === chartsGeneration) replace(chartsBox, errorBox(e));
    }
  }

  // transfers: keyset pages, a stack of the cursors that opened each page so "Newer" can go back
  const filters = { direction: '', standard: '', kind: '', min_amount: '' };
  let cursors = [''];
  let nextCursor = '';
  let rowsShown = [];
  const tbodyHolder = h('div');
  const pageInfo = h('span', { 'aria-live': 'polite' });
  const newer = h('button', { type: 'button', class: 'secondary', onclick: () => { cursors.pop(); loadPage(); } }, 'Newer');
  const older = h('button', { type: 'button', class: 'secondary', onclick: () => { cursors.push(nextCursor); loadPage(); } }, 'Older');
  const selects = {
    direction: h('select', { name: 'direction' }, h('option', { value: '' }, 'both'), h('option', { value: 'DIRECTION_INCOMING' }, 'incoming'),
      h('option', { value: 'DIRECTION_OUTGOING' }, 'outgoing')),
    standard: h('select', { name: 'standard' }, h('option', { value: '' }, 'all'), STANDARDS.map((s) => h('option', { value: 'TOKEN_STANDARD_' + s }, s))),
    kind: h('select', { name: 'kind' }, h('option', { value: '' }, 'all'), KINDS.map((k) => h('option', { value: 'TRANSFER_KIND_' + k }, k.toLowerCase().replace(/_/g, ' ')))),
    min_amount: h('input', { name: 'min_amount', inputmode: 'numeric', autocomplete: 'off', size: 12 }),
  };
  const filterForm = h('form', { class: 'filters', 'aria-label': 'Transfer filters', onsubmit: (ev) => {
    ev.preventDefault();
    for (const k of Object.keys(filters)) filters[k] = selects[k].value.trim();
    cursors = [''];
    loadPage();
    watchLive();
  } }, field('Direction', selects.direction), field('Standard', selects.standard), field('Kind', selects.kind),
  field('Minimum amount', selects.min_amount, 'smallest unit'), h('button', { type: 'submit' }, 'Apply filters'));
  replace(transfersBox, filterForm, h('div', { class: 'pager' }, newer, older, pageInfo), tbodyHolder);

  function direction(t) {
    const a = wallet.address;
    if (t.fromAddress === a && t.toAddress === a) return 'self';
    return t.toAddress === a ? 'in' : 'out';
  }

  function transferCells(t) {
    return [t.blockNumber, time(t.blockTime), direction(t), enumName(t.kind, 'TRANSFER_KIND_') || '—',
      t.token === 'native' ? 'native' : h('code', { title: t.token }, shortAddress(t.token)),
      h('code', { title: t.fromAddress }, shortAddress(t.fromAddress)), h('code', { title: t.toAddress }, shortAddress(t.toAddress)),
      t.amount + (t.tokenId ? ` (id ${t.tokenId})` : ''), t.finalized ? 'yes' : 'not yet', h('code', { title: t.txHash }, shortAddress(t.txHash))];
  }

  function key(t) {
    return [t.blockHash, t.txIndex, t.logIndex, t.traceAddress, t.batchIndex].join(':');
  }

  let pageGeneration = 0;
  async function loadPage() {
    const generation = ++pageGeneration;
    const path = `/v1/chains/${wallet.chainId}/addresses/${wallet.address}/transfers`;
    try {
      const res = await api(path + query({ limit: PAGE, cursor: cursors[cursors.length - 1], ...filters }));
      if (generation !== pageGeneration) return;
      nextCursor = res.nextCursor;
      rowsShown = res.transfers;
      replace(tbodyHolder, table('Transfers, newest first', TRANSFER_COLUMNS, res.transfers.map(transferCells),
        (i) => ({ dataset: { key: key(res.transfers[i]) } })));
      newer.disabled = cursors.length <= 1;
      older.disabled = !nextCursor;
      pageInfo.textContent = `Page ${cursors.length}: ${res.transfers.length} transfers` + (nextCursor ? '' : ' (last page)');
    } catch (e) {
      replace(tbodyHolder, errorBox(e));
    }
  }

  let stopLive = () => {};
  function watchLive() {
    stopLive();
    liveStatus.className = 'badge muted';
    liveStatus.textContent = 'live: connecting';
    const { direction: dir, standard, min_amount: minAmount } = filters;
    stopLive = stream(`/v1/chains/${wallet.chainId}/addresses/${wallet.address}/transfers/stream` + query({ direction: dir, standard, min_amount: minAmount }),
      (event, msg) => {
        if (event !== 'transfer') return;
        const t = msg.transfer;
        const tbody = tbodyHolder.querySelector('tbody');
        if (msg.removed) {
          const row = tbody && tbody.querySelector(`tr[data-key="${CSS.escape(key(t))}"]`);
          if (row) row.classList.add('removed');
          announce(`A transfer in block ${t.blockNumber} was removed by a reorg.`);
          return;
        }
        if (filters.kind && t.kind !== filters.kind) return;
        announce(`New transfer: ${direction(t)} ${t.amount} in block ${t.blockNumber}.`);
        if (cursors.length === 1 && tbody) {
          tbody.prepend(tableRow(TRANSFER_COLUMNS, transferCells(t), { class: 'new', dataset: { key: key(t) } }));
        }
        holdings().catch(() => {});
      }, (e) => {
        liveStatus.className = 'badge bad';
        liveStatus.textContent = 'live: stopped (' + e.message + ')';
      }, () => {
        liveStatus.className = 'badge ok';
        liveStatus.textContent = 'live';
      });
  }
  stops.push(() => stopLive());

  (async () => {
    try {
      await holdings();
      watchSync();
      await Promise.all([charts(), loadPage()]);
      watchLive();
    } catch (e) {
      replace(holdingsBox, errorBox(e));
    }
  })();
  return () => { for (const s of stops) s(); for (const s of chartStops) s(); };
}
