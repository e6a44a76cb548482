// The dashboard shell: sign-in, navigation by URL, filters, and live refresh (pushed, or polled).

import {api, probe, entries, Unauthorized} from './api.js';
import * as session from './session.js';
import * as state from './state.js';
import * as fmt from './format.js';
import {h, clear, fill} from './dom.js';
import * as overview from './views/overview.js';
import * as prompt from './views/prompt.js';
import * as executions from './views/executions.js';
import * as execution from './views/execution.js';
import * as pricing from './views/pricing.js';
import * as deadLetters from './views/dead-letters.js';
import * as sessions from './views/sessions.js';
import * as usages from './views/usages.js';
import * as alerts from './views/alerts.js';
import * as live from './live.js';

const VIEWS = {overview, prompt, executions, execution, sessions, usages, alerts, pricing, 'dead-letters': deadLetters};
// What each view needs of the key (the rest need the analyst role).
const NEEDS = {pricing: 'pricing', 'dead-letters': 'admin'};
const NAV_OF = {execution: 'executions'};
// Parameters that make a view a different page (the rest only change its numbers).
const IDENTITY = {prompt: ['slug', 'compare'], execution: ['id'], executions: ['status', 'min_cost', 'error'],
  sessions: ['session', 'end_user'], usages: ['usage', 'has_execution']};

const $ = id => document.getElementById(id);
const ui = {
  signIn: $('sign-in'), signInForm: $('sign-in-form'), key: $('api-key'), pricingBase: $('pricing-base'),
  signInError: $('sign-in-error'), signInButton: $('sign-in-button'),
  nav: $('nav'), session: $('session'), who: $('who'), signOut: $('sign-out'),
  lastUpdated: $('last-updated'), liveDot: $('live-state'), liveMode: $('live-mode'), refresh: $('refresh'),
  filtersRegion: $('filters-region'), filters: $('filters'), range: $('f-range'),
  status: $('status'), view: $('view'), main: $('main'),
};

let mounted = null; // {name, identity, instance}
let timer = null;
let generation = 0; // answers of an older navigation are dropped

// ---------------------------------------------------------------- sign-in / sign-out

ui.pricingBase.value = session.DEFAULT_PRICING_BASE;

ui.signInForm.addEventListener('submit', async event => {
  event.preventDefault();
  const key = ui.key.value.trim();
  ui.signInError.textContent = '';
  if (!key) {
    ui.signInError.textContent = 'Enter an API key.';
    ui.key.focus();
    return;
  }
  ui.signInButton.disabled = true;
  ui.signInButton.textContent = 'Checking…';
  try {
    const pricingBase = ui.pricingBase.value.trim() || session.DEFAULT_PRICING_BASE;
    const can = await probe(key, pricingBase);
    if (can.rejected) {
      ui.signInError.textContent = 'This key was not recognised.';
    } else if (!can.analytics && !can.pricing && !can.admin) {
      ui.signInError.textContent = 'This key may not read analytics (it needs the analyst role).'
        + (can.pricingError ? ` Pricing: ${can.pricingError}.` : '');
    } else {
      session.save({key, analytics: can.analytics, pricing: can.pricing, admin: can.admin, pricingBase});
      ui.key.value = '';
      if (!can.analytics) state.go({view: can.pricing ? 'pricing' : 'dead-letters'}, {replace: true});
      start();
      return;
    }
  } catch (e) {
    ui.signInError.textContent = `Could not reach the analytics API: ${e.message}`;
  } finally {
    ui.signInButton.disabled = false;
    ui.signInButton.textContent = 'Sign in';
  }
  ui.key.focus();
});

ui.signOut.addEventListener('click', () => signOut());

function signOut(message) {
  session.clear();
  stopPolling();
  closeChannel();
  clearInterval(firingTimer);
  showFiring(0);
  mounted = null;
  generation++;
  clear(ui.view);
  ui.status.textContent = '';
  ui.nav.hidden = ui.session.hidden = ui.filtersRegion.hidden = true;
  ui.signIn.hidden = false;
  ui.signInError.textContent = message || '';
  ui.lastUpdated.textContent = 'never';
  ui.key.focus();
}

function start() {
  const current = session.current();
  ui.signIn.hidden = true;
  ui.nav.hidden = ui.session.hidden = false;
  ui.who.textContent = `Key ${session.hint(current.key)} · ${[current.analytics && 'analyst',
    (current.pricing || current.admin) && 'admin'].filter(Boolean).join(' + ')}`;
  for (const link of ui.nav.querySelectorAll('a')) {
    link.hidden = !allows(current, link.dataset.view);
  }
  route();
  loadFilterOptions();
  watchFiring();
}

