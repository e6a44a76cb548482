// Prompt page: one prompt's performance, usage by version, and the version comparison with its
// significance in plain words. Without a slug: the list of prompts to choose from.

import {api, entries, pick} from '../api.js';
import {h, fill, metric, table, cost as costText, money} from '../dom.js';
import * as fmt from '../format.js';
import * as charts from '../charts.js';
import * as state from '../state.js';
import {list, promptName} from './overview.js';

export function mount(container, params) {
  const slug = params.get('slug');
  return slug ? promptPage(container, slug, params.get('compare')) : promptList(container);
}

function promptList(container) {
  const body = h('div');
  fill(container, h('h1.view-title', 'Prompts'), h('p', 'Choose a prompt to see its performance and compare its versions.'), body);
  async function update(filters) {
    const top = list(await api.topPrompts(100, withoutPrompt(filters)), 'prompts', 'top_prompts');
    fill(body, table([
      {label: 'Prompt', value: p => h('a', {href: state.href({view: 'prompt', slug: promptName(p)})}, promptName(p))},
      {label: 'Uses', num: true, value: p => fmt.count(p.usage_count)},
      {label: 'Executions', num: true, value: p => fmt.count(p.execution_count)},
      {label: 'Success', num: true, value: p => fmt.percent(p.success_rate)},
      {label: 'Cost', num: true, value: p => costText(p.total_cost, p.unpriced_executions, p.execution_count)},
    ], top, {caption: 'Prompts by usage'}));
  }
  return {update, live: true};
}

function withoutPrompt(filters) {
  const {prompt: _ignored, ...rest} = filters;
  return rest;
}

