// Usages: every render of a prompt, newest first, with the calls made from it, including renders
// that never reached an LLM; one usage with its parameters and content (?usage=...).

import {api, ApiError} from '../api.js';
import {h, fill, table, money} from '../dom.js';
import * as fmt from '../format.js';
import * as state from '../state.js';
import {list} from './overview.js';
import {keysetPager} from '../pager.js';

const PAGE_SIZE = 50;

export function mount(container, params) {
  const id = params.get('usage');
  return id ? usagePage(container, id) : usageList(container, params);
}

function usageList(container, params) {
  const which = h('select#u-has-execution', {name: 'has_execution'},
    [['', 'Every render'], ['true', 'With an LLM call'], ['false', 'Without an LLM call']].map(([value, text]) =>
      h('option', {value, selected: (params.get('has_execution') || '') === value || undefined}, text)));
  const summary = h('p.status');
  const body = h('div', {'data-testid': 'usages'});
  const pager = keysetPager(filters => update(filters));

  fill(container,
    h('h1.view-title', 'Usages (renders)'), summary,
    h('form.toolbar', {
      'aria-label': 'Usage filters',
      onsubmit: event => {
        event.preventDefault();
        state.go({has_execution: which.value});
      },
    }, h('label', {for: 'u-has-execution'}, h('span', 'Renders'), which), h('button', {type: 'submit'}, 'Show')),
    body,
    pager.el);

  async function update(filters) {
    const cursor = pager.at(filters);
    const {provider, model, ...renderFilters} = filters; // renders have neither
    const hasExecution = state.read().get('has_execution') || undefined;
    const answer = await api.usages({...renderFilters, has_execution: hasExecution, limit: PAGE_SIZE,
      cursor});
    const rows = list(answer, 'usages');
    summary.textContent = `${state.describeRange(filters)} · page ${pager.page()}`
      + (provider || model ? ' · provider and model filters do not apply to renders' : '');
    fill(body, table([
      {label: 'When (UTC)', value: u => h('a', {href: state.href({view: 'usages', usage: u.id})}, fmt.dateTime(u.occurred_at))},
      {label: 'Prompt', value: u => `${u.prompt_slug} v${u.prompt_version}`},
      {label: 'Environment', value: u => u.environment},
      {label: 'Session', value: u => (u.session_id ? h('a', {href: state.href({view: 'sessions', session: u.session_id})}, u.session_id) : '–')},
      {label: 'End user', value: u => u.user_identifier ?? '–'},
      {label: 'LLM calls', value: u => calls(u.executions)},
    ], rows, {caption: 'Usages', rowAttrs: u => ({'data-id': u.id, 'data-executions': u.executions.length}),
      empty: 'No renders in this range and these filters.'}));
    pager.shown(answer.next_cursor);
  }
  return {update, live: true};
}

function calls(executions) {
  if (!executions.length) return h('span.badge.unknown', 'none: never reached an LLM');
  return executions.map((e, i) => [i ? ', ' : '',
    h('a', {href: state.href({view: 'execution', id: e.id})}, `${e.model} (${e.status})`), ' ',
    e.total_cost !== null ? money(e.total_cost) : h('span.unpriced', 'unpriced')]);
}

function usagePage(container, id) {
  const body = h('div');
  fill(container, h('p', h('a', {href: state.href({view: 'usages'})}, '← Usages')), h('h1.view-title', 'Usage'), body);
  let loaded = false;
  async function update() {
    if (loaded) return; // a render does not change once recorded
    let u;
    try {
      u = await api.usage(id);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        fill(body, h('p.status', 'No such usage in your tenant.'));
        return;
      }
      throw e;
    }
    loaded = true;
    fill(body,
      h('section.card', {'aria-labelledby': 'u-facts'}, h('h2#u-facts', 'Render'), h('dl.facts',
        fact('Id', u.id), fact('When', fmt.dateTime(u.occurred_at)),
        fact('Prompt', `${u.prompt_slug} v${u.prompt_version}`), fact('Environment', u.environment),
        fact('Session', u.session_id ? h('a', {href: state.href({view: 'sessions', session: u.session_id})}, u.session_id) : null),
        fact('End user', u.user_identifier), fact('Capture', u.capture_mode),
        fact('LLM calls', calls(u.executions)))),
      u.rendered_system_message ? h('section.card', h('h2', 'System message'), h('pre.message', u.rendered_system_message)) : null,
      h('section.card', {'aria-labelledby': 'u-content'}, h('h2#u-content', 'Rendered content'),
        u.rendered_content ? h('pre.message', {'data-testid': 'rendered'}, u.rendered_content)
          : h('p', u.content_error ? `Encrypted, not shown: ${u.content_error}` : 'No content was captured.')),
      u.parameters ? h('section.card', h('h2', 'Parameters'), h('pre.message', JSON.stringify(u.parameters, null, 2))) : null);
  }
  return {update, live: false};
}

function fact(term, value) {
  return [h('dt', term), h('dd', value === undefined || value === null || value === '' ? '–' : value)];
}