// ---------------------------------------------------------------- firing badge

// The count of rules firing now, asked every 30 s (and told by the alerts view on each refresh).
const badge = $('firing-badge');
let firingTimer = null;

function showFiring(count) {
  badge.textContent = String(count);
  badge.hidden = !count;
  badge.setAttribute('aria-label', `${count} firing`);
}

function watchFiring() {
  clearInterval(firingTimer);
  const ask = async () => {
    if (!session.current()?.analytics || document.hidden) return;
    try {
      showFiring((await api.alertsFiring()).count ?? 0);
    } catch {
      // the badge only; the alerts view shows errors
    }
  };
  ask();
  firingTimer = setInterval(ask, 30_000);
}

window.addEventListener('pe:firing', event => showFiring(event.detail ?? 0));

// ---------------------------------------------------------------- navigation

ui.nav.addEventListener('click', event => {
  const link = event.target.closest('a[data-view]');
  if (!link) return;
  event.preventDefault();
  state.go({view: link.dataset.view, slug: null, compare: null, id: null});
  ui.main.focus();
});

// Links inside views (?view=...) navigate without reloading the page.
ui.view.addEventListener('click', event => {
  const link = event.target.closest('a[href^="?"]');
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  history.pushState(null, '', link.getAttribute('href'));
  route();
  ui.main.focus();
});

window.addEventListener('popstate', () => route());
window.addEventListener('pe:navigate', () => route());

function allows(current, view) {
  return Boolean(current[NEEDS[NAV_OF[view] || view] || 'analytics']);
}

