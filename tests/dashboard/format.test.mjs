// Unit tests of the dashboard's pure helpers (small-count suppression above all): node --test.
import assert from 'node:assert/strict';
import test from 'node:test';

import {
  countText,
  formatMoney,
  formatP,
  isSmall,
  isSmallMoney,
  MONEY_SUPPRESSED,
  moneyText,
  monthsBetween,
  suppressMoneyRows,
  suppressRows,
} from '../../sync/server/dashboard/js/format.js';

test('counts of 1 to 4 are shown as <5, 0 and 5+ as numbers', () => {
  assert.equal(countText(0), '0');
  for (const n of [1, 2, 3, 4]) assert.equal(countText(n), '<5', `count ${n}`);
  assert.equal(countText(5), '5');
  assert.equal(countText(1992), '1,992');
  assert.equal(countText(undefined), '–');
  assert.equal(countText(null), '–');
  assert.ok(!isSmall(0) && isSmall(1) && isSmall(4) && !isSmall(5));
});

test('a breakdown suppresses small rows and keeps no number for them', () => {
  const rows = suppressRows([
    { key: 'a', count: 20 },
    { key: 'b', count: 3 },
    { key: 'c', count: 2 },
    { key: 'd', count: 0 },
  ]);
  assert.deepEqual(
    rows.map((r) => [r.key, r.display, r.value]),
    [
      ['a', '20', 20],
      ['b', '<5', null],
      ['c', '<5', null],
      ['d', '0', 0],
    ],
  );
});

test('one suppressed row takes the next smallest with it, so subtraction reveals nothing', () => {
  const rows = suppressRows([
    { key: 'q1', count: 33 },
    { key: 'q2', count: 11 },
    { key: 'q3', count: 7 },
    { key: 'unknown', count: 4 },
    { key: 'q4', count: 0 },
  ]);
  assert.deepEqual(
    rows.map((r) => r.display),
    ['33', '11', '<5', '<5', '0'],
  );
  // The secondary row's real number is kept only as the count field the report gave.
  assert.equal(rows[2].value, null);
});

test('no suppression when nothing is small', () => {
  const rows = suppressRows([{ count: 5 }, { count: 9 }]);
  assert.deepEqual(rows.map((r) => r.value), [5, 9]);
});

test('money and p-values read as people expect', () => {
  assert.equal(formatMoney(160500.5), '£160,501');
  assert.equal(formatP(1.2e-15), 'p < 0.001');
  assert.equal(formatP(0.0112), 'p = 0.011');
});

test('months of a period are clipped to the period', () => {
  assert.deepEqual(monthsBetween('2025-11-15', '2026-02-03'), [
    { key: '2025-11', from: '2025-11-15', to: '2025-11-30' },
    { key: '2025-12', from: '2025-12-01', to: '2025-12-31' },
    { key: '2026-01', from: '2026-01-01', to: '2026-01-31' },
    { key: '2026-02', from: '2026-02-01', to: '2026-02-03' },
  ]);
  assert.equal(monthsBetween('2024-02-01', '2024-02-29')[0].to, '2024-02-29');
});

test('identifiers read as words; long labels wrap', async () => {
  const { humanLabel, wrapLabel } = await import('../../sync/server/dashboard/js/format.js');
  assert.equal(humanLabel('third_sector'), 'Third sector');
  assert.equal(humanLabel('gp'), 'GP');
  assert.equal(humanLabel('Money or housing'), 'Money or housing');
  assert.deepEqual(wrapLabel('Loss of faith or other spiritual concerns', 26), ['Loss of faith or other', 'spiritual concerns']);
  assert.equal(wrapLabel('Pain'), 'Pain');
});

test('small numbers in free text are hidden too', async () => {
  const { hideSmallNumbers } = await import('../../sync/server/dashboard/js/format.js');
  assert.equal(
    hideSmallNumbers('3 paired initial and review scores; at least 5 are needed'),
    '<5 paired initial and review scores; at least 5 are needed',
  );
  assert.equal(hideSmallNumbers('1 referrals with a first contact'), '<5 referrals with a first contact');
  assert.equal(hideSmallNumbers('0 pairs; EQ-5D 3L value set; 12 people; 2.5 days'), '0 pairs; EQ-5D 3L value set; 12 people; 2.5 days');
});