function promptPage(container, slug, compare) {
  const subtitle = h('p.status');
  const cards = h('section.cards', {'aria-label': `Key numbers of ${slug}`, 'data-testid': 'prompt-cards'});
  const cost = charts.figure('chart-prompt-cost', 'Cost by day');
  const costNote = h('p.status.unpriced-note', {'data-testid': 'chart-prompt-cost-unpriced', hidden: true});
  cost.el.append(costNote);
  const versions = charts.figure('chart-versions', 'Usage by version');
  const models = charts.figure('chart-prompt-models', 'Model distribution');
  const tokens = h('section.card', {'aria-labelledby': 'tokens-title'}, h('h2#tokens-title', 'Token usage'), h('div'));
  const [a, b] = (compare || '').split(',');
  const versionA = h('select#compare-a', {name: 'a'});
  const versionB = h('select#compare-b', {name: 'b'});
  const comparison = h('div', {'data-testid': 'comparison', 'aria-live': 'polite'});
  const compareForm = h('form.toolbar', {
    onsubmit: event => {
      event.preventDefault();
      if (versionA.value && versionB.value && versionA.value !== versionB.value) {
        state.go({compare: `${versionA.value},${versionB.value}`});
      } else {
        fill(comparison, h('p.error', 'Choose two different versions.'));
      }
    },
  },
  h('label', h('span', 'Version A'), versionA), h('label', h('span', 'Version B'), versionB),
  h('button', {type: 'submit'}, 'Compare'));

  fill(container, 
    h('p', h('a', {href: state.href({view: 'prompt'})}, '← All prompts')),
    h('h1.view-title', `Prompt ${slug}`), subtitle, cards,
    h('div.grid', cost.el, versions.el, models.el, tokens),
    h('section.card', {'aria-labelledby': 'compare-title'},
      h('h2#compare-title', 'Compare versions'), compareForm, comparison));

  let comparedFor = null;

  async function update(filters) {
    const scoped = withoutPrompt(filters);
    const perf = await api.promptPerformance(slug, scoped);
    subtitle.textContent = state.describeRange(filters);
    fill(cards, 
      metric('prompt-total-executions', 'Executions', fmt.count(perf.total_executions), perf.total_executions),
      metric('prompt-success-rate', 'Success rate', fmt.percent(perf.success_rate), perf.success_rate),
      metric('prompt-error-rate', 'Error rate', fmt.percent(perf.error_rate), perf.error_rate),
      metric('prompt-average-latency', 'Average latency', fmt.ms(perf.average_latency_ms), perf.average_latency_ms),
      metric('prompt-p95-latency', 'p95 latency', fmt.ms(perf.p95_latency_ms), perf.p95_latency_ms,
        `p50 ${fmt.ms(perf.p50_latency_ms)} · p99 ${fmt.ms(perf.p99_latency_ms)}`));

    const days = entries(perf.cost_by_day, 'date', 'day');
    charts.lines(cost, [{name: 'Cost (USD)', points: days.map(d => ({
      time: d.key, value: Number(pick(d, 'cost', 'total_cost', 'value') ?? 0),
    }))}], {label: t => String(t).slice(0, 10), format: fmt.moneyRounded, type: 'bar'});
    const unpriced = days.reduce((sum, d) => sum + Number(d.unpriced_executions ?? 0), 0);
    costNote.hidden = unpriced === 0;
    costNote.textContent = unpriced
      ? `${fmt.count(unpriced)} unpriced execution${unpriced === 1 ? '' : 's'} of this prompt: their cost is unknown and not in the bars.`
      : '';

    const byVersion = entries(perf.usage_by_version, 'version')
      .map(v => ({name: `v${v.key}`, version: v.key, value: pick(v, 'usage_count', 'usages', 'executions', 'count', 'value') ?? 0}))
      .sort((x, y) => Number(x.version) - Number(y.version));
    charts.bars(versions, byVersion, {format: fmt.count, valueLabel: 'Uses'});
    charts.donut(models, entries(perf.model_distribution, 'model').map(m => ({
      name: m.key, value: pick(m, 'executions', 'count', 'value') ?? 0,
    })), {format: fmt.count, valueLabel: 'Executions'});

    const t = perf.token_usage || {};
    fill(tokens.lastChild, h('dl.facts',
      h('dt', 'Input tokens'), h('dd', fmt.count(t.total_input_tokens)),
      h('dt', 'Output tokens'), h('dd', fmt.count(t.total_output_tokens)),
      h('dt', 'Average input'), h('dd', fmt.decimal1(t.average_input_tokens)),
      h('dt', 'Average output'), h('dd', fmt.decimal1(t.average_output_tokens))));

    fillVersions(byVersion.map(v => v.version));
    const key = `${compare}|${JSON.stringify(scoped)}`;
    if (a && b && comparedFor !== key) {
      comparedFor = key;
      const {version: _v, ...unversioned} = scoped;
      renderComparison(await api.compareVersions(slug, `${a},${b}`, unversioned));
    }
  }

  function fillVersions(available) {
    const all = [...new Set([...available, a, b].filter(Boolean).map(String))].sort((x, y) => x - y);
    for (const [select, chosen, fallback] of [[versionA, a, all[all.length - 2]], [versionB, b, all[all.length - 1]]]) {
      const selected = select.value || chosen || fallback || '';
      fill(select, ...all.map(v => h('option', {value: v, selected: v === selected}, `Version ${v}`)));
    }
  }

  function renderComparison(answer) {
    const perVersion = entries(answer.versions, 'version');
    const left = perVersion.find(v => String(v.key) === a) || perVersion[0] || {};
    const right = perVersion.find(v => String(v.key) === b) || perVersion[1] || {};
    const diffs = new Map(entries(answer.differences ?? answer.comparison, 'metric').map(d => [d.key, d]));
    const names = [...new Set([...Object.keys(left), ...Object.keys(right), ...diffs.keys()])]
      .filter(n => !['key', 'version', 'prompt', 'slug', 'prompt_slug'].includes(n))
      .filter(n => typeof (left[n] ?? right[n] ?? 0) !== 'object');
    const rows = names.map(name => ({name, a: left[name], b: right[name], diff: diffs.get(name)}));
    const method = describeTests(pick(answer, 'tests', 'test', 'method'));
    fill(comparison, 
      h('h3', `Version ${a} vs version ${b}`),
      table([
        {label: 'Measure', value: r => label(r.name)},
        {label: `Version ${a}`, num: true, value: r => show(r.name, r.a)},
        {label: `Version ${b}`, num: true, value: r => show(r.name, r.b)},
        {label: `Difference (${b} − ${a})`, num: true, value: r => difference(r.name, differenceOf(r))},
        {label: 'Significant?', value: r => significance(r.diff)},
      ], rows, {caption: `Version ${a} compared with version ${b}`}),
      h('ul', rows.filter(r => r.diff && significant(r.diff) !== undefined).map(r => h('li', sentence(r)))),
      method ? h('p', {'data-testid': 'tests-used'}, method) : null);
  }

  function differenceOf(r) {
    const given = r.diff ? pick(r.diff, 'difference', 'diff', 'delta') : undefined;
    if (given !== undefined) return given;
    return typeof r.a === 'number' && typeof r.b === 'number' ? r.b - r.a : undefined;
  }

  function sentence(r) {
    const d = differenceOf(r);
    const direction = Number(d) > 0 ? 'higher' : Number(d) < 0 ? 'lower' : 'the same';
    const p = pick(r.diff, 'p_value', 'p');
    const isSignificant = significant(r.diff);
    return `${label(r.name)}: version ${b} is ${direction === 'the same' ? 'the same as' : `${show(r.name, Math.abs(Number(d)), true, true)} ${direction} than`} version ${a}; `
      + (isSignificant ? 'this difference is statistically significant' : 'this could be chance (not statistically significant)')
      + (p !== undefined ? ` (p = ${Number(p).toPrecision(2)})` : '') + '.';
  }

  return {update, live: true};
}