function route() {
  const current = session.current();
  if (!current) return;
  const params = state.read();
  let name = state.view(params);
  if (!VIEWS[name] || !allows(current, name)) {
    name = ['overview', 'pricing', 'dead-letters'].find(view => allows(current, view));
  }
  for (const link of ui.nav.querySelectorAll('a')) {
    if (link.dataset.view === (NAV_OF[name] || name)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  ui.filtersRegion.hidden = name === 'pricing' || name === 'dead-letters' || name === 'execution' || name === 'alerts'
    || (name === 'sessions' && Boolean(params.get('session'))) || (name === 'usages' && Boolean(params.get('usage')));
  fillFilters(params);
  const identity = name + '|' + (IDENTITY[name] || []).map(p => params.get(p)).join('|');
  if (!mounted || mounted.identity !== identity) {
    mounted = {name, identity, instance: VIEWS[name].mount(ui.view, params)};
    document.title = `${ui.nav.querySelector(`a[data-view="${NAV_OF[name] || name}"]`).firstChild.textContent} · PromptEngine`;
  }
  refresh();
  connect(params);
  schedule();
}

// ---------------------------------------------------------------- push channel

// The views that take pushed snapshots (overview, executions) get them from one channel for the
// URL's range and filters; it is reopened when they change. While it is live, nothing polls (the
// snapshots carry the overview's charts too); while it is down, polling runs as chosen
// (docs/dashboard.md).
let channel = null;
let channelKey = null;
let pushState = 'down';

function connect(params) {
  const wanted = mounted?.instance.pushed ? liveParams(params) : null;
  const key = wanted && `${mounted.identity}|${JSON.stringify(wanted)}`;
  if (key === channelKey) return;
  closeChannel();
  channelKey = key;
  if (!wanted) return;
  const owner = mounted;
  channel = live.open(wanted, {
    onState: next => {
      if (mounted !== owner) return;
      pushState = next;
      ui.liveMode.textContent = next === 'live' ? '· live' : '· polling';
      schedule();
    },
    onSnapshot: snapshot => {
      if (mounted !== owner) return;
      owner.instance.pushed(snapshot, state.filters());
      stamp();
    },
  });
}

function closeChannel() {
  channel?.close();
  channel = null;
  channelKey = null;
  pushState = 'down';
  ui.liveMode.textContent = '';
}

function liveParams(params) {
  const range = params.get('range') || state.DEFAULT_RANGE;
  const wanted = range === 'custom' ? {from: params.get('from'), to: params.get('to')} : {range};
  for (const name of state.DIMENSIONS) {
    if (params.get(name)) wanted[name] = params.get(name);
  }
  return wanted;
}

function stamp() {
  ui.lastUpdated.textContent = fmt.clock(new Date());
  ui.lastUpdated.setAttribute('datetime', new Date().toISOString());
}

// ---------------------------------------------------------------- filters

function fillFilters(params) {
  const range = params.get('range') || state.DEFAULT_RANGE;
  ui.range.value = range;
  ui.filters.classList.toggle('custom', range === 'custom');
  const now = state.filters(params);
  ui.filters.elements.from.value = (now.from || '').replace('Z', '');
  ui.filters.elements.to.value = (now.to || '').replace('Z', '');
  for (const name of state.DIMENSIONS) ui.filters.elements[name].value = params.get(name) || '';
  summarizeFilters(params);
}

const toggle = $('filters-toggle');
toggle.addEventListener('click', () => {
  const open = ui.filters.classList.toggle('open');
  toggle.setAttribute('aria-expanded', String(open));
});

/** The narrow layout folds the filters behind a button that says what is filtered. */
function summarizeFilters(params) {
  const range = ui.range.selectedOptions[0]?.textContent.replace('…', '') ?? '';
  const active = state.DIMENSIONS.map(n => params.get(n)).filter(Boolean);
  toggle.textContent = `Filters: ${[range, ...active].join(' · ')}`;
}

ui.range.addEventListener('change', () => {
  ui.filters.classList.toggle('custom', ui.range.value === 'custom');
  if (ui.range.value !== 'custom') ui.filters.requestSubmit();
});

ui.filters.addEventListener('submit', event => {
  event.preventDefault();
  const form = ui.filters.elements;
  const changes = {range: form.range.value, from: null, to: null, cursor: null};
  if (form.range.value === 'custom') {
    const from = toIso(form.from.value);
    const to = toIso(form.to.value);
    if (!from || !to || from >= to) {
      showStatus('Choose a custom range whose start is before its end.', true);
      form.from.focus();
      return;
    }
    Object.assign(changes, {from, to});
  }
  for (const name of state.DIMENSIONS) changes[name] = form[name].value.trim();
  if (state.view() === 'prompt' && changes.prompt) { // on the prompt page, the prompt filter picks the page
    Object.assign(changes, {slug: changes.prompt, prompt: null, compare: null});
  }
  state.go(changes);
});

$('clear-filters').addEventListener('click', () => {
  state.go(Object.fromEntries(['range', 'from', 'to', ...state.DIMENSIONS].map(n => [n, null])));
});

function toIso(local) {
  if (!local) return null;
  const withSeconds = local.length === 16 ? `${local}:00` : local;
  return `${withSeconds}Z`;
}

/** Suggestions for the filter fields from what the tenant has seen in the last 90 days. */
async function loadFilterOptions() {
  if (!session.current()?.analytics) return;
  try {
    const filters = state.filters(new URLSearchParams({range: '90d'}));
    const [stats, providers, top] = await Promise.all([
      api.usageStats(filters), api.costBreakdown('provider', filters), api.topPrompts(100, filters)]);
    options('l-environment', entries(stats.by_environment, 'environment').map(e => e.key));
    options('l-model', entries(stats.by_model, 'model').map(e => e.key));
    options('l-provider', entries(providers.groups ?? providers, 'provider').map(e => e.key));
    options('l-prompt', overview.list(top, 'prompts', 'top_prompts').map(overview.promptName));
  } catch {
    // suggestions only; the fields accept any value
  }
}

function options(id, values) {
  fill($(id), ...[...new Set(values)].filter(Boolean).sort().map(v => h('option', {value: v})));
}

// ---------------------------------------------------------------- refresh / live

async function refresh() {
  if (!mounted) return;
  const mine = ++generation;
  const {instance} = mounted;
  const params = state.read();
  try {
    ui.liveDot.className = 'live-dot on';
    await instance.update(state.filters(params), params);
    if (mine !== generation) return;
    stamp();
    showStatus('');
  } catch (e) {
    if (mine !== generation) return;
    if (e instanceof Unauthorized) {
      signOut('Your key was rejected; sign in again.');
      return;
    }
    ui.liveDot.className = 'live-dot error';
    showStatus(`Could not load: ${e.message}`, true);
  }
}

function schedule() {
  stopPolling();
  const pushing = pushState === 'live' && Boolean(mounted?.instance.pushed);
  const seconds = pushing ? 0 : Number(ui.refresh.value);
  if (!seconds || !mounted?.instance.live) {
    ui.liveDot.className = pushing ? 'live-dot on' : 'live-dot';
    return;
  }
  timer = setInterval(() => {
    if (!document.hidden) refresh();
  }, seconds * 1000);
}

function stopPolling() {
  if (timer) clearInterval(timer);
  timer = null;
}

ui.refresh.addEventListener('change', () => schedule());
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && mounted?.instance.live) refresh();
});

function showStatus(text, isError = false) {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', isError);
}

// ---------------------------------------------------------------- boot

if (session.current()) start();
else signOut();
