// The dashboard page: sign-in, filters, and the figures of one report (REPORTS.md, format_version 1).
// Everything shown is an aggregate from /v1/reports; text goes into the page with textContent only.

import { ApiError, currentSession, fetchReport, fetchReportCsv, signIn, signOut } from './api.js';
import * as charts from './charts.js';
import {
  countText,
  formatMoney,
  formatNumber,
  formatSigned,
  hideSmallNumbers,
  humanLabel,
  isoDate,
  isSmall,
  isSmallMoney,
  MONEY_SUPPRESSED_NOTE,
  readableDate,
  suppressMoneyRows,
  suppressRows,
  wilcoxonText,
} from './format.js';

const $ = (id) => document.getElementById(id);
const TOP_CONCERNS = 10;

let loadSerial = 0; // a newer request wins over an older one still in flight

// ---- views ----------------------------------------------------------------------------------

function showSignIn(message = '') {
  $('dashboard').hidden = true;
  $('who').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
  $('password').value = '';
  $('user').focus();
}

function showDashboard(session) {
  $('sign-in').hidden = true;
  $('dashboard').hidden = false;
  $('who').hidden = false;
  $('who-text').textContent = `Signed in as ${session.user} (${roleName(session.role)}${session.team ? `, team ${session.team}` : ''})`;
  const team = $('team');
  if (session.role === 'admin') {
    team.readOnly = false;
    team.placeholder = 'all teams';
    $('team-help').textContent = 'Leave empty for the whole service.';
  } else {
    // A manager sees their own team only; the server refuses any other.
    team.value = session.team || '';
    team.readOnly = true;
    $('team-help').textContent = 'Managers see their own team.';
  }
  if (!$('from').value) {
    const today = new Date();
    $('to').value = isoDate(today);
    $('from').value = isoDate(new Date(today.getFullYear(), today.getMonth() - 11, 1));
  }
}

function roleName(role) {
  return { manager: 'manager', admin: 'administrator', link_worker: 'link worker', housing: 'housing' }[role] || role;
}

function setStatus(text, isError = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
}

function filters() {
  return { from: $('from').value, to: $('to').value, team: $('team').value.trim() };
}

// Handles an API error the same way everywhere: an ended session goes back to sign-in.
function failed(e) {
  if (e instanceof ApiError && e.status === 401) {
    showSignIn(e.message);
    return;
  }
  if (e instanceof ApiError && e.status === 403) $('figures').hidden = true;
  setStatus(e instanceof ApiError ? e.message : `Could not reach the server (${e.message}).`, true);
}

// ---- small DOM helpers --------------------------------------------------------------------------

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

// Fills a <table> with a caption, a header row and body rows (arrays of cell text).
function fillTable(table, caption, head, rows) {
  table.replaceChildren();
  table.append(el('caption', caption));
  const thead = el('thead');
  const tr = el('tr');
  head.forEach((h, i) => tr.append(el('th', h, { scope: 'col', class: i ? 'num' : '' })));
  thead.append(tr);
  const tbody = el('tbody');
  for (const row of rows) {
    const r = el('tr');
    row.forEach((c, i) => r.append(i ? el('td', c, { class: 'num' }) : el('th', c, { scope: 'row' })));
    tbody.append(r);
  }
  table.append(thead, tbody);
}

function figure(id) {
  const f = $(id);
  return {
    root: f,
    canvas: f.querySelector('canvas'),
    table: f.querySelector('table'),
    note: f.querySelector('[data-note]'),
    stats: f.querySelector('[data-stats]'),
    insufficient: f.querySelector('.insufficient'),
    chartBox: f.querySelector('.chart'),
  };
}

// Draws a breakdown, or says why there is nothing to draw when every bar is hidden or zero.
function plot(f, rows, options) {
  let empty = f.root.querySelector('.empty');
  if (!empty) {
    empty = el('p', null, { class: 'empty' });
    f.chartBox.before(empty);
  }
  const drawable = rows.some((r) => r.value > 0);
  f.chartBox.hidden = !drawable;
  empty.hidden = drawable;
  empty.textContent = drawable ? '' : 'Every number here is under 5 or zero, so there is no chart: the table shows them.';
  // Horizontal bars get room for each label (rows differ per period).
  if (options.horizontal) f.chartBox.style.height = `${Math.max(10, 2.6 * rows.length + 4)}rem`;
  if (drawable) charts.barChart(f.canvas, rows, options);
  else charts.clear(f.canvas);
}

