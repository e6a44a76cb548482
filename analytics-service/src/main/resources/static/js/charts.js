// Charts (Apache ECharts, served from the jar). Every chart is a <figure> with a caption, an
// ECharts-generated text description for screen readers, and a "Data" table with the same numbers.

import {h, fill, table} from './dom.js';

// Colour-blind-safe palette (Okabe–Ito), darkened where needed for contrast against white.
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8a6d00', '#56B4E9', '#5b5b5b', '#E69F00'];
const STATUS_COLOURS = {success: '#1e6b35', error: '#a3261b', timeout: '#b36b00'};

const instances = new WeakMap();

/** A figure whose chart can be updated in place (no flicker on live refresh). */
export function figure(testId, caption) {
  const area = h('div.chart-area', {role: 'img', 'aria-label': caption});
  const empty = h('p.chart-empty', {hidden: true}, 'No data for this range and these filters.');
  const data = h('details.data', h('summary', `${caption}: data table`), h('div'));
  const el = h('figure.chart.card', {'data-testid': testId}, h('figcaption', caption), area, empty, data);
  return {el, area, empty, data: data.lastChild, caption};
}

function chartOf(fig) {
  if (typeof echarts === 'undefined') return null; // the library failed to load: the data tables still work
  let chart = instances.get(fig.area);
  if (!chart) {
    chart = echarts.init(fig.area, null, {renderer: 'svg'});
    instances.set(fig.area, chart);
    new ResizeObserver(() => chart.resize()).observe(fig.area);
  }
  return chart;
}

function render(fig, option, hasData, rows, columns) {
  fig.empty.hidden = hasData;
  fig.area.hidden = !hasData;
  fill(fig.data, table(columns, rows, {caption: fig.caption}));
  const chart = hasData ? chartOf(fig) : null;
  if (chart) {
    chart.setOption({
      aria: {enabled: true, label: {description: undefined}},
      color: PALETTE,
      animation: false,
      textStyle: {color: '#1b2330'},
      grid: {left: 56, right: 16, top: 36, bottom: 40, containLabel: true},
      tooltip: {trigger: option.series?.[0]?.type === 'pie' ? 'item' : 'axis'},
      ...option,
    }, true);
  }
}

/** Time series: [{name, points: [{time, value}]}] with shared x labels. */
export function lines(fig, seriesList, {label, format = String, stacked = false, type = 'line', integer = false} = {}) {
  const times = [...new Set(seriesList.flatMap(s => s.points.map(p => p.time)))].sort();
  const labels = times.map(label || String);
  const byName = seriesList.map(s => {
    const values = new Map(s.points.map(p => [p.time, p.value]));
    return {name: s.name || fig.caption, values: times.map(t => values.get(t) ?? null)};
  });
  const hasData = byName.some(s => s.values.some(v => v !== 0 && v !== null));
  render(fig, {
    legend: byName.length > 1 ? {top: 0} : undefined,
    xAxis: {type: 'category', data: labels, axisLabel: {color: '#4a5568'}},
    yAxis: {type: 'value', minInterval: integer ? 1 : undefined, axisLabel: {color: '#4a5568', formatter: v => format(v)}},
    series: byName.map(s => ({
      name: s.name,
      type,
      stack: stacked ? 'total' : undefined,
      data: s.values,
      showSymbol: false,
      connectNulls: false,
      color: STATUS_COLOURS[s.name],
    })),
    tooltip: {trigger: 'axis', valueFormatter: v => format(v)},
  }, hasData,
  times.map((t, i) => ({label: labels[i], values: byName.map(s => s.values[i])})),
  [{label: 'Time (UTC)', value: r => r.label},
    ...byName.map((s, i) => ({label: s.name, num: true, value: r => format(r.values[i])}))]);
}

/** Categories: [{name, value}] as horizontal bars. */
export function bars(fig, items, {format = String, valueLabel = 'Value', integer = true} = {}) {
  const ordered = [...items].reverse(); // largest on top
  render(fig, {
    grid: {left: 8, right: 24, top: 8, bottom: 24, containLabel: true},
    xAxis: {type: 'value', minInterval: integer ? 1 : undefined, axisLabel: {color: '#4a5568', formatter: v => format(v)}},
    yAxis: {type: 'category', data: ordered.map(i => i.name), axisLabel: {color: '#1b2330', width: 160, overflow: 'truncate'}},
    series: [{type: 'bar', name: valueLabel, data: ordered.map(i => Number(i.value)), color: PALETTE[0]}],
    tooltip: {trigger: 'axis', valueFormatter: v => format(v)},
  }, items.some(i => Number(i.value) !== 0), items,
  [{label: 'Name', value: r => r.name}, {label: valueLabel, num: true, value: r => format(r.value)}]);
}

/** Shares: [{name, value}] as a donut. */
export function donut(fig, items, {format = String, valueLabel = 'Value'} = {}) {
  render(fig, {
    legend: {type: 'scroll', bottom: 0},
    tooltip: {trigger: 'item', valueFormatter: v => format(v)},
    series: [{
      type: 'pie', name: valueLabel, radius: ['40%', '68%'], center: ['50%', '45%'],
      label: {color: '#1b2330', formatter: '{b}: {d}%'},
      data: items.map(i => ({name: i.name, value: Number(i.value)})),
    }],
  }, items.some(i => Number(i.value) !== 0), items,
  [{label: 'Name', value: r => r.name}, {label: valueLabel, num: true, value: r => format(r.value)}]);
}
