// Alerts (docs/alerts.md): the tenant's rules with their state, a form to create one, what is
// firing now, a rule's history, and each budget's burn-down (spend so far against the limit, with
// the forecast of the period's end). Creating a rule is the API's POST; its refusals (problem
// details naming the field) are shown next to the form.

import {api, ApiError} from '../api.js';
import {h, fill, table, money} from '../dom.js';
import * as fmt from '../format.js';

const METRICS = ['cost', 'executions', 'error_rate', 'p95_latency_ms', 'p99_latency_ms', 'tokens',
  'unpriced_executions', 'usages'];
const CONDITIONS = ['threshold', 'change', 'anomaly', 'budget'];

export function mount(container) {
  const firing = h('div', {'data-testid': 'alerts-firing'});
  const rules = h('div', {'data-testid': 'alert-rules'});
  const budgets = h('div', {'data-testid': 'alert-budgets'});
  const history = h('div', {'data-testid': 'alert-history'}, h('p', 'Choose a rule’s History to see its transitions.'));
  const error = h('p.error#rule-error', {role: 'alert', 'data-testid': 'rule-error'});
  const form = createForm(error, () => update());
  let shownHistory = null;

  fill(container,
    h('h1.view-title', 'Alerts'),
    h('section.card', {'aria-labelledby': 'a-firing'}, h('h2#a-firing', 'Firing now'), firing),
    h('section.card', {'aria-labelledby': 'a-rules'}, h('h2#a-rules', 'Rules'), rules),
    h('section.card', {'aria-labelledby': 'a-budgets'}, h('h2#a-budgets', 'Budgets'), budgets),
    h('section.card', {'aria-labelledby': 'a-history'}, h('h2#a-history', 'History'), history),
    h('section.card', {'aria-labelledby': 'a-create'}, h('h2#a-create', 'New rule'), form, error));

  async function showHistory(rule) {
    shownHistory = rule;
    const answer = await api.alertHistory(rule.id);
    fill(history, h('p', `Transitions of “${rule.name}”, newest first.`), table([
      {label: 'When', value: t => fmt.dateTime(t.occurred_at)},
      {label: 'From', value: t => t.previous_state},
      {label: 'To', value: t => t.state},
      {label: 'Value', num: true, value: t => t.value ?? '–'},
      {label: 'Compared with', num: true, value: t => t.threshold},
      {label: 'Window', value: t => `${fmt.dateTime(t.window_start)} – ${fmt.dateTime(t.window_end)}`},
      {label: 'Level', num: true, value: t => (t.level ? `${t.level} %` : '–')},
    ], answer.transitions ?? [], {caption: `History of ${rule.name}`, empty: 'No transitions yet.'}));
  }

  async function update() {
    const [all, now] = await Promise.all([api.alertRules(), api.alertsFiring()]);
    const list = all.rules ?? [];
    window.dispatchEvent(new CustomEvent('pe:firing', {detail: now.count}));
    fill(firing, table([
      {label: 'Rule', value: r => r.name},
      {label: 'Metric', value: r => r.metric},
      {label: 'Value', num: true, value: r => r.state?.last_value ?? '–'},
      {label: 'Since', value: r => fmt.dateTime(r.state?.since)},
      {label: 'Acknowledged', value: r => r.state?.acknowledged_by ?? '–'},
    ], now.rules ?? [], {caption: 'Rules firing now', empty: 'Nothing is firing.'}));
    fill(rules, table([
      {label: 'Rule', value: r => r.name},
      {label: 'Watches', value: r => describe(r)},
      {label: 'Scope', value: r => scopeText(r.scope)},
      {label: 'State', value: r => h(`span.badge.state-${r.state?.state ?? 'ok'}`, {'data-testid': 'rule-state'},
        r.state?.state ?? 'ok')},
      {label: 'Last value', num: true, value: r => r.state?.last_value ?? '–'},
      {label: 'Evaluated', value: r => fmt.dateTime(r.state?.last_evaluated_at)},
      {label: '', value: r => h('button.secondary', {type: 'button', onclick: () => showHistory(r)}, 'History')},
    ], list, {caption: 'Alert rules', empty: 'No rules yet: create one below.',
      rowAttrs: r => ({'data-rule': r.id, 'data-name': r.name})}));
    const budgetRules = list.filter(r => r.condition === 'budget');
    fill(budgets, budgetRules.length ? budgetRules.map(burnDown) : h('p', 'No budgets.'));
    if (shownHistory) await showHistory(shownHistory);
  }
  return {update, live: true};
}

