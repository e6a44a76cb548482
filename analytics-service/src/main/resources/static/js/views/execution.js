// One execution: what was sent, what came back, tokens, cost breakdown and the usage it belongs to.

import {api, pick} from '../api.js';
import {h, fill} from '../dom.js';
import * as fmt from '../format.js';
import * as state from '../state.js';
import {statusBadge} from './executions.js';

const SHOWN = new Set(['id', 'usage_id', 'occurred_at', 'prompt_slug', 'prompt_version', 'environment', 'provider',
  'model', 'status', 'execution_time_ms', 'temperature', 'max_tokens', 'messages', 'response_content', 'error_message',
  'input_tokens', 'output_tokens', 'total_tokens', 'cached_input_tokens', 'reasoning_tokens', 'cost', 'cost_breakdown',
  'usage', 'response_metadata', 'total_cost', 'tokens', 'user_identifier', 'session_id', 'error_type']);

export function mount(container, params) {
  const id = params.get('id');
  const body = h('div', {'data-testid': 'execution-detail'});
  const back = new URLSearchParams(state.keepFilters());
  back.set('view', 'executions');
  fill(container, 
    h('p', h('a', {href: `?${back}`}, '← Executions')),
    h('h1.view-title', 'Execution'), body);

  let loaded = false;
  async function update() {
    if (loaded) return; // an execution does not change once recorded
    const e = await api.execution(id);
    loaded = true;
    const usage = e.usage || {};
    const tokens = e.tokens || {};
    const cost = e.cost ?? e.cost_breakdown ?? {};
    const slug = pick(e, 'prompt_slug', 'prompt');
    fill(body, 
      h('section.card', {'aria-labelledby': 'x-facts'}, h('h2#x-facts', 'Summary'), h('dl.facts',
        fact('Id', e.id), fact('When', fmt.dateTime(e.occurred_at)),
        fact('Prompt', slug ? h('a', {href: state.href({view: 'prompt', slug})}, `${slug} v${pick(e, 'prompt_version', 'version') ?? '?'}`) : '–'),
        fact('Environment', pick(e, 'environment') ?? usage.environment),
        fact('Provider / model', [e.provider, e.model].filter(Boolean).join(' / ')),
        fact('Status', statusBadge(e.status)),
        fact('Latency', fmt.ms(e.execution_time_ms)),
        fact('Temperature', e.temperature), fact('Max tokens', e.max_tokens),
        fact('User', pick(e, 'user_identifier') ?? usage.user_identifier),
        fact('Session', pick(e, 'session_id') ?? usage.session_id),
        e.error_message ? fact('Error', `${e.error_message}${e.error_type ? ` (${e.error_type})` : ''}`) : null,
        e.content_error ? fact('Content', `encrypted, not shown: ${e.content_error}`) : null)),
      h('div.grid',
        h('section.card', {'aria-labelledby': 'x-tokens'}, h('h2#x-tokens', 'Tokens'), h('dl.facts',
          fact('Input', fmt.count(tokens.input ?? e.input_tokens)), fact('Output', fmt.count(tokens.output ?? e.output_tokens)),
          fact('Cached input', fmt.count(tokens.cached_input ?? e.cached_input_tokens)),
          fact('Cache write', fmt.count(tokens.cache_write)),
          fact('Reasoning', fmt.count(tokens.reasoning ?? e.reasoning_tokens)),
          fact('Total', fmt.count(tokens.total ?? e.total_tokens)))),
        h('section.card', {'aria-labelledby': 'x-cost', 'data-testid': 'cost-breakdown'}, h('h2#x-cost', 'Cost breakdown'),
          costFacts(typeof cost === 'object' ? cost : {total_cost: cost}, e.total_cost))),
      h('section.card', {'aria-labelledby': 'x-messages'}, h('h2#x-messages', 'Messages sent'),
        (e.messages || []).length
          ? e.messages.map(m => [h('div.label', m.role || 'message'), h('pre.message', m.content ?? '')])
          : h('p', 'No messages were captured.')),
      h('section.card', {'aria-labelledby': 'x-response'}, h('h2#x-response', 'Response'),
        e.response_content ? h('pre.message', {'data-testid': 'response'}, e.response_content) : h('p', 'No response content was captured.')),
      usageSection(usage),
      other(e));
  }
  return {update, live: false};
}

function fact(term, value) {
  if (typeof value === 'boolean') value = value ? 'yes' : 'no';
  return [h('dt', term), h('dd', value === undefined || value === null || value === '' ? '–' : value)];
}

function costFacts(cost, total) {
  const rows = [];
  for (const [name, value] of Object.entries(cost)) {
    if (value !== null && typeof value === 'object') {
      rows.push(fact(label(name), h('dl.facts', Object.entries(value).map(([k, v]) =>
        fact(label(k), /cost|price|per_1m|usd/i.test(k) && v !== null && typeof v !== 'object' ? fmt.money(v) : json(v))))));
    } else {
      rows.push(fact(label(name), name === 'total_cost' ? fmt.executionCost(value, cost.pricing_status)
        : /cost$|amount/i.test(name) ? fmt.money(value) : /_at$/.test(name) ? fmt.dateTime(value) : value));
    }
  }
  if (total !== undefined && cost.total_cost === undefined) rows.push(fact('Total cost', fmt.money(total)));
  return rows.length ? h('dl.facts', rows) : h('p', 'Not priced.');
}

function usageSection(usage) {
  if (!usage || !Object.keys(usage).length) return null;
  return h('section.card', {'aria-labelledby': 'x-usage'}, h('h2#x-usage', 'Usage (rendered prompt)'),
    usage.rendered_system_message ? [h('div.label', 'System message'), h('pre.message', usage.rendered_system_message)] : null,
    usage.rendered_content ? [h('div.label', 'Rendered content'), h('pre.message', usage.rendered_content)] : null,
    h('dl.facts', Object.entries(usage)
      .filter(([k]) => !['rendered_content', 'rendered_system_message'].includes(k))
      .map(([k, v]) => fact(label(k), plain(k, v)))));
}

function other(e) {
  const rest = Object.entries(e).filter(([k]) => !SHOWN.has(k));
  if (e.response_metadata) rest.push(['response_metadata', e.response_metadata]);
  if (!rest.length) return null;
  return h('section.card', {'aria-labelledby': 'x-other'}, h('h2#x-other', 'Other fields'),
    h('dl.facts', rest.map(([k, v]) => fact(label(k), plain(k, v)))));
}

function plain(key, value) {
  if (value !== null && typeof value === 'object') return json(value);
  return /_at$/.test(key) && value ? fmt.dateTime(value) : value;
}

function json(value) {
  return typeof value === 'object' && value !== null ? h('pre.message', JSON.stringify(value, null, 2)) : value;
}

function label(name) {
  return name.replace(/_/g, ' ').replace(/^./, c => c.toUpperCase());
}
