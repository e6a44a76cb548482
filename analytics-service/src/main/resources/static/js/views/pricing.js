// Pricing (admin keys): cost-service's catalog in its two layers (the shared default rows and the
// tenant's own), the tenant's discounts on the default layer, which price resolves for a model at a
// time (and as the catalog was known at a past moment), each row's version history, and (for
// platform-admin keys) the models seen without a price. Calls cost-service directly; it must allow
// this page's origin (CORS). See docs/pricing.md.

import {api, iso, ApiError} from '../api.js';
import {h, fill, table} from '../dom.js';
import * as fmt from '../format.js';
import * as session from '../session.js';
import {list} from './overview.js';

const PREFERRED = ['layer', 'provider', 'model', 'input_per_1m', 'output_per_1m', 'cached_input_per_1m',
  'cache_write_per_1m', 'reasoning_per_1m', 'effective_from', 'effective_until', 'version'];
const HIDDEN = new Set(['id', 'tenant']); // tenant is part of the layer cell

export function mount(container) {
  const catalog = h('div', {'data-testid': 'price-catalog'});
  const search = h('input#p-search', {type: 'search', placeholder: 'provider or model', oninput: () => showCatalog()});
  const layer = h('select#p-layer', {onchange: () => showCatalog()},
    h('option', {value: ''}, 'Both layers'), h('option', {value: 'default'}, 'Default catalog'),
    h('option', {value: 'tenant'}, 'Tenant rows'));
  let rows = [];
  let truncated = false;
  function showCatalog() {
    const text = search.value.trim().toLowerCase();
    const shown = rows
      .filter(r => !layer.value || r.layer === layer.value)
      .filter(r => !text || `${r.provider} ${r.model} ${r.match_pattern ?? ''}`.toLowerCase().includes(text));
    const tenantRows = rows.filter(r => r.layer === 'tenant').length;
    fill(catalog,
      h('p.status', {'data-testid': 'layer-counts'}, `${shown.length} of ${rows.length} prices: `
        + `${rows.length - tenantRows} default, ${tenantRows} tenant${truncated ? ' (first 1,000 rows only)' : ''}`),
      priceTable(shown));
  }
  const discounts = h('div', {'data-testid': 'discounts'});
  const history = h('section.card', {'aria-labelledby': 'p-history', 'data-testid': 'price-history', hidden: true});
  const unpriced = h('div', {'data-testid': 'unpriced'});
  const result = h('div', {'aria-live': 'polite', 'data-testid': 'resolved'});
  const provider = h('input#r-provider', {name: 'provider', required: true, value: 'openai'});
  const model = h('input#r-model', {name: 'model', required: true, value: 'gpt-4o-mini'});
  const at = h('input#r-at', {name: 'at', type: 'datetime-local', step: 1});
  const knownAt = h('input#r-known-at', {name: 'known_at', type: 'datetime-local', step: 1});
  const base = session.current()?.pricingBase || session.DEFAULT_PRICING_BASE;

  fill(container,
    h('h1.view-title', 'Pricing'),
    h('p', `From cost-service at ${base}. Prices are USD per million tokens. A tenant's own row wins over the `
      + 'default catalog; a discount applies to default rows only.'),
    h('section.card', {'aria-labelledby': 'p-resolve'}, h('h2#p-resolve', 'Which price applies?'),
      h('form.toolbar', {
        onsubmit: async event => {
          event.preventDefault();
          fill(result, h('p', 'Resolving…'));
          try {
            const answer = await api.resolvePrice({
              provider: provider.value.trim(), model: model.value.trim(),
              at: at.value ? utc(at.value) : iso(new Date()),
              known_at: knownAt.value ? utc(knownAt.value) : undefined,
            });
            fill(result, resolved(answer));
          } catch (e) {
            fill(result, h('p.error', e.message));
          }
        },
      },
      h('label', {for: 'r-provider'}, h('span', 'Provider'), provider),
      h('label', {for: 'r-model'}, h('span', 'Model'), model),
      h('label', {for: 'r-at'}, h('span', 'At (UTC, empty = now)'), at),
      h('label', {for: 'r-known-at'}, h('span', 'As known at (UTC, empty = now)'), knownAt),
      h('button', {type: 'submit'}, 'Resolve')), result),
    h('section.card', {'aria-labelledby': 'p-catalog'}, h('h2#p-catalog', 'Catalog'),
      h('div.toolbar',
        h('label', {for: 'p-search'}, h('span', 'Filter the catalog'), search),
        h('label', {for: 'p-layer'}, h('span', 'Layer'), layer)),
      catalog),
    history,
    h('section.card', {'aria-labelledby': 'p-discounts'}, h('h2#p-discounts', 'Discounts on the default catalog'), discounts),
    h('section.card', {'aria-labelledby': 'p-unpriced'}, h('h2#p-unpriced', 'Models without a price'), unpriced));

  function priceTable(shown) {
    const keys = columnsOf(shown, PREFERRED);
    return table([
      ...keys.map(k => ({label: k.replace(/_/g, ' '), num: isMoney(k), value: r => cell(k, r[k], r)})),
      {label: 'History', value: r => h('button.link', {type: 'button', 'data-history': r.id,
        'aria-label': `History of ${r.provider} ${r.model} (${layerName(r)})`, onclick: () => showHistory(r)}, `v${r.version ?? 1}`)},
    ], shown, {caption: 'Price catalog', rowAttrs: r => ({
      'data-layer': r.layer,
      title: [r.match_pattern && `Matches ${r.match_pattern}`, r.source && `Source: ${r.source}`].filter(Boolean).join('\n') || null,
    })});
  }

  async function showHistory(row) {
    history.hidden = false;
    fill(history, h('h2#p-history', `History: ${row.provider} / ${row.model} (${layerName(row)})`), h('p.status', 'Loading…'));
    try {
      const answer = await api.priceHistory(row.id);
      const versions = list(answer, 'versions');
      fill(history, h('h2#p-history', `History: ${row.provider} / ${row.model} (${layerName(row)})`),
        table([
          {label: 'Version', num: true, value: v => fmt.count(v.version)},
          {label: 'Action', value: v => v.action},
          {label: 'When', value: v => fmt.dateTime(v.recorded_at)},
          {label: 'By', value: v => [v.recorded_by, v.role && `(${v.role})`].filter(Boolean).join(' ') || '–'},
          {label: 'Reason', value: v => v.reason ?? '–'},
          {label: 'Changed', value: v => changes(v.before, v.after)},
        ], versions, {caption: 'Price history', empty: 'No versions recorded.'}));
      history.scrollIntoView({block: 'nearest'});
    } catch (e) {
      fill(history, h('h2#p-history', 'History'), h('p.error', e.message));
    }
  }

  async function update() {
    // models seen without a price span every tenant: a platform-admin key only
    const [prices, found, missing] = await Promise.all([api.prices(), api.discounts(), api.unpriced().catch(e => {
      if (e instanceof ApiError && e.status === 403) return null;
      throw e;
    })]);
    rows = list(prices, 'prices');
    truncated = prices?.next_offset !== undefined;
    showCatalog();
    fill(discounts, discountTable(list(found, 'discounts')));
    fill(unpriced, missing === null
      ? h('p.status', 'Models without a price are listed for platform-admin keys only (they span every tenant).')
      : autoTable(list(missing, 'models', 'unpriced'), 'Models without a price',
        'Every model seen since cost-service started has a price.'));
  }
  return {update, live: true};
}

