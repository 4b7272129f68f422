// Chart.js (vendor/chart.umd.min.js, loaded by index.html before this module) behind three small
// functions. Every chart has a table beside it with the same numbers, so a missing library, a
// screen reader or a printout loses nothing: the charts are a view, the tables are the record.

import { wrapLabel } from './format.js';

const instances = new Map(); // canvas -> Chart

export const COLOURS = {
  primary: '#1d5f8a',
  before: '#7c8a99',
  after: '#1d5f8a',
  second: '#a34e00',
};

export function available() {
  return typeof window.Chart === 'function';
}

function setup() {
  const Chart = window.Chart;
  Chart.defaults.font.family = 'system-ui, "DejaVu Sans", sans-serif';
  Chart.defaults.font.size = 13;
  Chart.defaults.color = '#1f2933';
  // Figures appear at once: no motion for people who asked for none, and stable screenshots.
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
}

function draw(canvas, config) {
  if (!available()) return null;
  if (!draw.ready) {
    setup();
    draw.ready = true;
  }
  instances.get(canvas)?.destroy();
  const chart = new window.Chart(canvas, config);
  instances.set(canvas, chart);
  return chart;
}

export function clear(canvas) {
  instances.get(canvas)?.destroy();
  instances.delete(canvas);
}

// One series of bars. `rows` carry {label, value (null when suppressed), display}; a suppressed
// row keeps its place with no bar, and its label says '<5'. Counts by default; `integer: false`,
// `min` and `max` for a measure's scale.
export function barChart(canvas, rows, { horizontal = false, title = 'People', colours, integer = true, min, max } = {}) {
  const labels = rows.map((r) => wrapLabel(r.value === null ? `${r.label} (<5)` : r.label));
  return draw(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          label: title,
          data: rows.map((r) => r.value),
          backgroundColor: colours || COLOURS.primary,
          borderColor: '#0b2e45',
          borderWidth: 1,
        },
      ],
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (ctx) => `${title}: ${rows[ctx.dataIndex].display}` } },
      },
      scales: {
        [horizontal ? 'x' : 'y']: {
          beginAtZero: min === undefined,
          min,
          max,
          ticks: integer ? { precision: 0 } : {},
          title: { display: true, text: title },
        },
        // Every bar keeps its label: Chart.js would otherwise drop every other one when crowded.
        [horizontal ? 'y' : 'x']: { ticks: { autoSkip: false } },
      },
    },
  });
}

// Before and after, side by side on the category axis (so colour is not needed to tell them apart).
export function pairChart(canvas, { labels, values, displays, title, min, max }) {
  const rows = labels.map((label, i) => ({ label, value: values[i], display: displays[i] }));
  return barChart(canvas, rows, { title, colours: [COLOURS.before, COLOURS.after], integer: false, min, max });
}

// Several series over the same categories (months); each series has its own line dash and point
// shape as well as its colour.
export function lineChart(canvas, { labels, series, yTitle, format }) {
  const styles = [
    { colour: COLOURS.primary, dash: [], point: 'circle' },
    { colour: COLOURS.second, dash: [6, 4], point: 'rectRot' },
  ];
  return draw(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.values,
        borderColor: styles[i % 2].colour,
        backgroundColor: styles[i % 2].colour,
        borderDash: styles[i % 2].dash,
        pointStyle: styles[i % 2].point,
        pointRadius: 4,
        spanGaps: false,
      })),
    },
    options: {
      plugins: {
        legend: { labels: { usePointStyle: true } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${format(ctx.parsed.y)}` } },
      },
      // With nothing above zero to plot (every month empty or hidden) the axis still reads sensibly.
      scales: {
        y: {
          beginAtZero: true,
          suggestedMax: series.some((s) => s.values.some((v) => typeof v === 'number' && v > 0)) ? undefined : 100,
          title: { display: true, text: yTitle },
          ticks: { callback: (v) => format(v) },
        },
      },
    },
  });
}
