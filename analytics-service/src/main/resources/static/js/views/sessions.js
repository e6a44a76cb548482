// Sessions: conversations (session_id) most recently active first, with what each cost; one
// session's every render and call in order; and one end user's sessions (?end_user=...).

import {api, ApiError} from '../api.js';
import {h, fill, table, money, cost, metric} from '../dom.js';
import * as fmt from '../format.js';
import * as state from '../state.js';
import {statusBadge} from './executions.js';
import {list} from './overview.js';
import {keysetPager} from '../pager.js';

const PAGE_SIZE = 50;

export function mount(container, params) {
  const id = params.get('session');
  return id ? sessionPage(container, id) : sessionList(container, params.get('end_user'));
}

function sessionList(container, user) {
  const summary = h('p.status');
  const userCard = h('section.cards', {'aria-label': 'End user', 'data-testid': 'user-summary', hidden: !user});
  const userInput = h('input#s-user', {name: 'end_user', type: 'search', value: user || '', placeholder: 'user_identifier'});
  const body = h('div', {'data-testid': 'sessions'});
  const pager = keysetPager(filters => update(filters));

  fill(container,
    h('h1.view-title', user ? `End user ${user}` : 'Sessions'), summary, userCard,
    h('form.toolbar', {
      'aria-label': 'Session filters',
      onsubmit: event => {
        event.preventDefault();
        state.go({end_user: userInput.value.trim(), session: null});
      },
    }, h('label', {for: 's-user'}, h('span', 'End user'), userInput), h('button', {type: 'submit'}, 'Show')),
    body,
    pager.el);

  async function update(filters) {
    const cursor = pager.at(filters);
    const query = {...filters, limit: PAGE_SIZE, cursor};
    let answer;
    if (user) {
      try {
        answer = await api.user(user, query);
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
        answer = {sessions: [], total: null};
      }
      fill(userCard, answer.total
        ? [metric('user-executions', 'Executions', fmt.count(answer.total.executions), answer.total.executions),
          metric('user-errors', 'Errors', fmt.count(answer.total.errors), answer.total.errors),
          metric('user-cost', 'Cost', cost(answer.total.total_cost, answer.total.unpriced_executions, answer.total.executions),
            answer.total.total_cost),
          metric('user-renders', 'Renders', fmt.count(answer.total.usages), answer.total.usages)]
        : h('p.status', `No events of ${user} in this range.`));
    } else {
      answer = await api.sessions(query);
    }
    const rows = list(answer, 'sessions');
    summary.textContent = `${state.describeRange(filters)} · page ${pager.page()}`;
    fill(body, table([
      {label: 'Session', value: s => h('a', {href: state.href({view: 'sessions', session: s.session_id})}, s.session_id)},
      {label: 'End user', value: s => (s.user_identifier
        ? h('a', {href: state.href({view: 'sessions', end_user: s.user_identifier})}, s.user_identifier) : '–')},
      {label: 'First (UTC)', value: s => fmt.dateTime(s.first_at)},
      {label: 'Last (UTC)', value: s => fmt.dateTime(s.last_at)},
      {label: 'Renders', num: true, value: s => fmt.count(s.usages)},
      {label: 'Executions', num: true, value: s => fmt.count(s.executions)},
      {label: 'Errors', num: true, value: s => fmt.count(s.errors)},
      {label: 'Tokens', num: true, value: s => fmt.count(s.total_tokens)},
      {label: 'Cost', num: true, value: s => cost(s.total_cost, s.unpriced_executions, s.executions)},
    ], rows, {caption: 'Sessions', empty: 'No sessions in this range and these filters.'}));
    pager.shown(answer.next_cursor);
  }
  return {update, live: true};
}

function sessionPage(container, id) {
  const facts = h('section.cards', {'aria-label': 'Session totals', 'data-testid': 'session-summary'});
  const body = h('div', {'data-testid': 'session-events'});
  fill(container,
    h('p', h('a', {href: state.href({view: 'sessions'})}, '← Sessions')),
    h('h1.view-title', `Session ${id}`), facts,
    h('section.card', {'aria-labelledby': 'se-title'}, h('h2#se-title', 'Every render and call, in order'), body));

  async function update() {
    let answer;
    try {
      answer = await api.session(id);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        fill(body, h('p.status', 'This session has no events in your tenant.'));
        return;
      }
      throw e;
    }
    const s = answer.summary;
    fill(facts,
      metric('session-cost', 'Total cost', cost(s.total_cost, s.unpriced_executions, s.executions), s.total_cost,
        h('span', 'exactly ', h('span', {'data-testid': 'session-exact-cost'}, fmt.money(s.total_cost)))),
      metric('session-executions', 'Executions', fmt.count(s.executions), s.executions, `${fmt.count(s.errors)} errors`),
      metric('session-renders', 'Renders', fmt.count(s.usages), s.usages),
      metric('session-tokens', 'Tokens', fmt.count(s.total_tokens), s.total_tokens),
      metric('session-user', 'End user', s.user_identifier ?? '–', s.user_identifier ?? '',
        `${fmt.dateTime(s.first_at)} – ${fmt.dateTime(s.last_at)}`));
    const events = answer.events ?? [];
    fill(body,
      answer.truncated ? h('p.status', `The first ${events.length} events are shown.`) : null,
      table([
        {label: 'When (UTC)', value: e => fmt.dateTime(e.occurred_at)},
        {label: 'Event', value: e => (e.type === 'execution'
          ? h('a', {href: state.href({view: 'execution', id: e.id})}, 'LLM call')
          : h('a', {href: state.href({view: 'usages', usage: e.id})}, 'Render'))},
        {label: 'Prompt', value: e => `${e.prompt_slug} v${e.prompt_version}`},
        {label: 'Model', value: e => [e.provider, e.model].filter(Boolean).join(' / ') || '–'},
        {label: 'Status', value: e => (e.type === 'execution' ? statusBadge(e.status) : '–')},
        {label: 'Tokens', num: true, value: e => fmt.count(e.total_tokens)},
        {label: 'Latency', num: true, value: e => fmt.ms(e.execution_time_ms)},
        {label: 'Cost', num: true, value: e => (e.type !== 'execution' ? '–' : e.total_cost !== null
          ? money(e.total_cost) : h('span.unpriced', 'unpriced'))},
        {label: 'Content', value: e => h('span.snippet', snippet(e))},
      ], events, {caption: 'Session events', rowAttrs: e => ({'data-type': e.type, 'data-id': e.id})}));
  }
  return {update, live: true};
}

function snippet(e) {
  const text = e.type === 'usage' ? e.rendered_content
    : e.error_message || e.response_content || (e.messages || []).map(m => m.content).filter(Boolean).pop();
  if (!text) return e.content_error ? `encrypted, not shown: ${e.content_error}` : '';
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