/** "Rates: two-sided two-proportion z-test ...; means: ..." from {rates, means, significance_level} or text. */
function describeTests(tests) {
  if (!tests) return null;
  if (typeof tests === 'string') return `Test used: ${tests}.`;
  const parts = [];
  if (tests.rates) parts.push(`rates by ${tests.rates}`);
  if (tests.means) parts.push(`means by ${tests.means}`);
  const level = tests.significance_level;
  return `Tests used: ${parts.join('; ')}.` + (level ? ` A difference is called significant when p < ${level}.` : '')
    + ' p95 latency differences are shown without a test.';
}

function difference(name, value) {
  if (value === undefined || value === null) return '–';
  const n = Number(value);
  const sign = n > 0 ? '+' : n < 0 ? '−' : '±';
  if (/rate/.test(name)) return `${sign}${fmt.decimal1(Math.abs(n))} points`;
  if (/cost/.test(name)) return h('span', sign, money(String(value).replace(/^-/, '')));
  return `${sign}${show(name, Math.abs(n))}`;
}

function significant(diff) {
  if (!diff) return undefined;
  return pick(diff, 'significant', 'is_significant', 'statistically_significant');
}

function significance(diff) {
  const value = significant(diff);
  if (value === undefined) return '–';
  const p = pick(diff, 'p_value', 'p');
  return h(`span.badge.${value ? 'significant' : 'not-significant'}`,
    `${value ? 'Yes' : 'No'}${p !== undefined ? ` (p = ${Number(p).toPrecision(2)})` : ''}`);
}

const LABELS = {
  executions: 'Executions', total_executions: 'Executions', success_rate: 'Success rate', error_rate: 'Error rate',
  average_latency_ms: 'Average latency', p95_latency_ms: 'p95 latency', average_tokens: 'Average tokens',
  average_cost: 'Average cost per execution', average_cost_per_execution: 'Average cost per execution',
};

function label(name) {
  return LABELS[name] || name.replace(/_/g, ' ').replace(/^./, c => c.toUpperCase());
}

/** A value of the comparison; amounts as dom.money (rounded, exact in the tooltip), or as text inside a sentence. */
function show(name, value, absolute = false, asText = false) {
  if (value === undefined || value === null) return '–';
  if (/rate/.test(name)) return absolute ? `${fmt.decimal1(value)} points` : fmt.percent(value);
  if (/latency|_ms$/.test(name)) return fmt.ms(value);
  if (/cost/.test(name)) return asText ? fmt.moneyRounded(value) : money(value);
  if (/tokens/.test(name)) return fmt.decimal1(value);
  return typeof value === 'number' ? fmt.decimal1(value) : String(value);
}
