// Drives the web app in headless Chromium (Debian's /usr/bin/chromium through playwright-core; never a downloaded
// browser) against the API that WebAppTest started. Prints "PASS <check>" per check, "CONTROL <command>" when the Java
// side must act on the chain (answered on stdin), and exits non-zero on the first failure. Screenshots go to ARTIFACTS.
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

const env = (k) => { if (!process.env[k]) throw new Error('missing env ' + k); return process.env[k]; };
const APP_URL = env('APP_URL');
const APP_ORIGIN = new URL(APP_URL).origin;
const ISSUER_ORIGIN = env('ISSUER_ORIGIN');
const ARTIFACTS = env('ARTIFACTS');
const CHART_ADDRESS = env('CHART_ADDRESS');
const BUSY_ADDRESS = env('BUSY_ADDRESS');
const BUSY_TRANSFERS = Number(env('BUSY_TRANSFERS'));
const FAILED_ADDRESS = env('FAILED_ADDRESS');
const HISTORY_FAILURE = env('HISTORY_FAILURE');
const NATIVE_PRICES = env('NATIVE_PRICES').split(',');

/** balance (smallest units) × price (whole USD, integer) for 18 decimals, as an exact plain decimal string. */
function handValue(balance, price, decimals = 18) {
  const digits = (BigInt(balance) * BigInt(price)).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, -decimals);
  const frac = digits.slice(-decimals).replace(/0+$/, '');
  return frac ? whole + '.' + frac : whole;
}
const WAIT = { timeout: 30000 };

const stdin = createInterface({ input: process.stdin });
const answers = [];
const waiting = [];
stdin.on('line', (line) => { if (waiting.length) waiting.shift()(line); else answers.push(line); });
function control(command) {
  console.log('CONTROL ' + command);
  return new Promise((resolve) => { if (answers.length) resolve(answers.shift()); else waiting.push(resolve); });
}

function check(condition, message) {
  if (!condition) throw new Error('check failed: ' + message);
}
function equal(actual, expected, message) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`check failed: ${message}\n  expected ${e}\n  actual   ${a}`);
}
const pass = (name) => console.log('PASS ' + name);

