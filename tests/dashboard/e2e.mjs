// End to end: the dashboard in Debian's headless Chromium against a real `hearth-server demo` +
// `serve` on loopback TLS. Run by ctest (dashboard_e2e, label `dashboard`):
//   node e2e.mjs --server PATH --web DIR --assets DIR --chromium PATH --out DIR
// Screenshots go to --out (PNG). Exits non-zero on the first failed check, saying which.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const opts = parseArgs(process.argv.slice(2));
const fixture = JSON.parse(fs.readFileSync(path.join(here, 'fixtures/report-sample.json'), 'utf8'));
const WAIT = 60000; // generous: ctest runs this beside the other suites on two cores

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i += 2) o[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const k of ['server', 'web', 'chromium', 'out']) if (!o[k]) throw new Error(`--${k} is required`);
  return o;
}

function step(name) {
  console.log(`# ${name}`);
}

// ---- the server -------------------------------------------------------------------------------

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-dashboard-'));
let server;

function runServer(args, env = {}) {
  const r = spawnSync(opts.server, [...args, '--data', dataDir], { env: { ...process.env, ...env }, encoding: 'utf8' });
  assert.equal(r.status, 0, `hearth-server ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

async function startServer() {
  const demoArgs = ['demo'];
  if (opts.assets) demoArgs.push('--assets', opts.assets);
  const users = JSON.parse(runServer(demoArgs)).demo_users;
  assert.ok(users.some((u) => u.user === 'manager' && u.role === 'manager'), 'the demo has a manager');
  runServer(['user', 'add', 'admin1', '--role', 'admin', '--name', 'Service admin'], { HEARTH_USER_PASSWORD: 'admin-password-1' });

  server = spawn(opts.server, ['serve', '--data', dataDir, '--listen', '127.0.0.1:0', '--web', opts.web], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = fs.createWriteStream(path.join(opts.out, 'server.log'));
  server.stderr.pipe(log);
  const lines = readline.createInterface({ input: server.stdout });
  const listening = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('hearth-server did not start listening')), WAIT);
    server.on('exit', (code) => reject(new Error(`hearth-server exited (${code}) before listening`)));
    lines.on('line', (line) => {
      const o = JSON.parse(line);
      if (o.event === 'listening') {
        clearTimeout(timer);
        resolve(o);
      }
    });
  });
  const url = new URL(listening.url);
  assert.equal(url.hostname, '127.0.0.1', 'the server listens on loopback only');
  return { base: listening.url, pin: listening.pin, cert: fs.readFileSync(path.join(dataDir, 'tls-cert.pem')) };
}

// ---- HTTPS from Node, verified against the server's own certificate -----------------------------

let srv;

function request(method, pathname, { token, body, headers = {} } = {}) {
  const url = new URL(pathname, srv.base);
  const payload = body ? Buffer.from(JSON.stringify(body)) : null;
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        path: pathname, // sent as written: no client-side clean-up of '..'
        ca: srv.cert,
        headers: {
          'Hearth-Protocol': '1',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

async function session(user, password) {
  const r = await request('POST', '/v1/session', { body: { user, password } });
  assert.equal(r.status, 200, `sign-in of ${user}: ${r.status} ${r.body}`);
  return JSON.parse(r.body).token;
}

async function reportJson(token, { from, to, team }) {
  const q = new URLSearchParams({ from, to, format: 'json' });
  if (team) q.set('team', team);
  const r = await request('GET', `/v1/reports?${q}`, { token });
  assert.equal(r.status, 200, `report: ${r.status} ${r.body}`);
  return JSON.parse(r.body);
}

// ---- checks of the HTTP layer -------------------------------------------------------------------

async function checkStaticServing() {
  step('static files: redirect, types, caching, security headers, no traversal');
  const root = await request('GET', '/');
  assert.equal(root.status, 302);
  assert.equal(root.headers.location, '/dashboard/');
  assert.equal((await request('GET', '/dashboard')).headers.location, '/dashboard/');

  const index = await request('GET', '/dashboard/');
  assert.equal(index.status, 200);
  assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
  const csp = index.headers['content-security-policy'] || '';
  assert.match(csp, /script-src 'self'(;|$)/, `CSP forbids inline script: ${csp}`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(index.headers['x-content-type-options'], 'nosniff');
  assert.equal(index.headers['cache-control'], 'no-cache');
  assert.ok(index.headers.etag, 'an ETag to revalidate with');
  const again = await request('GET', '/dashboard/', { headers: { 'If-None-Match': index.headers.etag } });
  assert.equal(again.status, 304);
  assert.equal(again.body, '');
  // Every script in the page is a file: nothing inline for the CSP to have to allow.
  for (const tag of index.body.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) || []) {
    assert.match(tag, /\ssrc="[^"]+"/, `inline script in index.html: ${tag}`);
    assert.match(tag, /><\/script>$/, `script with inline content: ${tag}`);
  }
  assert.doesNotMatch(index.body, /\son[a-z]+="/i, 'no inline event handlers');

  const types = {
    '/dashboard/js/app.js': 'text/javascript; charset=utf-8',
    '/dashboard/dashboard.css': 'text/css; charset=utf-8',
    '/dashboard/favicon.svg': 'image/svg+xml',
    '/dashboard/vendor/chart.umd.min.js': 'text/javascript; charset=utf-8',
  };
  for (const [p, type] of Object.entries(types)) {
    const r = await request('GET', p);
    assert.equal(r.status, 200, p);
    assert.equal(r.headers['content-type'], type, p);
  }
  const lib = await request('GET', '/dashboard/vendor/chart.umd.min.js');
  assert.match(lib.headers['cache-control'], /max-age=\d+/);
  assert.match(lib.body, /Chart\.js v4\./);

  const refused = [
    '/dashboard/../server.db',
    '/dashboard/%2e%2e/server.db',
    '/dashboard/..%2fserver.db',
    '/dashboard/js/../../server.db',
    '/dashboard/../tls-key.pem',
    '/dashboard/node_modules/chart.js/package.json',
    '/dashboard/node_modules/chart.js/dist/chart.umd.min.js',
    '/dashboard/package.json',
    '/dashboard/package-lock.json',
    '/dashboard/.gitignore',
    '/dashboard//etc/passwd',
    '/dashboard/js/',
    '/dashboard/missing.js',
  ];
  for (const p of refused) {
    const r = await request('GET', p);
    assert.equal(r.status, 404, `${p} answered ${r.status}`);
    assert.doesNotMatch(r.body, /SQLite|PRIVATE KEY|"dependencies"/, p);
  }
  const post = await request('POST', '/dashboard/index.html', { body: {} });
  assert.notEqual(post.status, 200, 'the dashboard is read-only');
}

// ---- the browser --------------------------------------------------------------------------------

async function launch() {
  // Accept exactly the server's key (its pin is the base64 SHA-256 of the public key), not every
  // certificate error: the self-signed certificate of this loopback server, nothing else.
  const spki = srv.pin.replace(/^sha256\//, '');
  return chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    env: { ...process.env, LANGUAGE: 'en_GB' }, // dates in the form's inputs as a UK user sees them
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--ignore-certificate-errors-spki-list=${spki}`,
      '--font-render-hinting=none',
      '--lang=en-GB',
    ],
  });
}

