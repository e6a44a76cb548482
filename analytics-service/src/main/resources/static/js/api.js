// The HTTP contracts the page reads (ARCHITECTURE.md "HTTP contracts"), in one place.
// Analytics is same-origin; pricing is cost-service's API at a configurable base URL.

import * as session from './session.js';

export const METRICS = {
  executions: 'executions',
  cost: 'cost',
  p50: 'p50_latency_ms',
  p95: 'p95_latency_ms',
  p99: 'p99_latency_ms',
  errorRate: 'error_rate',
};

export class ApiError extends Error {
  constructor(status, problem, url) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.url = url;
  }
}

/** Thrown when the key is rejected (401): the app signs out. */
export class Unauthorized extends ApiError {}

// Money must stay exact: JSON numbers for cost/price fields are kept as their source text
// (JSON.parse source access, Chromium 114+), so 0.000450000000000000123 is not rounded to a double.
const EXACT = /(cost|price|amount|usd|per_1m|per_million)/i;
export function parseJson(text) {
  return JSON.parse(text, function (key, value, context) {
    if (typeof value === 'number' && context && typeof context.source === 'string' && EXACT.test(key)) {
      return context.source;
    }
    return value;
  });
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export async function request(base, path, params, {key, accept = 'application/json', signal} = {}) {
  const url = `${base}${path}${query(params)}`;
  const response = await fetch(url, {
    headers: {Authorization: `Bearer ${key ?? session.current()?.key ?? ''}`, Accept: accept},
    cache: 'no-store',
    signal,
  });
  if (!response.ok) {
    let problem = null;
    try {
      problem = parseJson(await response.text());
    } catch {
      // not a problem document
    }
    throw new (response.status === 401 ? Unauthorized : ApiError)(response.status, problem, url);
  }
  return response;
}

async function json(base, path, params, options) {
  const response = await request(base, path, params, options);
  return parseJson(await response.text());
}

const analytics = (path, params, options) => json('', path, params, options);

/** A JSON body sent to this origin (POST, PUT); answers the parsed JSON, or throws the problem. */
async function send(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: {Authorization: `Bearer ${session.current()?.key ?? ''}`, Accept: 'application/json',
      'Content-Type': 'application/json'},
    body: JSON.stringify(body),
    cache: 'no-store',
  });
  const text = await response.text();
  if (!response.ok) {
    let problem = null;
    try {
      problem = parseJson(text);
    } catch {
      // not a problem document
    }
    throw new (response.status === 401 ? Unauthorized : ApiError)(response.status, problem, path);
  }
  return text ? parseJson(text) : null;
}
const pricingBase = () => (session.current()?.pricingBase || session.DEFAULT_PRICING_BASE).replace(/\/$/, '');

export const api = {
  usageStats: filters => analytics('/v1/analytics/usage-stats', filters),
  promptPerformance: (slug, filters) =>
    analytics(`/v1/analytics/prompts/${encodeURIComponent(slug)}/performance`, filters),
  costBreakdown: (groupBy, filters) => analytics('/v1/analytics/cost-breakdown', {...filters, group_by: groupBy}),
  errorAnalysis: filters => analytics('/v1/analytics/error-analysis', filters),
  topPrompts: (limit, filters) => analytics('/v1/analytics/top-prompts', {...filters, limit}),
  timeseries: (metric, bucket, groupBy, filters) =>
    analytics('/v1/analytics/timeseries', {...filters, metric, bucket, group_by: groupBy}),
  compareVersions: (slug, versions, filters) =>
    analytics(`/v1/analytics/prompts/${encodeURIComponent(slug)}/versions/compare`, {...filters, versions}),
  executions: params => analytics('/v1/executions', params),
  execution: id => analytics(`/v1/executions/${encodeURIComponent(id)}`),
  /** The CSV of the current filter, as a Blob (the export needs the Authorization header, so no plain link). */
  exportCsv: async params => (await request('', '/v1/export/executions.csv', params, {accept: 'text/csv'})).blob(),

  sessions: params => analytics('/v1/sessions', params),
  session: id => analytics(`/v1/sessions/${encodeURIComponent(id)}`),
  user: (id, params) => analytics(`/v1/users/${encodeURIComponent(id)}`, params),
  usages: params => analytics('/v1/usages', params),
  usage: id => analytics(`/v1/usages/${encodeURIComponent(id)}`),

  prices: () => json(pricingBase(), '/v1/prices', {limit: 1000}),
  priceHistory: id => json(pricingBase(), `/v1/prices/${encodeURIComponent(id)}/history`),
  discounts: () => json(pricingBase(), '/v1/prices/discounts'),
  resolvePrice: params => json(pricingBase(), '/v1/prices/resolve', params),
  unpriced: () => json(pricingBase(), '/v1/prices/unpriced'),

  alertRules: () => analytics('/v1/alerts/rules'),
  alertsFiring: () => analytics('/v1/alerts/firing'),
  alertHistory: id => analytics(`/v1/alerts/rules/${encodeURIComponent(id)}/history`, {limit: 50}),
  createAlertRule: rule => send('POST', '/v1/alerts/rules', rule),

  deadLetterCounts: () => analytics('/v1/admin/dead-letters/counts'),
  deadLetters: params => analytics('/v1/admin/dead-letters', params),
};