function tile(id, value, note) {
  const t = $(id);
  t.querySelector('.big').textContent = value;
  t.querySelector('[data-note]').textContent = note;
}

// ---- figures -------------------------------------------------------------------------------

function renderTiles(report) {
  const a = report.activity || {};
  tile('tile-people', countText(a.people_supported), consentNote(a.consent_withheld));
  const refs = a.referrals || {};
  tile('tile-referrals', countText(refs.total), 'in the period');
  const d = a.days_to_first_contact || {};
  const waiting = typeof d.awaiting === 'number' ? `; ${countText(d.awaiting)} still awaiting contact` : '';
  if (d.insufficient || typeof d.median !== 'number') {
    tile('tile-first-contact', '–', d.insufficient ? `Not enough data: ${hideSmallNumbers(d.insufficient)}` : `no first contacts${waiting}`);
  } else {
    tile(
      'tile-first-contact',
      `${formatNumber(d.median, d.median % 1 ? 1 : 0)} days`,
      `median; 90% within ${formatNumber(d.p90, d.p90 % 1 ? 1 : 0)} days; n = ${countText(d.n)}${waiting}`,
    );
  }
  const m = report.money || {};
  const benefits = m.benefits_and_grants || {};
  const debt = m.debt_written_off || {};
  // An amount received by 1-4 people could be one person's award: not shown, and the note says so.
  const debtText = isSmallMoney(debt.people)
    ? `debt written off for ${countText(debt.people)} people (amount not shown: fewer than 5 people)`
    : `${formatMoney(debt.total)} debt written off for ${countText(debt.people)} people`;
  const benefitsText = isSmallMoney(benefits.people)
    ? `benefits and grants for ${countText(benefits.people)} people (amount not shown: fewer than 5 people)`
    : `benefits and grants for ${countText(benefits.people)} people`;
  tile('tile-money', isSmallMoney(benefits.people) ? 'Not shown' : formatMoney(benefits.total), `${benefitsText}; ${debtText}`);
}

function consentNote(withheld) {
  if (!withheld) return 'in the period';
  return `in the period; ${countText(withheld)} declined contact (not in the other figures)`;
}

function renderSimd(report) {
  const f = figure('fig-simd');
  const dep = report.deprivation || {};
  const rows = suppressRows(dep.quintiles || []).map((r) => ({ ...r, label: humanLabel(r.label) }));
  f.note.textContent = `${dep.index || 'SIMD'} ${dep.version || ''}, quintile 1 = most deprived; ${countText(dep.people)} people, ${countText(dep.unknown)} with no match for their postcode`;
  plot(f, rows, { title: 'People' });
  fillTable(
    f.table,
    'People by SIMD quintile',
    ['Quintile', 'People', 'Share'],
    rows.map((r) => [r.label, r.display, r.value === null ? '–' : `${formatNumber(100 * (r.share || 0), 0)}%`]),
  );
}

function renderConcerns(report) {
  const f = figure('fig-concerns');
  const c = report.concerns || {};
  // The top ten of a longer list add up to nothing shown, so only primary suppression applies.
  const rows = (c.top_items || [])
    .slice(0, TOP_CONCERNS)
    .map((r) => ({ ...r, label: humanLabel(r.label), value: isSmall(r.count) ? null : r.count, display: countText(r.count) }));
  // An average over fewer than 5 people is one of them, near enough: not shown.
  const perPerson =
    c.per_person && typeof c.per_person.mean === 'number' && c.assessments >= 5 ? `, ${formatNumber(c.per_person.mean, 1)} per person on average` : '';
  f.note.textContent = `${countText(c.total)} concerns raised in ${countText(c.assessments)} assessments${perPerson}`;
  plot(f, rows, { horizontal: true, title: 'Times raised' });
  fillTable(f.table, `The ${TOP_CONCERNS} most common concerns`, ['Concern', 'Area', 'Times raised'], rows.map((r) => [r.label, humanLabel(r.domain || ''), r.display]));
}