async function newPage(browser, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true, locale: 'en-GB', timezoneId: 'Europe/London' });
  // Loopback only: anything else the page asked for would be a bug (and fail on this closed network).
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    return u.hostname === '127.0.0.1' || u.protocol === 'blob:' || u.protocol === 'data:' ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !page.expectingCspError) page.problems.push(m.text());
  });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  page.on('requestfailed', (r) => {
    if (!r.url().startsWith('blob:')) page.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  return page;
}

function assertClean(page, when) {
  assert.deepEqual(page.problems, [], `console errors or failed requests ${when}`);
}

async function shot(page, name) {
  const file = path.join(opts.out, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`  screenshot ${file}`);
}

async function signInWith(page, user, password) {
  await page.goto(srv.base + '/');
  assert.equal(new URL(page.url()).pathname, '/dashboard/', 'the root redirects to the dashboard');
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function waitLoaded(page, after = 0) {
  await page.waitForFunction((n) => Number(document.body.dataset.loaded || 0) > n, after, { timeout: WAIT });
  return Number(await page.evaluate(() => document.body.dataset.loaded));
}

const text = (page, selector) => page.locator(selector).first().innerText();

// The rows of a figure's table: [[label, cell, cell...], ...]
function tableRows(page, figureId) {
  return page.evaluate(
    (id) => [...document.querySelectorAll(`#${id} table tbody tr`)].map((tr) => [...tr.children].map((c) => c.textContent.trim())),
    figureId,
  );
}

// No cell of any table, and no headline, shows a count from 1 to 4.
async function assertNoSmallCounts(page) {
  const cells = await page.evaluate(() =>
    [...document.querySelectorAll('#figures table td, #figures .tile .big')].map((c) => c.textContent.trim()),
  );
  const small = cells.filter((c) => /^[1-4]$/.test(c));
  assert.deepEqual(small, [], 'small counts shown');
  // Nor the sentences around the figures ("n = 3 pairs"); "quintile 1" is a name, not a count.
  const sentences = await page.evaluate(() =>
    [...document.querySelectorAll('#figures [data-note], #figures [data-stats], #figures .insufficient')].map((e) => e.textContent),
  );
  for (const s of sentences) assert.doesNotMatch(s.replace('quintile 1 =', ''), /(^|[^\w.<])[1-4](?![\w.])/, `a small number in "${s}"`);
}

function countText(n) {
  return n > 0 && n < 5 ? '<5' : n.toLocaleString('en-GB');
}

// ---- CSV against JSON -------------------------------------------------------------------------

function parseCsv(textIn) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < textIn.length; i++) {
    const ch = textIn[i];
    if (quoted) {
      if (ch === '"' && textIn[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && textIn[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

// Every number of the JSON, to compare as a sorted list with every numeric value of the CSV.
function jsonNumbers(o, out = []) {
  if (typeof o === 'number') out.push(o);
  else if (Array.isArray(o)) o.forEach((x) => jsonNumbers(x, out));
  else if (o && typeof o === 'object') Object.values(o).forEach((v) => jsonNumbers(v, out));
  return out;
}

function assertCsvAgrees(csv, json) {
  const rows = parseCsv(csv);
  const header = rows.shift();
  assert.deepEqual(header, ['section', 'figure', 'key', 'label', 'value']);
  const find = (section, figure, key = '') => {
    const r = rows.find((x) => x[0] === section && x[1] === figure && x[2] === key);
    assert.ok(r, `CSV row ${section},${figure},${key}`);
    return Number(r[4]);
  };
  assert.equal(find('activity', 'people_supported'), json.activity.people_supported);
  assert.equal(find('activity.referrals', 'total'), json.activity.referrals.total);
  for (const s of json.activity.referrals.by_source) assert.equal(find('activity.referrals.by_source', 'count', s.key), s.count);
  for (const q of json.deprivation.quintiles) assert.equal(find('deprivation.quintiles', 'count', q.key), q.count);
  const csvNumbers = rows.filter((r) => r[4] !== '' && !Number.isNaN(Number(r[4])) && r[1] !== 'insufficient').map((r) => Number(r[4]));
  const norm = (xs) => xs.map((x) => Number(x.toPrecision(9))).sort((a, b) => a - b);
  assert.deepEqual(norm(csvNumbers), norm(jsonNumbers(json)), 'the CSV carries exactly the numbers of the JSON');
}

// ---- scenarios ----------------------------------------------------------------------------------

async function fixtureSuppression(browser) {
  step('suppression and "not enough data" on a fixed report (the API answered by the fixture)');
  const page = await newPage(browser);
  await page.route('**/v1/session', (route) =>
    route.fulfill({ json: { token: 'fixture-token', user: 'manager', role: 'manager', team: 'glasgow', expires_at: '2099-01-01T00:00:00Z' } }),
  );
  await page.route('**/v1/reports?*', (route) => route.fulfill({ json: fixture }));
  await signInWith(page, 'manager', 'anything');
  await waitLoaded(page);
  assert.equal(await text(page, '#tile-people .big'), '61');
  assert.match(await text(page, '#tile-money .note'), /debt written off for <5 people \(amount not shown/);
  // £9,200 written off for 3 people: the amount could be one person's debt, so it is nowhere.
  assert.doesNotMatch(await page.locator('#figures').textContent(), /9,200|4,200|5,000 debt/);
  assert.deepEqual(await tableRows(page, 'fig-simd'), [
    ['1 (most deprived)', '33', '54%'],
    ['2', '11', '18%'],
    ['3', '7', '11%'],
    ['5 (least deprived)', '<5', '–'], // 6, suppressed with 'unknown' so neither can be worked out
    ['Unknown', '<5', '–'],
    ['4', '0', '0%'],
  ]);
  assert.deepEqual(await tableRows(page, 'fig-sources'), [
    ['GP', '24'],
    ['Hospital', '21'],
    ['Macmillan', '9'],
    ['Family', '<5'],
    ['Self', '<5'],
    ['Other', '0'],
  ]);
  const concerns = await tableRows(page, 'fig-concerns');
  assert.deepEqual(concerns.at(-1), ['Pain', 'Physical', '<5']);
  // The charts hold no number for a suppressed bar either.
  const plotted = await page.evaluate(() => window.Chart.getChart(document.querySelector('#fig-simd canvas')).data.datasets[0].data);
  assert.deepEqual(plotted, [33, 11, 7, null, null, 0]);
  assert.match(await text(page, '#fig-distress .insufficient'), /Not enough data: <5 paired initial and review scores; at least 5 are needed/);
  assert.ok(await page.locator('#fig-distress .chart').isHidden());
  assert.match(await text(page, '#fig-eq5d-index [data-stats]'), /Change \+0\.119 .*Wilcoxon signed-rank \(exact\): p = 0\.003, effect size r = 0\.75; n = 14/);
  // Money by month from the report's by_month: February (4 people) and June (2) show no amount;
  // no month shows debt, as the period's debt went to fewer than 5 people.
  const ns = 'not shown (<5 people)';
  assert.deepEqual(await tableRows(page, 'fig-money'), [
    ['Jan 2026', '£30,100', ns, '6'],
    ['Feb 2026', ns, ns, '<5'],
    ['Mar 2026', '£35,401', ns, '6'],
    ['Apr 2026', '£20,000', ns, '5'],
    ['May 2026', '£29,000', ns, '5'],
    ['Jun 2026', ns, ns, '<5'],
  ]);
  const lines = await page.evaluate(() => window.Chart.getChart(document.querySelector('#fig-money canvas')).data.datasets.map((d) => d.data));
  assert.deepEqual(lines, [
    [30100, null, 35400.5, 20000, 29000, null],
    [null, null, null, null, null, null],
  ]);
  assert.match(await text(page, '#fig-money [data-note]'), /amounts received by fewer than 5 people are not shown/);
  await assertNoSmallCounts(page);
  assertClean(page, 'on the fixture');
  await shot(page, '01-fixture-suppression');
  await page.context().close();
}

async function manager(browser) {
  step('the demo manager signs in and sees the team figures');
  const page = await newPage(browser);
  await page.goto(srv.base + '/');
  await page.getByLabel('User name').waitFor();
  await shot(page, '02-sign-in');
  await signInWith(page, 'manager', 'demo-manager');
  let serial = await waitLoaded(page);
  assert.match(await text(page, '#who-text'), /Signed in as manager \(manager, team glasgow\)/);
  assert.equal(await page.getByLabel('Team').inputValue(), 'glasgow');
  assert.ok(await page.getByLabel('Team').evaluate((e) => e.readOnly), 'a manager cannot pick another team');

  const token = await session('manager', 'demo-manager');
  const yearFilters = { from: await page.getByLabel('From').inputValue(), to: await page.getByLabel('To').inputValue() };
  const year = await reportJson(token, yearFilters);
  assert.ok(year.activity.people_supported >= 5, `the demo has people in the last year (${year.activity.people_supported})`);
  assert.equal(await text(page, '#tile-people .big'), countText(year.activity.people_supported));
  const simd = await tableRows(page, 'fig-simd');
  assert.equal(simd.length, year.deprivation.quintiles.length);
  assert.ok(simd.some((r) => r[0] === 'Unknown'), 'SIMD shows unknown');
  assert.ok((await tableRows(page, 'fig-concerns')).length > 0, 'top concerns');
  assert.ok((await tableRows(page, 'fig-sources')).length > 0, 'referral sources');
  const moneyRows = await tableRows(page, 'fig-money');
  assert.equal(moneyRows.length, year.money.by_month.length, 'one row per month of the report');
  assert.ok(moneyRows.length >= 12, 'money by month over the year');
  // Each amount is judged by the people it went to.
  year.money.by_month.forEach((m, i) => {
    ['benefits_and_grants', 'debt_written_off'].forEach((f, col) => {
      const n = m[`${f}_people`];
      assert.equal(typeof n, 'number', `${m.key} ${f}_people`);
      if (n > 0 && n < 5) assert.equal(moneyRows[i][1 + col], 'not shown (<5 people)', `${m.key} ${f}`);
    });
  });
  for (const id of ['fig-distress', 'fig-eq5d-index', 'fig-eq5d-vas']) {
    const shown = (await page.locator(`#${id} .insufficient`).isVisible())
      ? await text(page, `#${id} .insufficient`)
      : await text(page, `#${id} [data-stats]`);
    assert.match(shown, /Not enough data|n = /, id);
  }
  assert.equal(await page.evaluate(() => typeof window.Chart), 'function', 'the chart library loaded');
  await assertNoSmallCounts(page);
  assertClean(page, 'after sign-in');
  await shot(page, '03-manager-last-12-months');

  step('a narrower period changes the figures');
  const to = new Date(`${yearFilters.to}T00:00:00Z`);
  // From the first of the month two months back: three calendar months, whatever today's date.
  const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 2, 1));
  const quarter = { from: from.toISOString().slice(0, 10), to: yearFilters.to };
  await page.getByLabel('From').fill(quarter.from);
  await page.getByRole('button', { name: 'Show figures' }).click();
  serial = await waitLoaded(page, serial);
  const q = await reportJson(token, quarter);
  assert.notEqual(q.activity.people_supported, year.activity.people_supported, 'the demo spreads over more than 3 months');
  assert.equal(await text(page, '#tile-people .big'), countText(q.activity.people_supported));
  assert.notEqual(await text(page, '#tile-people .big'), countText(year.activity.people_supported));
  assert.equal((await tableRows(page, 'fig-money')).length, 3);
  await assertNoSmallCounts(page);
  await shot(page, '04-manager-three-months');

  step('a short period: small counts are shown as <5');
  const week = { from: new Date(to.getTime() - 13 * 86400000).toISOString().slice(0, 10), to: yearFilters.to };
  await page.getByLabel('From').fill(week.from);
  await page.getByRole('button', { name: 'Show figures' }).click();
  serial = await waitLoaded(page, serial);
  const w = await reportJson(token, week);
  const smallRows = [...w.activity.referrals.by_source, ...w.deprivation.quintiles].filter((r) => r.count > 0 && r.count < 5);
  assert.ok(smallRows.length > 0, 'two weeks of the demo have small counts to hide');
  for (const r of w.activity.referrals.by_source.filter((x) => x.count > 0 && x.count < 5)) {
    const row = (await tableRows(page, 'fig-sources')).find((x) => x[0].toLowerCase() === r.label.replace(/_/g, ' '));
    assert.equal(row[1], '<5', `source ${r.key}`);
  }
  assert.equal(await text(page, '#tile-people .big'), countText(w.activity.people_supported));
  await assertNoSmallCounts(page);
  await shot(page, '05-manager-two-weeks-suppressed');

  step('CSV download agrees with the JSON');
  await page.getByLabel('From').fill(yearFilters.from);
  await page.getByRole('button', { name: 'Show figures' }).click();
  serial = await waitLoaded(page, serial);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  assert.match(download.suggestedFilename(), /^hearth-report-glasgow-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const csvPath = path.join(opts.out, 'report.csv');
  await download.saveAs(csvPath);
  assertCsvAgrees(fs.readFileSync(csvPath, 'utf8'), await reportJson(token, yearFilters));

  step('the token stays in sessionStorage, never localStorage; sign-out ends it on the server');
  const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.getItem('hearth.dashboard.session') }));
  assert.equal(stored.local, 0);
  const pageToken = JSON.parse(stored.session).token;
  assert.equal((await request('GET', '/v1/reports?format=json', { token: pageToken })).status, 200);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('User name').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  assert.equal((await request('GET', '/v1/reports?format=json', { token: pageToken })).status, 401, 'signed-out token refused');
  assert.ok(await page.locator('#figures').isHidden());

  step('the CSP stops inline script');
  page.expectingCspError = true;
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    return window.__inlineRan === true;
  });
  page.expectingCspError = false;
  assert.equal(ran, false, 'an inline script ran');
  assertClean(page, 'over the manager session');
  await page.context().close();
}

async function linkWorker(browser) {
  step('a link worker cannot see reports');
  const page = await newPage(browser);
  await signInWith(page, 'lw1', 'demo-lw1');
  await page.locator('#sign-in-error:has-text("cannot see team reports")').waitFor({ timeout: WAIT });
  assert.ok(await page.locator('#figures').isHidden());
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'no token kept');
  await shot(page, '06-link-worker-refused');
  // And straight at the API, whatever the page does.
  const r = await request('POST', '/v1/session', { body: { user: 'lw1', password: 'demo-lw1' } });
  if (r.status === 200) {
    const rep = await request('GET', '/v1/reports?format=json', { token: JSON.parse(r.body).token });
    assert.equal(rep.status, 403);
  } else assert.equal(r.status, 403);
  page.problems = page.problems.filter((p) => !/status of 403/.test(p)); // the browser logs the refusal itself
  assertClean(page, 'for the link worker');
  await page.context().close();
}