/** The resolve answer: which layer won, the layers considered and the price row, then every other fact. */
function resolved(answer) {
  const summary = answer.pricing_status === 'PRICED'
    ? `${answer.provider} / ${answer.model}: the ${answer.layer} layer wins (version ${answer.price_version}, `
      + `${answer.matched_rule} match)${answer.discount ? `, ${answer.discount.percent}% discount applied` : ''}.`
    : `${answer.provider} / ${answer.model} has no price in any layer at that time: its executions stay unpriced.`;
  return [h('p', {'data-testid': 'resolved-summary'}, summary), facts(answer)];
}

function discountTable(rows) {
  return table([
    {label: 'Tenant', value: d => d.tenant},
    {label: 'Provider', value: d => d.provider},
    {label: 'Model', value: d => d.model ?? 'every model'},
    {label: 'Percent off', num: true, value: d => `${d.percent}%`},
    {label: 'Effective from', value: d => day(d.effective_from)},
    {label: 'Until', value: d => (d.effective_until ? day(d.effective_until) : 'open')},
    {label: 'Version', num: true, value: d => fmt.count(d.version)},
  ], rows, {caption: 'Discounts', empty: 'No discounts: default rows are charged at catalog price.'});
}

/** Which fields a version changed: "input per 1m: $2.50 → $2.00"; the whole row for create and delete. */
function changes(before, after) {
  if (!before || !after) return (after || before) ? `${after ? 'created' : 'deleted'} row` : '–';
  const changed = Object.keys({...before, ...after})
    .filter(k => !['version', 'updated_at', 'created_at'].includes(k))
    .filter(k => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (!changed.length) return 'no field changed';
  return h('ul.changes', changed.map(k => h('li', `${k.replace(/_/g, ' ')}: ${show(k, before[k])} → ${show(k, after[k])}`)));
}

function show(key, value) {
  const text = cell(key, value, {});
  return typeof text === 'string' ? text : String(value);
}

function autoTable(rows, caption, empty) {
  const keys = columnsOf(rows, null);
  return table(keys.map(k => ({label: k.replace(/_/g, ' '), num: isMoney(k), value: r => cell(k, r[k], r)})), rows,
    {caption, empty});
}

function columnsOf(rows, only) {
  const keys = [...new Set(rows.flatMap(r => Object.keys(r)))]
    .filter(k => !HIDDEN.has(k) && (!only || only.includes(k)))
    .filter(k => rows.some(r => r[k] !== null && r[k] !== undefined));
  keys.sort((a, b) => rank(a) - rank(b));
  return keys;
}

function rank(key) {
  const i = PREFERRED.indexOf(key);
  return i < 0 ? PREFERRED.length : i;
}

function layerName(row) {
  return row.layer === 'tenant' ? `tenant ${row.tenant}` : 'default';
}

function isMoney(key) {
  return /per_1m|price|cost|usd/i.test(key);
}

function cell(key, value, row) {
  if (key === 'layer') return h(`span.layer.${value === 'tenant' ? 'tenant' : 'default'}`, layerName(row));
  if (value === null || value === undefined) return '–';
  if (typeof value === 'object') return JSON.stringify(value);
  if (key === 'match_pattern') return h('code', value);
  if (isMoney(key)) return fmt.money(value);
  if (/_from$|_until$/.test(key)) return day(value);
  if (/_at$|seen/.test(key)) return fmt.dateTime(value);
  if (typeof value === 'number') return fmt.count(value);
  return String(value);
}

function day(value) {
  return String(value).replace(/T00:00:00(\.0+)?Z$/, '');
}

function utc(local) {
  return `${local.length === 16 ? `${local}:00` : local}Z`;
}

function facts(object) {
  return h('dl.facts', Object.entries(object).map(([k, v]) => [h('dt', k.replace(/_/g, ' ')),
    h('dd', v !== null && typeof v === 'object' ? facts(v) : cell(k, v, object))]));
}
