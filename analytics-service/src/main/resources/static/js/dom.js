// Small DOM helpers. Every piece of data goes in as text (never innerHTML): prompts and responses
// are user content and may contain markup.

import * as fmt from './format.js';

/** h('div.card#id', {attrs}, ...children): children are nodes, strings or arrays; null is skipped. */
export function h(spec, attrs, ...children) {
  const tag = spec.match(/^[a-z][a-z0-9]*/i)?.[0] || 'div';
  const id = spec.match(/#([\w-]+)/)?.[1];
  const classes = [...spec.matchAll(/\.([\w-]+)/g)].map(m => m[1]);
  const el = document.createElement(tag);
  if (id) el.id = id;
  if (classes.length) el.className = classes.join(' ');
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** Replaces the children of el (null and false children are skipped). */
export function fill(el, ...children) {
  append(clear(el), children);
  return el;
}

/** A table; columns: [{label, value: row => node|text, num?: bool}]. */
export function table(columns, rows, {caption, rowAttrs, empty = 'No data for this range and these filters.'} = {}) {
  return h('div.table-wrap', {tabindex: 0, role: 'region', 'aria-label': caption || 'Table'},
    h('table', null,
      caption ? h('caption.sr-only', caption) : null,
      h('thead', h('tr', columns.map(c => h(c.num ? 'th.num' : 'th', {scope: 'col'}, c.label)))),
      h('tbody', rows.length
        ? rows.map(row => h('tr', rowAttrs ? rowAttrs(row) : null,
            columns.map(c => h(c.num ? 'td.num' : 'td', c.value(row)))))
        : h('tr', h('td', {colspan: Math.max(1, columns.length)}, empty)))));
}

/** A metric card whose value element carries the raw API value in data-value (tests compare it). */
export function metric(testId, label, value, raw, sub) {
  return h('div.card.metric', {'data-testid': testId},
    h('div.label', {id: `${testId}-label`}, label),
    h(textOf(value).length > 9 ? 'div.value.long' : 'div.value', {'aria-labelledby': `${testId}-label`, dataset: {value: raw ?? ''}}, value),
    sub ? h('div.sub', sub) : null);
}

function textOf(value) {
  return value instanceof Node ? value.textContent : String(value);
}

/** An amount rounded for reading (fmt.moneyRounded) with the exact decimal in its tooltip and data-exact. */
export function money(value) {
  const shown = fmt.moneyRounded(value);
  if (shown === '–') return shown;
  return h('span.money', {title: `${fmt.money(value)} exactly`, 'data-exact': String(value).trim()}, shown);
}

/**
 * A total that may leave executions out, as fmt.cost shows it ("$1.23", "$1.23 + 5 unpriced",
 * "unknown"), with the exact sum in its tooltip, marked and explained when unpriced executions are
 * not in it (docs/pricing.md, "No silent $0").
 */
export function cost(total, unpriced, executions) {
  const n = Number(unpriced ?? 0);
  const text = fmt.cost(total, unpriced, executions);
  if (!n) return money(total);
  const exact = total === null || total === undefined || total === '' ? '' : `Priced executions: ${fmt.money(total)} exactly. `;
  return h('span.unpriced', {'data-exact': total ?? '', title: `${exact}${n} execution${n === 1 ? '' : 's'} without a price `
    + '(no catalog row matched and the provider reported no cost) are not in this total. Add the price, then re-price '
    + 'them (docs/pricing.md).'}, text);
}
