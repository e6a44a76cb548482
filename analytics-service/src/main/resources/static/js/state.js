// The page state lives in the URL (?view=...&range=...&environment=...), so any view can be
// shared or bookmarked; the API key never does.

import {iso} from './api.js';

export const PRESETS = {
  '1h': 3600_000,
  '24h': 24 * 3600_000,
  '7d': 7 * 24 * 3600_000,
  '30d': 30 * 24 * 3600_000,
  '90d': 90 * 24 * 3600_000,
};
export const DEFAULT_RANGE = '24h';
export const DIMENSIONS = ['environment', 'provider', 'model', 'prompt', 'version'];

export function read() {
  return new URLSearchParams(location.search);
}

export function view(params = read()) {
  return params.get('view') || 'overview';
}

/** Navigates within the page: pushes the URL and lets the app re-render. */
export function go(changes, {replace = false} = {}) {
  const params = read();
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === null || value === '') params.delete(name);
    else params.set(name, value);
  }
  const url = `${location.pathname}?${params}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event('pe:navigate'));
}

/** The API filters for now: a preset range ends at this moment, so polling moves it forward. */
export function filters(params = read(), now = new Date()) {
  const range = params.get('range') || DEFAULT_RANGE;
  let from;
  let to;
  if (range === 'custom') {
    from = params.get('from');
    to = params.get('to');
  } else {
    const span = PRESETS[range] ?? PRESETS[DEFAULT_RANGE];
    to = iso(new Date(Math.ceil(now.getTime() / 1000) * 1000));
    from = iso(new Date(Math.floor((now.getTime() - span) / 1000) * 1000));
  }
  const result = {from, to};
  for (const name of DIMENSIONS) {
    const value = params.get(name);
    if (value) result[name] = value;
  }
  return result;
}

/** Hourly buckets up to two days, daily beyond. */
export function bucketFor(filters) {
  const span = new Date(filters.to).getTime() - new Date(filters.from).getTime();
  return Number.isFinite(span) && span <= 2 * 24 * 3600_000 ? 'hour' : 'day';
}

export function describeRange(filters) {
  const fmt = value => (value ? value.replace('T', ' ').replace('Z', '') : '…');
  return `${fmt(filters.from)} – ${fmt(filters.to)} UTC`;
}

/** Filters without the time range, for links that keep the dimensions. */
export function keepFilters(params = read()) {
  const kept = {};
  for (const name of ['range', 'from', 'to', ...DIMENSIONS]) {
    if (params.get(name)) kept[name] = params.get(name);
  }
  return kept;
}

export function href(changes) {
  const params = new URLSearchParams(keepFilters());
  for (const [name, value] of Object.entries(changes)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, value);
  }
  return `?${params}`;
}
