// Dead letters (admin keys): records the pipeline could not count, by topic, tenant and kind, and
// the latest ones with their reason. Replay is an admin action of the API and the CLI
// (bin/promptengine dead-letters replay), not of this page.

import {api} from '../api.js';
import {h, fill, table} from '../dom.js';
import * as fmt from '../format.js';

export function mount(container) {
  const summary = h('div', {'data-testid': 'dead-letter-counts'});
  const latest = h('div', {'data-testid': 'dead-letters'});
  fill(container,
    h('h1.view-title', 'Dead letters'),
    h('p', 'Records the pipeline could not count in the last 7 days. Fix the producer (or raise the retention)'
      + ' and replay them with bin/promptengine dead-letters replay; an acceptable record is then counted once.'),
    h('section.card', {'aria-labelledby': 'd-counts'}, h('h2#d-counts', 'By topic, tenant and reason'), summary),
    h('section.card', {'aria-labelledby': 'd-latest'}, h('h2#d-latest', 'Latest'), latest));

  async function update() {
    const [counts, page] = await Promise.all([api.deadLetterCounts(), api.deadLetters({limit: 50})]);
    fill(summary, table([
      {label: 'Topic', value: r => r.topic},
      {label: 'Tenant', value: r => r.tenant ?? 'unknown'},
      {label: 'Kind', value: r => r.kind},
      {label: 'Dead letters', num: true, value: r => fmt.count(r.dead_letters)},
      {label: 'Replayed', num: true, value: r => fmt.count(r.replayed)},
    ], counts.counts ?? [], {caption: 'Dead letters by topic, tenant and kind', empty: 'No dead letters: every record was counted.'}));
    fill(latest, table([
      {label: 'When', value: r => fmt.dateTime(r.dead_lettered_at)},
      {label: 'Topic', value: r => `${r.topic} ${r.partition}@${r.offset}`},
      {label: 'Tenant', value: r => r.tenant ?? 'unknown'},
      {label: 'Event', value: r => (r.event_id ? `${r.event_type} ${r.event_id}` : '–')},
      {label: 'Kind', value: r => r.kind},
      {label: 'Reason', value: r => r.reason},
      {label: 'Replayed', value: r => (r.replayed_at ? fmt.dateTime(r.replayed_at) : '–')},
    ], page.dead_letters ?? [], {caption: 'Latest dead letters', empty: 'No dead letters.'}));
  }
  return {update, live: true};
}
