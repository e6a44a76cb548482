// Executions: the drill-down table (filters + status, minimum cost, error text), keyset paging,
// links to each execution, and the CSV export of exactly the current filter.

import {api, pick} from '../api.js';
import {h, fill, table, money} from '../dom.js';
import * as fmt from '../format.js';
import * as state from '../state.js';
import {list} from './overview.js';
import {keysetPager} from '../pager.js';

// URL parameter -> API parameter of the drill-down and the export.
export const EXTRA = {status: 'status', min_cost: 'min_cost', error: 'error_contains'};
const PAGE_SIZE = 50;

export function mount(container, params) {
  const status = h('select#x-status', {name: 'status'},
    ['', 'success', 'error', 'timeout'].map(s => h('option', {value: s, selected: params.get('status') === s || undefined},
      s ? s : 'Any status')));
  const minCost = h('input#x-min-cost', {name: 'min_cost', inputmode: 'decimal', value: params.get('min_cost') || '', size: 8});
  const error = h('input#x-error', {name: 'error', type: 'search', value: params.get('error') || ''});
  const exportButton = h('button.secondary#export-csv', {type: 'button', onclick: () => exportCsv()}, 'Export CSV');
  const exportStatus = h('span.status', {role: 'status'});
  const summary = h('p.status');
  const body = h('div', {'data-testid': 'executions'});
  const pager = keysetPager(filters => update(filters));

  fill(container, 
    h('h1.view-title', 'Executions'), summary,
    h('form.toolbar', {
      'aria-label': 'Execution filters',
      onsubmit: event => {
        event.preventDefault();
        state.go({status: status.value, min_cost: minCost.value.trim(), error: error.value.trim()});
      },
    },
    h('label', {for: 'x-status'}, h('span', 'Status'), status),
    h('label', {for: 'x-min-cost'}, h('span', 'Minimum cost (USD)'), minCost),
    h('label', {for: 'x-error'}, h('span', 'Error message contains'), error),
    h('button', {type: 'submit'}, 'Search'), exportButton, exportStatus),
    body,
    pager.el);

  function apiParams(filters) {
    const p = {...filters, limit: PAGE_SIZE};
    const url = state.read();
    for (const [name, apiName] of Object.entries(EXTRA)) {
      if (url.get(name)) p[apiName] = url.get(name);
    }
    return p;
  }

  async function update(filters) {
    const cursor = pager.at(filters, JSON.stringify(state.keepFilters()));
    show(await api.executions({...apiParams(filters), cursor}), filters);
  }

  /**
   * A pushed snapshot holds the newest page for the range and filters: shown as is on the first
   * page without the drill-down's own filters (status, cost, error text); otherwise this page asks.
   */
  async function pushed(snapshot, filters) {
    const url = state.read();
    const ownFilters = Object.keys(EXTRA).some(name => url.get(name));
    if (pager.page() === 1 && !ownFilters) {
      pager.at(filters, JSON.stringify(state.keepFilters()));
      show(snapshot, filters);
    } else {
      await update(filters);
    }
  }

  function show(answer, filters) {
    const rows = list(answer, 'executions', 'items');
    summary.textContent = `${state.describeRange(filters)} · page ${pager.page()}`;
    fill(body, table([
      {label: 'When (UTC)', value: r => h('a', {href: state.href({view: 'execution', id: r.id})}, fmt.dateTime(r.occurred_at))},
      {label: 'Prompt', value: r => `${pick(r, 'prompt_slug', 'prompt') ?? '–'} v${pick(r, 'prompt_version', 'version') ?? '?'}`},
      {label: 'Environment', value: r => r.environment ?? '–'},
      {label: 'Model', value: r => [r.provider, r.model].filter(Boolean).join(' / ') || '–'},
      {label: 'Status', value: r => statusBadge(r.status)},
      {label: 'Tokens', num: true, value: r => fmt.count(pick(r, 'total_tokens', 'tokens'))},
      {label: 'Latency', num: true, value: r => fmt.ms(pick(r, 'execution_time_ms', 'latency_ms'))},
      {label: 'Cost', num: true, value: r => (pick(r, 'total_cost', 'cost') ?? null) !== null
        ? money(pick(r, 'total_cost', 'cost')) : unpricedMark(fmt.executionCost(null, r.pricing_status))},
      {label: 'Error', value: r => r.error_message ?? (r.content_error ? 'encrypted (open the execution)' : '')},
    ], rows, {caption: 'Executions', rowAttrs: r => ({class: 'clickable', 'data-id': r.id})}));
    pager.shown(pick(answer, 'next_cursor', 'next', 'cursor'));
  }

  // A click anywhere on a row opens it (the link in the first cell is the keyboard path).
  body.addEventListener('click', event => {
    const row = event.target.closest('tr[data-id]');
    if (row && !event.target.closest('a')) state.go({view: 'execution', id: row.dataset.id});
  });

  async function exportCsv() {
    exportButton.disabled = true;
    exportStatus.textContent = 'Preparing CSV…';
    try {
      const filters = state.filters();
      const {limit: _limit, ...p} = apiParams(filters);
      const blob = await api.exportCsv(p);
      const url = URL.createObjectURL(blob);
      const name = `executions_${filters.from}_${filters.to}.csv`.replace(/:/g, '-');
      const link = h('a', {href: url, download: name, hidden: true});
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      exportStatus.textContent = `Downloaded ${name}`;
    } catch (e) {
      exportStatus.textContent = `Export failed: ${e.message}`;
    } finally {
      exportButton.disabled = false;
    }
  }

  return {update, pushed, live: true};
}

/** "unpriced" stands out in a list of amounts (and says why on hover). */
function unpricedMark(text) {
  return text === 'unpriced'
    ? h('span.unpriced', {title: 'No price matched this model at this time and the provider reported no cost.'}, text)
    : text;
}

export function statusBadge(status) {
  const s = String(status || '').toLowerCase();
  return h(`span.badge.${s || 'unknown'}`, s || '–');
}