// A before/after block (distress, EQ-5D index, VAS). `insufficient` replaces the numbers.
function renderPaired(id, block, { measure, statistic, digits, min, max, change }) {
  const f = figure(id);
  block = block || {};
  const n = countText(block.n);
  if (block.insufficient || typeof block[`${statistic}_initial`] !== 'number') {
    f.insufficient.hidden = false;
    f.insufficient.textContent = `Not enough data: ${hideSmallNumbers(block.insufficient || 'no paired measurements')}.`;
    f.chartBox.hidden = true;
    f.stats.textContent = '';
    f.note.textContent = `n = ${n} pairs`;
    charts.clear(f.canvas);
    f.table.replaceChildren(el('caption', `${measure}: not enough data`));
    return;
  }
  f.insufficient.hidden = true;
  f.chartBox.hidden = false;
  const before = block[`${statistic}_initial`];
  const after = block[`${statistic}_review`];
  const word = statistic === 'median' ? 'Median' : 'Mean';
  f.note.textContent = `${word} of ${n} people measured at both; ${countText(block.initial_without_review)} more have no review yet`;
  const ci = Array.isArray(block.ci95) ? ` (95% CI ${formatSigned(block.ci95[0], digits)} to ${formatSigned(block.ci95[1], digits)})` : '';
  const changeValue = block[`${change}_change`];
  f.stats.textContent = `Change ${formatSigned(changeValue, digits)}${ci}. ${wilcoxonText(block.wilcoxon)}; n = ${n}.`;
  charts.pairChart(f.canvas, {
    labels: ['First assessment', 'Review'],
    values: [before, after],
    displays: [formatNumber(before, digits), formatNumber(after, digits)],
    title: `${word} ${measure}`,
    min,
    max,
  });
  fillTable(f.table, `${word} ${measure}, n = ${n}`, ['When', `${word} ${measure}`], [
    ['First assessment', formatNumber(before, digits)],
    ['Review', formatNumber(after, digits)],
    ['Change', formatSigned(changeValue, digits)],
  ]);
}

function renderSources(report) {
  const f = figure('fig-sources');
  const refs = (report.activity || {}).referrals || {};
  const rows = suppressRows(refs.by_source || []).map((r) => ({ ...r, label: humanLabel(r.label) }));
  f.note.textContent = `${countText(refs.total)} referrals received in the period`;
  plot(f, rows, { horizontal: true, title: 'Referrals' });
  fillTable(f.table, 'Referrals by source', ['Source', 'Referrals'], rows.map((r) => [r.label, r.display]));
}

// Money by month awarded (report.money.by_month, one row per calendar month of the period). An
// amount of a month that went to 1-4 people is not shown (nor, if it is the only one, the next
// smallest month's: the months add up to the total in the tile); benefits and debt are judged
// each by their own people. When the period's benefits or debt
// figure is itself for 1-4 people, that series is not shown in any month.
function renderMoney(report) {
  const f = figure('fig-money');
  const money = report.money || {};
  const monthName = (key) => {
    const [y, m] = key.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
  };
  if (!Array.isArray(money.by_month)) {
    f.note.textContent = 'This report has no money by month (the server is older than the dashboard)';
    charts.clear(f.canvas);
    f.table.replaceChildren(el('caption', 'Money gained by month: not in this report'));
    return;
  }
  const hidden = [];
  if (isSmallMoney((money.benefits_and_grants || {}).people)) hidden.push('benefits_and_grants');
  if (isSmallMoney((money.debt_written_off || {}).people)) hidden.push('debt_written_off');
  const rows = suppressMoneyRows(money.by_month, ['benefits_and_grants', 'debt_written_off'], {
    hidden,
    peopleFields: { benefits_and_grants: 'benefits_and_grants_people', debt_written_off: 'debt_written_off_people' },
  });
  const anyHidden = hidden.length > 0 || rows.some((r) => r.moneySuppressed);
  f.note.textContent = `By month the award was made; annual awards count at their yearly value${anyHidden ? `; ${MONEY_SUPPRESSED_NOTE}` : ''}`;
  const series = [
    { label: 'Benefits and grants', values: rows.map((r) => r.values.benefits_and_grants) },
    { label: 'Debt written off', values: rows.map((r) => r.values.debt_written_off) },
  ];
  // A month with no amount says why on its axis label, as a hidden bar does.
  charts.lineChart(f.canvas, { labels: rows.map((r) => (r.moneySuppressed ? `${monthName(r.key)} (<5)` : monthName(r.key))), series, yTitle: 'Pounds', format: formatMoney });
  fillTable(
    f.table,
    'Money gained by month',
    ['Month', 'Benefits and grants', 'Debt written off', 'People helped'],
    rows.map((r) => [monthName(r.key), r.texts.benefits_and_grants, r.texts.debt_written_off, countText(r.people)]),
  );
}