const browser = await chromium.launch({ executablePath: env('CHROMIUM'), headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
const consoleErrors = [];
const requests = [];
let page;
let main;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.on('request', (r) => requests.push({ url: r.url(), method: r.method(), navigation: r.isNavigationRequest() }));
  page = await context.newPage();
  // text is looked for in the page's content, not in the screen readers' live region that repeats it
  main = page.locator('main');
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push('page error: ' + e.message));
  const shot = (name) => page.screenshot({ path: join(ARTIFACTS, name + '.png'), fullPage: true });
  /** An API answer read by the page itself (same origin, the signed-in user's token): the oracle the UI must match. */
  const apiGet = (path) => page.evaluate(async (p) => {
    const s = JSON.parse(sessionStorage.getItem('chaintrack.session'));
    const r = await fetch(p, { headers: { authorization: 'Bearer ' + s.token } });
    if (!r.ok) throw new Error(p + ': HTTP ' + r.status);
    return r.json();
  }, path);

  // sign-in: authorization code + PKCE at the provider, back to the app
  await page.goto(APP_URL);
  await main.getByText('needs you to sign in').waitFor(WAIT);
  await page.keyboard.press('Tab');
  equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content', 'the first tab stop is the skip link');
  await page.locator('#session button', { hasText: 'Sign in' }).click();
  await page.locator('#session').getByText('Signed in as').waitFor(WAIT);
  check(new URL(page.url()).search === '', 'the code is removed from the address bar: ' + page.url());
  await main.getByRole('heading', { name: 'Your wallets' }).waitFor(WAIT);
  pass('sign-in');

  // add a wallet by its form (labels name every field)
  await page.getByLabel('Chain', { exact: true }).selectOption('1');
  await page.getByLabel('Address', { exact: true }).fill(CHART_ADDRESS.toUpperCase().replace('0X', '0x'));
  await page.getByLabel('Label', { exact: true }).fill('chart wallet');
  await main.getByRole('button', { name: 'Add wallet' }).click();
  await main.getByText('Added wallet chart wallet.').waitFor(WAIT);
  await main.getByRole('link', { name: 'chart wallet', exact: true }).waitFor(WAIT);
  pass('add wallet');

  // CSV upload: two rows applied, the third refused with its line and column
  await page.getByLabel('CSV file', { exact: true }).setInputFiles(env('CSV_FILE'));
  await main.getByRole('button', { name: 'Upload CSV' }).click();
  await main.getByText('Upload: 2 created, 0 updated, 1 rows refused.').waitFor(WAIT);
  await main.getByText(/line 4, address: /).waitFor(WAIT);
  await main.getByRole('link', { name: 'busy one', exact: true }).waitFor(WAIT);
  equal(await page.locator('tbody tr').count(), 3, 'three wallets listed');
  // sync state: chain 2 is indexed to its head; chain 1 is 10 blocks behind its head of 50
  const syncOf = (label) => page.locator('tbody tr', { has: page.getByRole('link', { name: label }) }).locator('.sync');
  await syncOf('busy one').getByText('synced').waitFor(WAIT);
  await syncOf('chart wallet').getByText('syncing').waitFor(WAIT);
  equal(await syncOf('chart wallet').getByRole('progressbar', { name: 'Sync progress of chart wallet', exact: true }).getAttribute('value'), '0.8', 'progress = indexed 40 / head 50');
  await syncOf('chart wallet').getByText('10 blocks behind (indexed 40 of 50)').waitFor(WAIT);
  await shot('wallets');
  pass('csv upload');

  // history sync: the chart wallet's is running (150 of 300 blocks, 7 transfers), B's failed with the explorer's
  // answer; resync B and the API then reports a new queued request
  const historyOf = (label) => syncOf(label).locator('.history-sync');
  await historyOf('chart wallet').and(page.locator('[data-history-state="RUNNING"]')).waitFor(WAIT);
  equal(await historyOf('chart wallet').locator('progress').getAttribute('value'), '0.5', 'history progress = 150 / 300 blocks');
  await historyOf('chart wallet').getByText('150 of 300 blocks, 7 transfers found (history up to block 99)').waitFor(WAIT);
  check(Number(await historyOf('chart wallet').locator('.history-eta').getAttribute('data-seconds')) > 0, 'an ETA while running');
  await historyOf('chart wallet').getByText(/^about .+ left$/).waitFor(WAIT);
  const failedLabel = 'B, with a comma';
  await historyOf(failedLabel).and(page.locator('[data-history-state="FAILED"]')).waitFor(WAIT);
  await historyOf(failedLabel).getByText('Failed: ' + HISTORY_FAILURE).waitFor(WAIT);
  const walletOf = async (address) => (await apiGet('/v1/wallets')).wallets.find((w) => w.address === address);
  const before = (await walletOf(FAILED_ADDRESS)).sync.history;
  equal([before.state, before.reason], ['WALLET_HISTORY_SYNC_STATE_FAILED', HISTORY_FAILURE], 'the API reports the failure the list shows');
  await main.getByRole('button', { name: 'Resync ' + failedLabel }).focus();
  await page.keyboard.press('Enter');
  const requested = String(Number(before.generation) + 1);
  await main.getByText(`Resync requested for ${failedLabel}: history sync queued (request ${requested}).`).waitFor(WAIT);
  await historyOf(failedLabel).and(page.locator('[data-history-state="QUEUED"]')).waitFor(WAIT);
  const after = (await walletOf(FAILED_ADDRESS)).sync.history;
  equal([after.state, after.generation, after.reason || ''], ['WALLET_HISTORY_SYNC_STATE_QUEUED', requested, ''],
    'the API reports the new request: queued, one generation up, no failure');
  await historyOf(failedLabel).getByText('request ' + requested).waitFor(WAIT);
  await shot('wallets-history-sync');
  pass('history sync and resync');

  // label, by keyboard only
  await main.getByRole('button', { name: 'Edit label of busy one' }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('busy wallet');
  await page.keyboard.press('Enter');
  await main.getByRole('link', { name: 'busy wallet', exact: true }).waitFor(WAIT);
  pass('label');

  // chart: its points are the API's windows (and the seeded balances: 100, 150, 120, 200, 180, then the open window 200)
  await main.getByRole('link', { name: 'chart wallet', exact: true }).click();
  await main.getByRole('heading', { name: 'Wallet chart wallet' }).waitFor(WAIT);
  const chartWalletId = (await walletOf(CHART_ADDRESS)).walletId;
  // the wallet page shows the same history sync
  await page.locator('#wallet-sync [data-history-state="RUNNING"]').waitFor(WAIT);
  for (const [seconds, seeded] of [[3600, ['100', '150', '120', '200', '180', '200']], [86400, ['180']]]) {
    await page.getByLabel('Resolution', { exact: true }).selectOption(String(seconds));
    const chart = page.locator(`figure.chart[data-token="native"]`);
    await chart.locator('h3', { hasText: seconds === 3600 ? 'per 1 hour' : 'per 1 day' }).waitFor(WAIT);
    const api = await apiGet(`/v1/chains/1/addresses/${CHART_ADDRESS}/history?window_seconds=${seconds}`);
    const windows = api.tokens.find((t) => t.token === 'native').windows;
    equal(windows.map((w) => w.balance), seeded, `the API's ${seconds} s windows are the seeded ones`);
    const drawn = await chart.locator('.plot').evaluate((el) => el.uplot.data);
    equal(drawn[0], windows.map((w) => Date.parse(w.windowStart) / 1000), 'x of every point = the window starts');
    equal(drawn[1], windows.map((w) => (w.provisional ? null : Number(w.balance))), 'closed windows drawn solid at their balance');
    const lastClosed = windows.map((w) => !w.provisional).lastIndexOf(true);
    equal(drawn[2], windows.map((w, i) => (w.provisional || (i === lastClosed && windows.some((x) => x.provisional)) ? Number(w.balance) : null)),
      'the provisional window drawn apart, joined to the last closed one');
    const rows = await chart.locator('details tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.cells[1].textContent, tr.cells[3].textContent]));
    equal(rows, windows.map((w) => [w.balance, w.provisional ? 'provisional (open window)' : w.finalized ? 'final' : 'closed']),
      'the chart\'s table lists the exact balances and which window is provisional');
    // the wallet's value chart: its points are the API's values at each window's end
    const valueChart = page.locator('figure.chart[data-chart="value"]');
    await valueChart.locator('h3', { hasText: seconds === 3600 ? 'per 1 hour' : 'per 1 day' }).waitFor(WAIT);
    const valued = (await apiGet(`/v1/wallets/${chartWalletId}/history?window_seconds=${seconds}&currency=usd`)).history.values;
    const valueData = await valueChart.locator('.plot').evaluate((el) => el.uplot.data);
    equal(valueData[0], valued.map((v) => Date.parse(v.valuedAt) / 1000), 'value chart x = the API\'s valuedAt');
    equal(valueData[1], valued.map((v) => Number(v.value)), 'value chart y = the API\'s values');
    equal(await valueChart.locator('details tbody tr').evaluateAll((trs) => trs.map((tr) => tr.cells[1].textContent)),
      valued.map((v) => v.value), 'the value chart\'s table lists the exact values');
    // by hand: the first closed window's balance × the price then (2000 before 02:55, 2500 after)
    const firstEnd = Date.parse(windows[0].windowStart) + seconds * 1000;
    const priceThen = firstEnd <= Date.parse('2024-01-01T02:55:00Z') ? NATIVE_PRICES[0] : NATIVE_PRICES[1];
    equal([valued[0].valuedAt, valued[0].value], [new Date(firstEnd).toISOString().replace('.000Z', 'Z'), handValue(windows[0].balance, priceThen)],
      'first value = balance × price by hand');
    if (seconds === 3600) {
      equal(valued.length, windows.length, 'one value per window (the open one valued now)');
      check(windows[windows.length - 1].provisional === true, 'the hour-7 window is provisional');
      await shot('wallet-chart');
    }
  }
  pass("chart points equal the API's windows");

  // holdings in USD: each row's value is the API's (native by hand: balance × the latest price, stale since 2024),
  // NFTs and unpriced tokens say why, the total is the API's
  const valuedNow = await apiGet(`/v1/wallets/${chartWalletId}/balances?currency=usd`);
  const holdingsTable = page.locator('table', { has: page.locator('caption', { hasText: 'Current balances' }) });
  const shown = await holdingsTable.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => {
    const cell = tr.cells[4];
    const usd = cell.querySelector('.usd');
    return usd ? { priced: true, value: usd.querySelector('.exact').textContent, stale: usd.dataset.stale === 'true' }
      : { priced: false, text: cell.textContent };
  }));
  equal(shown, valuedNow.balances.map((b) => (b.value.priced ? { priced: true, value: b.value.value, stale: !!b.value.stale }
    : { priced: false, text: 'not priced' + (b.value.reason ? ': ' + b.value.reason : '') })), 'each holding\'s USD value or reason is the API\'s');
  const nativeNow = valuedNow.balances.find((b) => b.token === 'native');
  equal([nativeNow.value.value, nativeNow.value.stale], [handValue(nativeNow.balance, NATIVE_PRICES[1]), true],
    'native now = balance × 2500 (the last known good price, stale)');
  check(valuedNow.balances.some((b) => !b.value.priced && b.value.reason), 'some holding is unpriced with a reason');
  equal(await page.locator('#total-value strong').textContent(), valuedNow.totalValue.value, 'the total is the API\'s');
  equal(valuedNow.totalValue.value, nativeNow.value.value, 'the total = the only priced holding (unpriced ones left out, not 0)');
  await page.locator('#total-value').getByText('includes stale prices').waitFor(WAIT);
  await shot('wallet-usd');
  pass('USD values, total and value chart');

  // the history sync finishing shows up live on the wallet page (its sync stream), as the API then reports it
  await control('history-done');
  await page.locator('#wallet-sync [data-history-state="DONE"]').waitFor(WAIT);
  equal((await walletOf(CHART_ADDRESS)).sync.history.state, 'WALLET_HISTORY_SYNC_STATE_DONE', 'the API reports it done');
  pass('history sync done, live');

  // paging to the end of a busy wallet's transfers, newest first, nothing twice
  await page.goto(APP_URL + '#/wallets');
  await main.getByRole('link', { name: 'busy wallet', exact: true }).click();
  await main.getByRole('heading', { name: 'Wallet busy wallet' }).waitFor(WAIT);
  const transfers = page.locator('table', { has: page.locator('caption', { hasText: 'Transfers, newest first' }) });
  async function walk() {
    const keys = [];
    const blocks = [];
    const kinds = [];
    for (let pageNo = 1; ; pageNo++) {
      await main.getByText(new RegExp(`^Page ${pageNo}: `)).waitFor(WAIT);
      const rows = await transfers.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.key, Number(tr.cells[0].textContent), tr.cells[3].textContent]));
      for (const [k, b, kind] of rows) { keys.push(k); blocks.push(b); kinds.push(kind); }
      const older = page.getByRole('button', { name: 'Older' });
      if (await older.isDisabled()) {
        await main.getByText(new RegExp(`^Page ${pageNo}: .*\\(last page\\)`)).waitFor(WAIT);
        return { keys, blocks, kinds, pages: pageNo };
      }
      await older.click();
    }
  }
  const all = await walk();
  equal(all.keys.length, BUSY_TRANSFERS, 'every transfer of the busy wallet, over the pages');
  equal(new Set(all.keys).size, BUSY_TRANSFERS, 'no transfer twice');
  check(all.blocks.every((b, i) => i === 0 || b <= all.blocks[i - 1]), 'newest first across pages');
  equal(all.pages, Math.ceil(BUSY_TRANSFERS / 50), 'pages of 50');
  await main.getByRole('button', { name: 'Newer' }).click();
  await main.getByText(new RegExp(`^Page ${all.pages - 1}: 50 transfers$`)).waitFor(WAIT);
  await shot('transfers-last-pages');
  pass('paging to the end');

  // filters: kind fee (every third seeded transfer), then back to all
  await page.getByLabel('Kind', { exact: true }).selectOption('TRANSFER_KIND_FEE');
  await main.getByRole('button', { name: 'Apply filters' }).click();
  const fees = await walk();
  equal(fees.keys.length, Math.ceil(BUSY_TRANSFERS / 3), 'fee transfers');
  check(fees.kinds.every((k) => k === 'fee'), 'only fee rows');
  await page.getByLabel('Kind', { exact: true }).selectOption('');
  await main.getByRole('button', { name: 'Apply filters' }).click();
  await main.getByText(/^Page 1: 50 transfers$/).waitFor(WAIT);
  pass('filters');

  // a live transfer appears at the top of the first page
  await page.locator('#live-status', { hasText: /^live$/ }).waitFor(WAIT);
  const [, block, amount] = (await control('live-transfer')).split(' ');
  const first = transfers.locator('tbody tr').first();
  await first.and(page.locator('tr.new')).waitFor(WAIT);
  equal(await first.evaluate((tr) => [tr.cells[0].textContent, tr.cells[2].textContent, tr.cells[7].textContent]), [block, 'in', amount],
    'the new row is the transfer the chain wrote');
  await shot('live-transfer');
  pass('live transfer');

  // phone width: nothing wider than the screen, tables become label/value blocks
  await page.setViewportSize({ width: 390, height: 844 });
  for (const hash of ['#/wallets', '#/status', '#/wallets/' + encodeURIComponent((await walletOf(FAILED_ADDRESS)).walletId)]) {
    await page.goto(APP_URL + hash);
    await page.locator('tbody tr').first().waitFor(WAIT);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 390, `${hash} fits a 390 px screen (scroll width ${width})`);
    await shot('phone-' + hash.slice(2).split('/')[0] + (hash.split('/').length > 2 ? '-wallet' : ''));
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  pass('phone width');

  // analytics: the chart's points are the daily rows and the forecasts; anomalies with method and severity
  await page.goto(APP_URL + '#/analytics');
  await page.getByLabel('Chain', { exact: true }).selectOption('1');
  await main.getByRole('button', { name: 'Show' }).click();
  const daily = await apiGet('/v1/chains/1/analytics/daily');
  const forecasts = await apiGet('/v1/chains/1/analytics/forecasts?metric=transfers');
  const plot = page.locator('figure.chart .plot');
  await page.locator('figure.chart h3', { hasText: 'forecast after 2024-01-10' }).waitFor(WAIT);
  const data = await plot.evaluate((el) => el.uplot.data);
  equal(data[1].filter((v) => v !== null), daily.days.map((d) => Number(d.transfers)), 'actual points = daily transfers');
  equal(data[2].filter((v) => v !== null), forecasts.forecasts.map((f) => f.value), 'forecast points');
  equal(data[3].filter((v) => v !== null), forecasts.forecasts.map((f) => f.upper), 'upper band');
  equal(data[4].filter((v) => v !== null), forecasts.forecasts.map((f) => f.lower), 'lower band');
  equal(daily.days.length, 10, 'ten seeded days');
  const anomalyTable = page.locator('table', { has: page.locator('caption', { hasText: 'Anomalies' }) });
  await anomalyTable.locator('tbody tr').nth(1).waitFor(WAIT);
  const anomalyRows = await anomalyTable.locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [tr.cells[1].textContent, tr.cells[3].textContent, tr.cells[4].textContent]));
  equal(anomalyRows, [['transfers', 'ZSCORE', 'critical'], ['volume', 'IQR', 'warn']], 'anomalies with method and severity');
  await shot('analytics');
  pass('analytics');

  // status: chain 2 is Fresh while blocks arrive, Stale once the chain stops
  await page.goto(APP_URL + '#/status');
  const live = page.locator('tr[data-chain-id="2"]');
  await live.getByText('Fresh', { exact: true }).waitFor(WAIT);
  await page.locator('tr[data-chain-id="1"]').getByText('Stale', { exact: true }).waitFor(WAIT);
  const cellsOf = (caption) => page.locator('table', { has: page.locator('caption', { hasText: caption }) }).locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  const endpoints = await cellsOf('JSON-RPC endpoints');
  equal(endpoints.map((r) => r.slice(0, 4)), [['livenet', 'primary', '3', 'OPEN']], 'rate-limit hits and breaker state');
  const reconciliations = await cellsOf('Latest reconciliation');
  equal(reconciliations.map((r) => r.slice(0, 5)), [['1', 'MISMATCH', '2', '12345', '39']], 'reconciliation result');
  await shot('status-fresh');
  await control('stop-chain');
  await live.getByText('Stale', { exact: true }).waitFor(WAIT);
  await shot('status-stale');
  pass('status turns stale');

  // delete, with a confirming second press
  await page.goto(APP_URL + '#/wallets');
  await main.getByRole('button', { name: 'Delete chart wallet' }).click();
  await main.getByRole('button', { name: 'Confirm: delete chart wallet' }).click();
  await main.getByText('Deleted chart wallet.').waitFor(WAIT);
  await main.getByRole('link', { name: 'chart wallet', exact: true }).waitFor({ state: 'detached', ...WAIT });
  equal((await apiGet('/v1/wallets')).wallets.length, 2, 'the API has two wallets left');
  pass('delete');

  equal(consoleErrors, [], 'console errors');
  pass('no console errors');
  const outside = requests.filter((r) => {
    const u = new URL(r.url);
    if (u.origin === APP_ORIGIN) return false;
    // sign-in: the page is sent to the provider's authorization endpoint and exchanges the code at its token endpoint
    return !(u.origin === ISSUER_ORIGIN && ((r.navigation && u.pathname === '/default/authorize') || (r.method === 'POST' && u.pathname === '/default/token')
      || (r.method === 'OPTIONS' && u.pathname === '/default/token')));
  });
  equal(outside, [], 'requests outside the app origin');
  check(requests.some((r) => r.url.startsWith(ISSUER_ORIGIN + '/default/token')), 'the sign-in exchanged its code');
  pass("no request outside the app's origin");
} catch (e) {
  console.log('FAIL ' + (e.stack || e));
  if (consoleErrors.length) console.log('console errors so far: ' + JSON.stringify(consoleErrors));
  if (page) await page.screenshot({ path: join(ARTIFACTS, 'failure.png'), fullPage: true }).catch(() => {});
  await browser.close();
  process.exit(1);
}
await browser.close();
process.exit(0);
