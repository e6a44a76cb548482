// Overview: the cards and charts of usage-stats, timeseries, top-prompts and error-analysis for the
// selected range and filters.

import {api, entries, pick, series, METRICS} from '../api.js';
import {h, fill, metric, table, cost as costText} from '../dom.js';
import * as fmt from '../format.js';
import * as charts from '../charts.js';
import {bucketFor, describeRange, href} from '../state.js';

const ERROR_TYPES = ['rate_limit', 'authentication', 'network', 'timeout', 'invalid_request', 'other'];

export function mount(container) {
  const subtitle = h('p.status');
  const cards = h('section.cards', {'aria-label': 'Key numbers', 'data-testid': 'cards'});
  const cost = charts.figure('chart-cost', 'Cost over time');
  const costNote = h('p.status.unpriced-note', {'data-testid': 'chart-cost-unpriced', hidden: true});
  cost.el.append(costNote);
  const executions = charts.figure('chart-executions', 'Executions and errors over time');
  const latency = charts.figure('chart-latency', 'Latency p50 / p95 / p99 over time');
  const models = charts.figure('chart-models', 'Executions by model');
  const prompts = charts.figure('chart-top-prompts', 'Top prompts by usage');
  const errors = charts.figure('chart-errors', 'Errors by category');
  const topTable = h('section.card', {'aria-labelledby': 'top-title'}, h('h2#top-title', 'Top prompts'), h('div'));
  const recent = h('section.card', {'aria-labelledby': 'recent-title'}, h('h2#recent-title', 'Recent errors'), h('div'));

  fill(container, 
    h('h1.view-title', 'Overview'), subtitle, cards,
    h('div.grid', cost.el, executions.el, latency.el, models.el, prompts.el, errors.el),
    h('div.grid', topTable, recent));

  /** The cards and the model donut: from a polled answer, or from a pushed snapshot (live.js). */
  function showStats(stats, filters) {
    subtitle.textContent = describeRange(filters);
    fill(cards, 
      metric('card-total-uses', 'Total uses', fmt.count(stats.total_uses), stats.total_uses),
      metric('card-total-executions', 'Executions', fmt.count(stats.total_executions), stats.total_executions),
      metric('card-success-rate', 'Success rate', fmt.percent(stats.success_rate), stats.success_rate,
        `Error rate ${fmt.percent(stats.error_rate)}`),
      metric('card-total-cost', 'Total cost',
        costText(stats.total_cost, stats.unpriced_executions, stats.total_executions),
        stats.total_cost, unpricedSub(stats.unpriced_executions)),
      metric('card-average-tokens', 'Average tokens', fmt.decimal1(stats.average_tokens), stats.average_tokens),
      metric('card-p95-latency', 'p95 latency', fmt.ms(stats.p95_latency_ms), stats.p95_latency_ms,
        `p50 ${fmt.ms(stats.p50_latency_ms)} · p99 ${fmt.ms(stats.p99_latency_ms)} · mean ${fmt.ms(stats.average_latency_ms)}`));

    charts.donut(models, entries(stats.by_model, 'model').map(e => ({
      name: e.key, value: pick(e, 'total_executions', 'executions', 'execution_count', 'count', 'value') ?? 0,
    })), {format: fmt.count, valueLabel: 'Executions'});
  }

  /**
   * A pushed snapshot: its usage-stats answer is exactly what the cards show; when it carries the
   * charts (at most every 5 s, see live/LiveHub), they replace the charts too, so nothing polls.
   */
  function pushed(snapshot, filters) {
    showStats(snapshot.stats, filters);
    if (snapshot.charts) showCharts(snapshot.charts);
  }

  /** Polled: the same eight answers the push channel's snapshot carries, asked one by one. */
  async function update(filters) {
    const bucket = bucketFor(filters);
    const [stats, costSeries, statusSeries, p50, p95, p99, top, errorAnalysis] = await Promise.all([
      api.usageStats(filters),
      api.timeseries(METRICS.cost, bucket, undefined, filters),
      api.timeseries(METRICS.executions, bucket, 'status', filters),
      api.timeseries(METRICS.p50, bucket, undefined, filters),
      api.timeseries(METRICS.p95, bucket, undefined, filters),
      api.timeseries(METRICS.p99, bucket, undefined, filters),
      api.topPrompts(10, filters),
      api.errorAnalysis(filters),
    ]);
    showStats(stats, filters);
    showCharts({
      bucket, cost: costSeries, executions_by_status: statusSeries,
      p50_latency_ms: p50, p95_latency_ms: p95, p99_latency_ms: p99, top_prompts: top, error_analysis: errorAnalysis,
    });
    return {stats};
  }

  /** The charts and tables below the cards, from the shape of a snapshot's `charts`. */
  function showCharts({bucket, cost: costSeries, executions_by_status: statusSeries,
    p50_latency_ms: p50, p95_latency_ms: p95, p99_latency_ms: p99, top_prompts: top, error_analysis: errorAnalysis}) {
    const label = t => fmt.bucketLabel(t, bucket);
    const costLines = series(costSeries).map(s => ({...s, name: s.name || 'Cost (USD)'}));
    charts.lines(cost, costLines, {label, format: fmt.moneyRounded, type: 'bar'});
    const unpricedInChart = costLines.flatMap(s => s.points).reduce((sum, p) => sum + p.unpriced, 0);
    costNote.hidden = unpricedInChart === 0;
    costNote.textContent = unpricedInChart
      ? `${fmt.count(unpricedInChart)} unpriced execution${unpricedInChart === 1 ? '' : 's'} in this range: their cost is unknown and not in the bars.`
      : '';
    charts.lines(executions, series(statusSeries).map(s => ({...s, name: s.name.toLowerCase() || 'executions'})),
      {label, format: fmt.count, stacked: true, type: 'bar', integer: true});
    charts.lines(latency, [
      ...series(p50).map(s => ({...s, name: 'p50'})),
      ...series(p95).map(s => ({...s, name: 'p95'})),
      ...series(p99).map(s => ({...s, name: 'p99'})),
    ], {label, format: fmt.ms});

    const topList = list(top, 'prompts', 'top_prompts');
    charts.bars(prompts, topList.map(p => ({name: promptName(p), value: p.usage_count ?? 0})),
      {format: fmt.count, valueLabel: 'Uses'});
    fill(topTable.lastChild, table([
      {label: 'Prompt', value: p => h('a', {href: href({view: 'prompt', slug: promptName(p)})}, promptName(p))},
      {label: 'Uses', num: true, value: p => fmt.count(p.usage_count)},
      {label: 'Executions', num: true, value: p => fmt.count(p.execution_count)},
      {label: 'Success', num: true, value: p => fmt.percent(p.success_rate)},
      {label: 'Cost', num: true, value: p => costText(p.total_cost, p.unpriced_executions, p.execution_count)},
    ], topList, {caption: 'Top prompts'}));

    const byType = new Map(entries(errorAnalysis.errors_by_type, 'type', 'category')
      .map(e => [e.key, pick(e, 'count', 'errors', 'value') ?? 0]));
    charts.bars(errors, [...new Set([...ERROR_TYPES, ...byType.keys()])]
      .map(type => ({name: type, value: byType.get(type) ?? 0})), {format: fmt.count, valueLabel: 'Errors'});
    fill(recent.lastChild, 
      h('p', `${fmt.count(errorAnalysis.total_errors)} errors in this range.`),
      table([
        {label: 'When', value: e => fmt.dateTime(pick(e, 'timestamp', 'occurred_at'))},
        {label: 'Prompt', value: e => pick(e, 'prompt', 'prompt_slug') ?? '–'},
        {label: 'Model', value: e => e.model ?? '–'},
        {label: 'Error', value: e => pick(e, 'error', 'error_message') ?? (e.content_error ? 'encrypted (open the execution)' : '–')},
      ], errorAnalysis.recent_errors ?? [], {caption: 'Recent errors'}));
  }

  return {update, pushed, live: true};
}

/** The line under a cost card when some executions have no price. */
export function unpricedSub(unpriced) {
  const n = Number(unpriced ?? 0);
  return n ? h('span', {'data-testid': 'unpriced-executions', dataset: {value: n}},
    `${fmt.count(n)} unpriced execution${n === 1 ? '' : 's'} not included`) : null;
}

export function list(answer, ...names) {
  if (Array.isArray(answer)) return answer;
  for (const name of [...names, 'items', 'data']) {
    if (Array.isArray(answer?.[name])) return answer[name];
  }
  return [];
}

export function promptName(p) {
  return String(pick(p, 'name', 'prompt_slug', 'slug', 'prompt') ?? '');
}
