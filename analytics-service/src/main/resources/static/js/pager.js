// Keyset paging shared by the list views: the cursors of the pages seen so far (the API's
// next_cursor), Previous/Next buttons, and back to the first page when the filters change. The live
// refresh reloads the current page.

import {h} from './dom.js';
import * as state from './state.js';

/** reload(filters) re-renders the list; the view calls at(filters) for the cursor and shown(next) after. */
export function keysetPager(reload) {
  const cursors = [null];
  let index = 0;
  let nextCursor = null;
  let lastFilters = null;
  let filterKey = null;
  const previous = h('button.secondary', {type: 'button', onclick: () => go(-1)}, 'Previous page');
  const next = h('button.secondary', {type: 'button', onclick: () => go(1)}, 'Next page');
  const label = h('span');

  async function go(step) {
    if (step > 0 && nextCursor) cursors[++index] = nextCursor;
    else if (step < 0 && index > 0) index--;
    await reload(lastFilters ?? state.filters());
  }

  return {
    el: h('nav.pager', {'aria-label': 'Pages'}, previous, label, next),
    /** The cursor of the page to load for these filters (other filters than last time: the first page). */
    at(filters, key = JSON.stringify(state.read().toString())) {
      if (key !== filterKey) {
        filterKey = key;
        cursors.length = 1;
        index = 0;
      }
      lastFilters = filters;
      return cursors[index] ?? undefined;
    },
    /** After a page is shown: the API's next_cursor (null on the last page). */
    shown(nextPageCursor) {
      nextCursor = nextPageCursor ?? null;
      previous.disabled = index === 0;
      next.disabled = !nextCursor;
      label.textContent = `Page ${index + 1}`;
    },
    page: () => index + 1,
  };
}