async function wrongPassword(browser) {
  step('a wrong password is refused with a message');
  const page = await newPage(browser);
  await signInWith(page, 'manager', 'not-the-password');
  await page.locator('#sign-in-error:has-text("do not match")').waitFor({ timeout: WAIT });
  await page.context().close();
}

async function admin(browser) {
  step('an administrator sees the whole service or one team');
  const page = await newPage(browser);
  await signInWith(page, 'admin1', 'admin-password-1');
  let serial = await waitLoaded(page);
  assert.equal(await page.getByLabel('Team').inputValue(), '');
  const token = await session('admin1', 'admin-password-1');
  const f = { from: await page.getByLabel('From').inputValue(), to: await page.getByLabel('To').inputValue() };
  const all = await reportJson(token, f);
  assert.equal(await text(page, '#tile-people .big'), countText(all.activity.people_supported));
  assert.match(await text(page, '#period'), /whole service/);
  await page.getByLabel('Team').fill('glasgow');
  await page.getByRole('button', { name: 'Show figures' }).click();
  serial = await waitLoaded(page, serial);
  assert.match(await text(page, '#period'), /team glasgow/);
  await shot(page, '07-admin-team');
  await page.getByLabel('Team').fill('nosuchteam');
  await page.getByRole('button', { name: 'Show figures' }).click();
  await page.locator('#status.error').waitFor({ timeout: WAIT });
  assert.match(await text(page, '#status'), /No such team/);
  await page.context().close();
}

