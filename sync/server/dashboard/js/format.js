// Pure helpers: small-count suppression and number formatting. No DOM, so the Node test imports
// this file directly.

// Counts from 1 to SMALL - 1 are never shown: with a team's caseload, a count of 2 can point at a
// person. Zero is shown (it identifies nobody).
export const SMALL = 5;
export const SUPPRESSED = '<5';

// True when a count must not be shown.
export function isSmall(count) {
  return typeof count === 'number' && count > 0 && count < SMALL;
}

// A count as text: '<5' for 1-4, grouped digits otherwise, '–' when the report has no number.
export function countText(count) {
  if (typeof count !== 'number' || !Number.isFinite(count)) return '–';
  if (isSmall(count)) return SUPPRESSED;
  return formatInteger(count);
}

export function formatInteger(n) {
  return Math.round(n).toLocaleString('en-GB');
}

// Suppresses a breakdown whose rows add up to a total shown elsewhere (count rows as in
// REPORTS.md). Rows with 1-4 are suppressed (primary); when exactly one row is, the next smallest
// non-zero row is suppressed too (secondary), or the first could be worked out by subtraction.
// Returns new rows with `display` (text) and `value` (a number to plot, or null when suppressed).
export function suppressRows(rows, field = 'count') {
  const out = rows.map((r) => ({ ...r, suppressed: isSmall(r[field]) }));
  const primary = out.filter((r) => r.suppressed).length;
  if (primary === 1) {
    const rest = out.filter((r) => !r.suppressed && r[field] > 0);
    if (rest.length > 0) {
      rest.reduce((a, b) => (b[field] < a[field] ? b : a)).suppressed = true;
    }
  }
  return out.map((r) => ({
    ...r,
    display: r.suppressed ? SUPPRESSED : countText(r[field]),
    value: r.suppressed ? null : r[field],
  }));
}

// Money received by 1-4 people is not shown either: the amount could be one person's award (a
// debt written off for one person is that person's debt). The text says why; the number is gone.
export const MONEY_SUPPRESSED = 'not shown (<5 people)';
export const MONEY_SUPPRESSED_NOTE = 'amounts received by fewer than 5 people are not shown';

// True when an amount received by `people` people must not be shown.
export function isSmallMoney(people) {
  return isSmall(people);
}

// An amount as text, or MONEY_SUPPRESSED when 1-4 people received it.
export function moneyText(pounds, people) {
  return isSmallMoney(people) ? MONEY_SUPPRESSED : formatMoney(pounds);
}

// Money rows (months, kinds) whose amounts add up to a total shown elsewhere: an amount is hidden
// when the people it went to number 1-4 (primary) and, when exactly one row of that amount is, the
// row with the next fewest people too (secondary), as suppressRows does for counts. `fields` name
// the amounts; `peopleFields` may name, per amount, the row field counting that amount's people
// (a month's debt can be one person's even when six were helped that month); without it, or when
// a row lacks it, the row's `people` counts for every amount. Returns new rows with
// `moneySuppressed` (some amount of the row hidden), and per field `values[f]` (a number to plot,
// or null) and `texts[f]`. `hidden` lists fields hidden in every row (the period's own figure is
// for 1-4 people, so no month of it can be shown).
export function suppressMoneyRows(rows, fields, { hidden = [], peopleFields = {} } = {}) {
  const perField = {};
  for (const f of fields) {
    const own = peopleFields[f];
    const counted = own && rows.every((r) => typeof r[own] === 'number') ? own : 'people';
    perField[f] = suppressRows(rows, counted);
  }
  return rows.map((r, i) => {
    const values = {};
    const texts = {};
    let any = false;
    for (const f of fields) {
      const small = perField[f][i].suppressed;
      const gone = small || hidden.includes(f);
      any = any || small;
      values[f] = gone ? null : typeof r[f] === 'number' ? r[f] : null;
      texts[f] = gone ? MONEY_SUPPRESSED : formatMoney(r[f]);
    }
    return { ...r, moneySuppressed: any, values, texts };
  });
}

// Pounds, whole: '£1,234'.
export function formatMoney(pounds) {
  if (typeof pounds !== 'number' || !Number.isFinite(pounds)) return '–';
  return '£' + Math.round(pounds).toLocaleString('en-GB');
}

// A statistic rounded for reading: `digits` after the point.
export function formatNumber(x, digits = 1) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '–';
  return x.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatSigned(x, digits = 1) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '–';
  return (x > 0 ? '+' : x < 0 ? '−' : '') + formatNumber(Math.abs(x), digits);
}

// p-values as a reader expects them: 'p < 0.001' rather than 1.2e-15.
export function formatP(p) {
  if (typeof p !== 'number' || !Number.isFinite(p)) return 'p –';
  if (p < 0.001) return 'p < 0.001';
  return 'p = ' + p.toFixed(3);
}

// The one-line summary of a paired Wilcoxon result from the report.
export function wilcoxonText(w) {
  if (!w) return '';
  const r =
    w.effect_size && typeof w.effect_size.r === 'number'
      ? `, effect size r = ${w.effect_size.r < 0 ? '−' : ''}${formatNumber(Math.abs(w.effect_size.r), 2)}`
      : '';
  return `Wilcoxon signed-rank (${w.method === 'exact' ? 'exact' : 'normal approximation'}): ${formatP(w.p_value)}${r}`;
}

// 'YYYY-MM-DD' for a local date.
export function isoDate(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// '1 Jan 2026' for 'YYYY-MM-DD' (read as a calendar date, no time zone shift).
export function readableDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  if (!m) return iso || '';
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

// The calendar months touched by [from, to] (inclusive ISO dates) as {key:'YYYY-MM', from, to}.
export function monthsBetween(from, to) {
  const out = [];
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  for (let y = fy, m = fm; y < ty || (y === ty && m <= tm); m === 12 ? (y++, (m = 1)) : m++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const start = `${key}-01`;
    const end = `${key}-${String(last).padStart(2, '0')}`;
    out.push({ key, from: start < from ? from : start, to: end > to ? to : end });
  }
  return out;
}

// A report label that is still an identifier ('third_sector') as words ('Third sector').
const ACRONYMS = { gp: 'GP', nhs: 'NHS', simd: 'SIMD', hna: 'HNA' };
export function humanLabel(label) {
  if (typeof label !== 'string' || !/^[a-z0-9_]+$/.test(label)) return label;
  const words = label.split('_').map((w) => ACRONYMS[w] || w);
  const first = words[0];
  words[0] = first === first.toLowerCase() ? first.charAt(0).toUpperCase() + first.slice(1) : first;
  return words.join(' ');
}

// Breaks a long axis label into lines of about `width` characters (chart libraries do not wrap).
export function wrapLabel(text, width = 26) {
  if (text.length <= width) return text;
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && (line + ' ' + word).length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

// Free text from the server (an "insufficient" reason) may carry a count: any whole number from
// 1 to 4 standing alone becomes '<5', so the message cannot undo the suppression.
export function hideSmallNumbers(text) {
  return String(text).replace(/(^|[^\w.])([1-4])(?![\w.])/g, '$1<5');
}