function renderPeriod(report) {
  const p = report.period || {};
  const scope = report.scope || {};
  $('period').textContent = `${readableDate(p.from)} to ${readableDate(p.to)} · ${scope.team ? `team ${scope.team}` : 'whole service'} · report made ${
    report.generated_at ? new Date(report.generated_at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : ''
  }`;
}

export function render(report) {
  renderPeriod(report);
  renderTiles(report);
  renderSimd(report);
  renderConcerns(report);
  renderPaired('fig-distress', report.distress, { measure: 'distress (0–10)', statistic: 'median', change: 'median', digits: 1, min: 0, max: 10 });
  renderPaired('fig-eq5d-index', report.eq5d_index, { measure: 'EQ-5D index', statistic: 'mean', change: 'mean', digits: 3, min: undefined, max: 1 });
  renderPaired('fig-eq5d-vas', report.eq5d_vas, { measure: 'EQ-5D VAS', statistic: 'mean', change: 'mean', digits: 1, min: 0, max: 100 });
  renderSources(report);
  renderMoney(report);
  $('figures').hidden = false;
}

// ---- actions -------------------------------------------------------------------------------

async function load() {
  const wanted = filters();
  if (!wanted.from || !wanted.to || wanted.from > wanted.to) {
    setStatus('Choose a start date on or before the end date.', true);
    return;
  }
  const serial = ++loadSerial;
  setStatus('Loading figures…');
  document.body.setAttribute('aria-busy', 'true');
  try {
    const report = await fetchReport(wanted);
    if (serial !== loadSerial) return;
    render(report);
    setStatus('');
    document.body.dataset.loaded = String(serial); // tests wait for this
  } catch (e) {
    if (serial === loadSerial) failed(e);
  } finally {
    if (serial === loadSerial) document.body.removeAttribute('aria-busy');
  }
}

async function downloadCsv() {
  const wanted = filters();
  try {
    setStatus('Preparing the CSV…');
    const csv = await fetchReportCsv(wanted);
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const a = el('a', null, { href: url, download: `hearth-report-${wanted.team || 'all'}-${wanted.from}-${wanted.to}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    setStatus('CSV downloaded.');
  } catch (e) {
    failed(e);
  }
}

function start() {
  // Without the chart library (node_modules not installed) the tables are the figures: show them.
  if (!charts.available()) {
    document.body.classList.add('no-charts');
    document.querySelectorAll('#figures details').forEach((d) => (d.open = true));
  }
  $('sign-in-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const user = $('user').value.trim();
    const password = $('password').value;
    if (!user || !password) {
      $('sign-in-error').textContent = 'Enter your user name and password.';
      return;
    }
    $('sign-in-button').disabled = true;
    $('sign-in-error').textContent = '';
    try {
      const session = await signIn(user, password);
      // Only managers and administrators have reports (the server refuses the rest with 403
      // anyway): say so at once and keep no token.
      if (session.role !== 'manager' && session.role !== 'admin') {
        await signOut();
        throw new ApiError(403, 'forbidden', 'Your account cannot see team reports.');
      }
      showDashboard(session);
      await load();
    } catch (e) {
      $('sign-in-error').textContent = e instanceof ApiError ? e.message : `Could not reach the server (${e.message}).`;
    } finally {
      $('sign-in-button').disabled = false;
      $('password').value = '';
    }
  });
  $('filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    load();
  });
  $('download').addEventListener('click', downloadCsv);
  $('sign-out').addEventListener('click', async () => {
    await signOut();
    $('figures').hidden = true;
    setStatus('');
    showSignIn('You have signed out.');
  });
  const session = currentSession();
  if (session && (!session.expires_at || new Date(session.expires_at) > new Date())) {
    showDashboard(session);
    load();
  } else {
    showSignIn();
  }
}

start();