async function narrow(browser) {
  step('a phone-width window');
  const page = await newPage(browser, { width: 400, height: 800 });
  await signInWith(page, 'manager', 'demo-manager');
  await waitLoaded(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
  await shot(page, '08-narrow');
  assertClean(page, 'at phone width');
  await page.context().close();
}

async function withoutChartLibrary(browser) {
  step('without the chart library the tables are shown instead');
  const page = await newPage(browser);
  await page.route('**/vendor/chart.umd.min.js', (route) => route.fulfill({ status: 404, body: '' }));
  await signInWith(page, 'manager', 'demo-manager');
  await waitLoaded(page);
  assert.ok(await page.locator('#fig-simd table').isVisible(), 'the SIMD table is visible');
  assert.ok(await page.locator('#fig-simd .chart').isHidden());
  await shot(page, '09-tables-only');
  await page.context().close();
}

async function accessibility(browser) {
  step('labels and table fallbacks');
  const page = await newPage(browser);
  await signInWith(page, 'manager', 'demo-manager');
  await waitLoaded(page);
  const report = await page.evaluate(() => ({
    unlabelled: [...document.querySelectorAll('input')].filter((i) => !i.labels || i.labels.length === 0).map((i) => i.id),
    canvases: [...document.querySelectorAll('canvas')].map((c) => ({
      label: c.getAttribute('aria-label'),
      table: !!c.closest('figure').querySelector('table caption'),
    })),
  }));
  assert.deepEqual(report.unlabelled, []);
  for (const c of report.canvases) {
    assert.ok(c.label, 'a canvas without a label');
    assert.ok(c.table, `no table beside ${c.label}`);
  }
  await page.context().close();
}

// ---- main ---------------------------------------------------------------------------------------

async function main() {
  fs.mkdirSync(opts.out, { recursive: true });
  srv = await startServer();
  console.log(`# hearth-server at ${srv.base}`);
  await checkStaticServing();
  const scenarios = { fixtureSuppression, manager, linkWorker, wrongPassword, admin, accessibility, narrow, withoutChartLibrary };
  // --only a,b runs some scenarios (for working on one); ctest runs them all.
  const only = opts.only ? opts.only.split(',') : Object.keys(scenarios);
  const browser = await launch();
  try {
    for (const name of only) await scenarios[name](browser);
  } finally {
    await browser.close();
  }
  console.log('ok: dashboard end to end');
}

main()
  .catch((e) => {
    console.error(`FAIL: ${e.stack || e}`);
    process.exitCode = 1;
  })
  .finally(() => {
    server?.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
