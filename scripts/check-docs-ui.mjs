// Browser check of the query API's /docs page (run by scripts/check-docs-ui.sh): a real Chromium through
// playwright-core loads Swagger UI, which must render one operation per operation of /openapi.json, fetch
// nothing outside the API's origin, log no error, and answer "Try it out" -> Execute with 200 and JSON.
//   node scripts/check-docs-ui.mjs BASE_URL SCREENSHOT.png
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, screenshot] = process.argv.slice(2);
if (!base || !screenshot) {
  console.error('usage: node scripts/check-docs-ui.mjs BASE_URL SCREENSHOT.png');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
// the seeded address and chain of io.chaintrack.api.SeedData (DocsUiServer)
const TRY = { method: 'get', path: '/v1/chains/{chain_id}/addresses/{address}/transfers',
  params: { chain_id: '1', address: '0x' + 'a'.repeat(40), limit: '5' } };

const failures = [];
const fail = (message) => { failures.push(message); console.error('FAIL ' + message); };

const doc = await (await fetch(base + '/openapi.json')).json();
const expected = new Set();
for (const [path, item] of Object.entries(doc.paths)) {
  for (const method of Object.keys(item)) {
    if (['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method)) {
      expected.add(method + ' ' + path);
    }
  }
}

const userDataDir = mkdtempSync(join(tmpdir(), 'docs-ui-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const origin = new URL(base).origin;
  // /docs must work offline: anything outside the API's origin is refused and reported
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) {
      return route.continue();
    }
    fail('request outside the API: ' + url);
    return route.abort();
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') fail('console error: ' + m.text()); });
  page.on('pageerror', (e) => fail('page error: ' + e.message));
  page.on('response', (r) => { if (r.status() >= 400) fail(`HTTP ${r.status()} for ${r.url()}`); });

  const response = await page.goto(base + '/docs', { waitUntil: 'load' });
  if (response.status() !== 200) fail('/docs answered ' + response.status());
  await page.waitForSelector('.opblock', { timeout: 30000 });
  await page.waitForLoadState('networkidle');

  const rendered = await page.$$eval('.opblock', (blocks) => blocks.map((b) => {
    const method = b.querySelector('.opblock-summary-method')?.textContent.trim().toLowerCase();
    const path = b.querySelector('.opblock-summary-path')?.getAttribute('data-path');
    return method + ' ' + path;
  }));
  const renderedSet = new Set(rendered);
  for (const op of expected) if (!renderedSet.has(op)) fail('operation not rendered: ' + op);
  for (const op of renderedSet) if (!expected.has(op)) fail('rendered but not in /openapi.json: ' + op);
  if (rendered.length !== renderedSet.size) fail('an operation is rendered twice');
  const title = await page.textContent('.info .title').catch(() => null);
  if (!title || !title.includes(doc.info.title)) fail('title not rendered: ' + title);
  console.log(`rendered ${renderedSet.size} of ${expected.size} operations (${doc.info.title} ${doc.info.version})`);

  // Try it out -> Execute on one GET route with path and query parameters
  const block = page.locator(`.opblock-${TRY.method}:has(.opblock-summary-path[data-path="${TRY.path}"])`).first();
  await block.locator('.opblock-summary').first().click();
  await block.locator('button.try-out__btn').click();
  for (const [name, value] of Object.entries(TRY.params)) {
    await block.locator(`tr[data-param-name="${name}"] input`).first().fill(value);
  }
  const [apiResponse] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/v1/chains/1/addresses/') && r.request().method() === 'GET', { timeout: 30000 }),
    block.locator('button.execute').click(),
  ]);
  const status = apiResponse.status();
  const type = apiResponse.headers()['content-type'] || '';
  let body = null;
  try { body = await apiResponse.json(); } catch (e) { fail('Execute answered a body that is not JSON: ' + e.message); }
  if (status !== 200) fail(`Execute answered ${status}`);
  if (!type.startsWith('application/json')) fail('Execute answered content-type ' + type);
  if (!body || !Array.isArray(body.transfers) || body.transfers.length === 0) fail('Execute answered no transfers');
  else if (body.transfers.length > 5) fail('limit=5 was not applied: ' + body.transfers.length + ' transfers');
  // what the page shows: the status cell of the live response and its body
  const statusCell = block.locator('.live-responses-table tbody tr.response .response-col_status').first();
  await statusCell.waitFor({ timeout: 10000 });
  const shownStatus = (await statusCell.textContent()).trim();
  if (!shownStatus.startsWith('200')) fail('the page shows status ' + shownStatus);
  const shownBody = await block.locator('.live-responses-table tbody tr.response .response-col_description pre').first().textContent();
  try {
    const parsed = JSON.parse(shownBody);
    if (JSON.stringify(parsed) !== JSON.stringify(body)) fail('the page shows a different body than the API answered');
  } catch (e) {
    fail('the page shows a body that is not JSON: ' + shownBody.slice(0, 200));
  }
  const curl = await block.locator('.curl-command').first().textContent().catch(() => '');
  console.log(`Try it out -> Execute: HTTP ${status} ${type}, ${body?.transfers?.length} transfers; ${curl.replace(/\s+/g, ' ').slice(0, 160)}`);
  await block.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshot, fullPage: false });
  console.log('screenshot: ' + screenshot);

  // every operation opens with its parameters and responses (a broken schema or $ref shows up here)
  const blocks = page.locator('.opblock');
  const count = await blocks.count();
  for (let i = 0; i < count; i++) {
    const b = blocks.nth(i);
    if (!(await b.evaluate((el) => el.classList.contains('is-open')))) {
      await b.locator('.opblock-summary').first().click();
    }
    await b.locator('.opblock-body .responses-wrapper').first().waitFor({ timeout: 10000 });
  }
  const opened = await page.locator('.opblock.is-open .opblock-body .responses-wrapper').count();
  if (opened !== expected.size) fail(`${opened} of ${expected.size} operations opened with their responses`);
  const errors = await page.locator('.errors-wrapper').allTextContents();
  if (errors.length > 0) fail('Swagger UI reports errors: ' + errors.join(' | ').slice(0, 500));
  console.log(`opened all ${opened} operations`);
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`${failures.length} failure(s)`);
  process.exit(1);
}
console.log('docs UI check passed');