test('money received by 1 to 4 people is not shown, with the reason', () => {
  assert.equal(moneyText(665, 1), MONEY_SUPPRESSED);
  assert.equal(moneyText(665, 4), MONEY_SUPPRESSED);
  assert.match(MONEY_SUPPRESSED, /not shown/);
  assert.doesNotMatch(MONEY_SUPPRESSED, /665/);
  assert.equal(moneyText(1234.5, 5), '£1,235');
  assert.equal(moneyText(0, 0), '£0');
  assert.ok(isSmallMoney(1) && isSmallMoney(4) && !isSmallMoney(0) && !isSmallMoney(5));
});

test('money by month: a month for 1 to 4 people has no amount, and one alone takes another with it', () => {
  const months = [
    { key: '2026-01', people: 6, benefits_and_grants: 30100, debt_written_off: 0 },
    { key: '2026-02', people: 4, benefits_and_grants: 22000, debt_written_off: 4200 },
    { key: '2026-03', people: 9, benefits_and_grants: 35400.5, debt_written_off: 0 },
    { key: '2026-04', people: 5, benefits_and_grants: 20000, debt_written_off: 5000 },
    { key: '2026-05', people: 0, benefits_and_grants: 0, debt_written_off: 0 },
  ];
  const rows = suppressMoneyRows(months, ['benefits_and_grants', 'debt_written_off']);
  assert.deepEqual(
    rows.map((r) => [r.key, r.values.benefits_and_grants, r.texts.debt_written_off]),
    [
      ['2026-01', 30100, '£0'],
      ['2026-02', null, MONEY_SUPPRESSED], // 4 people
      ['2026-03', 35400.5, '£0'],
      ['2026-04', null, MONEY_SUPPRESSED], // secondary: else February = total - the rest
      ['2026-05', 0, '£0'], // nobody: zero identifies nobody
    ],
  );
  // No suppressed amount survives anywhere in the row's values or texts.
  for (const r of rows.filter((x) => x.moneySuppressed)) {
    assert.deepEqual(Object.values(r.values), [null, null]);
    for (const t of Object.values(r.texts)) assert.doesNotMatch(t, /\d{2}/);
  }
  // Two small months: no secondary suppression needed.
  const two = suppressMoneyRows(
    [
      { key: 'a', people: 2, benefits_and_grants: 10 },
      { key: 'b', people: 3, benefits_and_grants: 20 },
      { key: 'c', people: 7, benefits_and_grants: 30 },
    ],
    ['benefits_and_grants'],
  );
  assert.deepEqual(two.map((r) => r.values.benefits_and_grants), [null, null, 30]);
  // A series whose period figure is for 1-4 people is hidden in every month.
  const hidden = suppressMoneyRows(months, ['benefits_and_grants', 'debt_written_off'], { hidden: ['debt_written_off'] });
  assert.deepEqual(hidden.map((r) => r.values.debt_written_off), [null, null, null, null, null]);
  assert.equal(hidden[0].values.benefits_and_grants, 30100);
  // With each amount's own people: January helped 6, but its debt went to 2 (and March's to 1),
  // so those debts are hidden while the months' benefits still show.
  const own = suppressMoneyRows(
    [
      { key: '2026-01', people: 6, benefits_and_grants: 30100, benefits_and_grants_people: 5, debt_written_off: 900, debt_written_off_people: 2 },
      { key: '2026-02', people: 7, benefits_and_grants: 22000, benefits_and_grants_people: 7, debt_written_off: 0, debt_written_off_people: 0 },
      { key: '2026-03', people: 9, benefits_and_grants: 35400, benefits_and_grants_people: 8, debt_written_off: 300, debt_written_off_people: 1 },
    ],
    ['benefits_and_grants', 'debt_written_off'],
    { peopleFields: { benefits_and_grants: 'benefits_and_grants_people', debt_written_off: 'debt_written_off_people' } },
  );
  assert.deepEqual(own.map((r) => r.values.benefits_and_grants), [30100, 22000, 35400]);
  assert.deepEqual(own.map((r) => r.values.debt_written_off), [null, 0, null]);
  assert.deepEqual(own.map((r) => r.moneySuppressed), [true, false, true]);
});
