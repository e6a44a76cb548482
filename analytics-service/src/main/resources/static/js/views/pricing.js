// Pricing (admin keys): cost-service's catalog, which price resolves for a model at a time, and (for
// platform-admin keys) the models seen without a price. Calls cost-service directly; it must allow this page's origin (CORS).

import {api, iso, ApiError} from '../api.js';
import {h, fill, table} from '../dom.js';
import * as fmt from '../format.js';
import * as session from '../session.js';
import {list} from './overview.js';

const PREFERRED = ['provider', 'model', 'input_per_1m', 'output_per_1m', 'cached_input_per_1m',
  'cache_write_per_1m', 'reasoning_per_1m', 'effective_from', 'effective_until'];

export function mount(container) {
  const catalog = h('div', {'data-testid': 'price-catalog'});
  const search = h('input#p-search', {type: 'search', placeholder: 'provider or model', oninput: () => showCatalog()});
  let rows = [];
  function showCatalog() {
    const text = search.value.trim().toLowerCase();
    const shown = text ? rows.filter(r => `${r.provider} ${r.model} ${r.match_pattern ?? ''}`.toLowerCase().includes(text)) : rows;
    fill(catalog, h('p.status', `${shown.length} of ${rows.length} prices`), autoTable(shown, 'Price catalog', PREFERRED));
  }
  const unpriced = h('div', {'data-testid': 'unpriced'});
  const result = h('div', {'aria-live': 'polite', 'data-testid': 'resolved'});
  const provider = h('input#r-provider', {name: 'provider', required: true, value: 'openai'});
  const model = h('input#r-model', {name: 'model', required: true, value: 'gpt-4o-mini'});
  const at = h('input#r-at', {name: 'at', type: 'datetime-local', step: 1});
  const base = session.current()?.pricingBase || session.DEFAULT_PRICING_BASE;

  fill(container, 
    h('h1.view-title', 'Pricing'),
    h('p', `From cost-service at ${base}. Prices are USD per million tokens.`),
    h('section.card', {'aria-labelledby': 'p-resolve'}, h('h2#p-resolve', 'Which price applies?'),
      h('form.toolbar', {
        onsubmit: async event => {
          event.preventDefault();
          fill(result, h('p', 'Resolving…'));
          try {
            const answer = await api.resolvePrice({
              provider: provider.value.trim(), model: model.value.trim(),
              at: at.value ? `${at.value.length === 16 ? `${at.value}:00` : at.value}Z` : iso(new Date()),
            });
            fill(result, facts(answer));
          } catch (e) {
            fill(result, h('p.error', e.message));
          }
        },
      },
      h('label', {for: 'r-provider'}, h('span', 'Provider'), provider),
      h('label', {for: 'r-model'}, h('span', 'Model'), model),
      h('label', {for: 'r-at'}, h('span', 'At (UTC, empty = now)'), at),
      h('button', {type: 'submit'}, 'Resolve')), result),
    h('section.card', {'aria-labelledby': 'p-unpriced'}, h('h2#p-unpriced', 'Models without a price'), unpriced),
    h('section.card', {'aria-labelledby': 'p-catalog'}, h('h2#p-catalog', 'Catalog'),
      h('label.toolbar', {for: 'p-search'}, h('span', 'Filter the catalog'), search), catalog));

  async function update() {
    // models seen without a price span every tenant: a platform-admin key only
    const [prices, missing] = await Promise.all([api.prices(), api.unpriced().catch(e => {
      if (e instanceof ApiError && e.status === 403) return null;
      throw e;
    })]);
    rows = list(prices, 'prices');
    showCatalog();
    fill(unpriced, missing === null
      ? h('p.status', 'Models without a price are listed for platform-admin keys only (they span every tenant).')
      : autoTable(list(missing, 'models', 'unpriced'), 'Models without a price', null,
        'Every model seen since cost-service started has a price.'));
  }
  return {update, live: true};
}

function autoTable(rows, caption, only, empty) {
  const keys = [...new Set(rows.flatMap(r => Object.keys(r)))]
    .filter(k => k !== 'id' && (!only || only.includes(k)))
    .filter(k => rows.some(r => r[k] !== null && r[k] !== undefined));
  keys.sort((a, b) => rank(a) - rank(b));
  return table(keys.map(k => ({label: k.replace(/_/g, ' '), num: isMoney(k), value: r => cell(k, r[k])})), rows,
    {caption, empty, rowAttrs: r => (r.source || r.match_pattern
      ? {title: [r.match_pattern && `Matches ${r.match_pattern}`, r.source && `Source: ${r.source}`].filter(Boolean).join('\n')}
      : null)});
}

function rank(key) {
  const i = PREFERRED.indexOf(key);
  return i < 0 ? PREFERRED.length : i;
}

function isMoney(key) {
  return /per_1m|price|cost|usd/i.test(key);
}

function cell(key, value) {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'object') return JSON.stringify(value);
  if (key === 'match_pattern') return h('code', value);
  if (isMoney(key)) return fmt.money(value);
  if (/_from$|_until$/.test(key)) return String(value).replace(/T00:00:00(\.0+)?Z$/, '');
  if (/_at$|seen/.test(key)) return fmt.dateTime(value);
  if (typeof value === 'number') return fmt.count(value);
  return String(value);
}

function facts(object) {
  return h('dl.facts', Object.entries(object).map(([k, v]) => [h('dt', k.replace(/_/g, ' ')),
    h('dd', v !== null && typeof v === 'object' ? facts(v) : cell(k, v))]));
}