function describe(r) {
  if (r.condition === 'budget') return `cost per ${r.budget_period} ≤ ${fmt.money(r.threshold)}`;
  if (r.condition === 'anomaly') {
    return `${r.metric} ${r.operator === '>' ? 'above' : 'below'} its usual band (k ${r.threshold},`
      + ` ${r.baseline_weeks} weeks, ${r.consecutive} h in a row)`;
  }
  if (r.condition === 'change') return `${r.metric} over ${r.window} changes ${r.operator} ${r.threshold} % vs ${r.compare_to}`;
  return `${r.metric} over ${r.window} ${r.operator} ${r.threshold}`;
}

function scopeText(scope) {
  const parts = Object.entries(scope ?? {}).map(([k, v]) => `${k} ${v}`);
  return parts.length ? parts.join(', ') : 'whole tenant';
}

/** Spend so far and the forecast of the period's end, as bars against the limit. */
function burnDown(rule) {
  const limit = Number(rule.threshold);
  const spent = Number(rule.state?.last_value ?? 0);
  const forecast = rule.state?.forecast;
  const width = value => `${Math.min(100, (100 * Number(value)) / (limit || 1)).toFixed(1)}%`;
  return h('div.burn-down', {'data-testid': 'burn-down', 'data-rule': rule.id},
    h('h3', rule.name),
    h('p', 'Spent ', money(rule.state?.last_value ?? '0'), ` of ${fmt.money(rule.threshold)} this ${rule.budget_period}`,
      ` (${fmt.decimal1((100 * spent) / (limit || 1))} %)`,
      forecast ? [', forecast ', money(forecast), ' by its end'] : null,
      rule.state?.level ? ` · ${rule.state.level} % level reached` : null),
    h('div.burn-bar', {role: 'img', 'aria-label': `Spent ${width(spent)} of the limit, forecast ${forecast ? width(forecast) : 'unknown'}`},
      forecast ? h('div.burn-forecast', {style: `width: ${width(forecast)}`}) : null,
      h('div.burn-spent', {style: `width: ${width(spent)}`})));
}

function createForm(error, created) {
  const field = (label, input) => h('label', null, h('span', label), input);
  const select = (name, values, value) => h('select', {name}, values.map(v => h('option', {value: v, selected: v === value}, v)));
  const input = (name, attrs = {}) => h('input', {name, autocomplete: 'off', ...attrs});
  const form = h('form.rule-form', {'data-testid': 'rule-form', novalidate: true},
    field('Name', input('name', {required: true})),
    field('Metric', select('metric', METRICS, 'cost')),
    field('Condition', select('condition', CONDITIONS, 'threshold')),
    field('Operator', select('operator', ['>', '<'], '>')),
    field('Threshold (k for anomaly, limit for budget)', input('threshold', {inputmode: 'decimal'})),
    field('Window (threshold, change)', input('window', {value: '1h'})),
    field('Compare to (change)', select('compare_to', ['previous_window', 'last_week'], 'previous_window')),
    field('Budget period', select('budget_period', ['month', 'week', 'day'], 'month')),
    field('Baseline weeks (anomaly)', input('baseline_weeks', {inputmode: 'numeric', value: '4'})),
    field('Consecutive', input('consecutive', {inputmode: 'numeric', value: '1'})),
    field('Minimum volume', input('min_volume', {inputmode: 'numeric', value: '0'})),
    field('Prompt', input('prompt')),
    field('Environment', input('environment')),
    field('Model', input('model')),
    h('div.filter-actions', h('button', {type: 'submit', 'data-testid': 'create-rule'}, 'Create rule')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    error.textContent = '';
    try {
      await api.createAlertRule(body(form.elements));
      form.elements.name.value = '';
      await created();
    } catch (e) {
      error.textContent = e instanceof ApiError && e.problem?.parameter
        ? `${e.problem.parameter}: ${e.message}` : `Not created: ${e.message}`;
    }
  });
  return form;
}

/** Only the fields the chosen condition takes (the API refuses the others, naming them). */
function body(f) {
  const condition = f.condition.value;
  const rule = {name: f.name.value.trim(), metric: f.metric.value, condition, threshold: f.threshold.value.trim()};
  const scope = {};
  for (const name of ['prompt', 'environment', 'model']) {
    if (f[name].value.trim()) scope[name] = f[name].value.trim();
  }
  rule.scope = scope;
  if (condition === 'budget') {
    rule.budget_period = f.budget_period.value;
    return rule;
  }
  rule.operator = f.operator.value;
  rule.consecutive = Number(f.consecutive.value || 1);
  rule.min_volume = Number(f.min_volume.value || 0);
  if (condition === 'anomaly') {
    rule.baseline_weeks = Number(f.baseline_weeks.value || 4);
    return rule;
  }
  rule.window = f.window.value.trim();
  if (condition === 'change') rule.compare_to = f.compare_to.value;
  return rule;
}