/**
 * What a key may do, found by asking: an analytics read (analyst), the price catalog (admin,
 * cross-origin to cost-service, which must allow this page's origin) and the dead letters (admin
 * or platform admin of analytics-service).
 */
export async function probe(key, pricingBaseUrl) {
  const now = new Date();
  const hourAgo = new Date(now.getTime() - 3600_000);
  const result = {analytics: false, pricing: false, admin: false, rejected: false, pricingError: null};
  try {
    await request('', '/v1/analytics/usage-stats', {from: iso(hourAgo), to: iso(now)}, {key});
    result.analytics = true;
  } catch (e) {
    if (e instanceof Unauthorized) result.rejected = true;
    else if (!(e instanceof ApiError && e.status === 403)) throw e;
  }
  if (!result.rejected) {
    try {
      await request('', '/v1/admin/dead-letters/counts', null, {key});
      result.admin = true;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 403)) throw e;
    }
    try {
      await request(pricingBaseUrl.replace(/\/$/, ''), '/v1/prices', null, {key});
      result.pricing = true;
    } catch (e) {
      result.pricingError = e instanceof ApiError ? e.message : 'cost-service unreachable or not allowing this origin (CORS)';
    }
  }
  return result;
}

export function iso(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Lists in answers may be maps ({"gpt-4o": 3} or {"gpt-4o": {...}}) or arrays of objects; views
 * read both as [{key, ...fields}] so they do not depend on that choice.
 */
export function entries(value, ...keyFields) {
  if (!value) return [];
  if (Array.isArray(value)) {
    return value.map(item => {
      if (item === null || typeof item !== 'object') return {key: String(item), value: item};
      const field = [...keyFields, 'key', 'name', 'group', 'value'].find(f => item[f] !== undefined && typeof item[f] !== 'object');
      return {key: field ? String(item[field]) : '', ...item};
    });
  }
  return Object.entries(value).map(([key, item]) =>
    item !== null && typeof item === 'object' ? {key, ...item} : {key, value: item});
}

/** The first present field of an object, for answers whose field names we read loosely. */
export function pick(object, ...names) {
  for (const name of names) {
    if (object && object[name] !== undefined && object[name] !== null) return object[name];
  }
  return undefined;
}

/** Timeseries answers as [{name, points: [{time, value}]}], grouped or not. */
export function series(answer) {
  const list = answer?.series ?? (answer?.points ? [{points: answer.points}] : Array.isArray(answer) ? [{points: answer}] : []);
  return list.map(s => ({
    name: String(pick(s, 'group', 'key', 'name', 'label') ?? ''),
    points: (s.points ?? s.data ?? []).map(p => ({
      time: pick(p, 'bucket', 'bucket_start', 'time', 't', 'timestamp', 'start'),
      value: p.value === null || p.value === undefined ? null : Number(p.value), // null: no executions
      unpriced: Number(p.unpriced_executions ?? 0), // metric=cost: executions of the bucket without a price
    })),
  }));
}
