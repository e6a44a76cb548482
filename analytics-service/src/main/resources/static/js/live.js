// The push channel: GET /v1/live as Server-Sent Events, read through fetch so the API key travels
// in the Authorization header (EventSource cannot send one). A dropped channel is opened again
// with backoff (1 s doubling to 30 s); while it is down the app polls as before (app.js).

import {request, parseJson, Unauthorized} from './api.js';

/**
 * Opens the channel for these parameters (the range as a preset, or from/to, plus the filters);
 * onSnapshot(snapshot) for each pushed snapshot, onState('connecting' | 'live' | 'down').
 */
export function open(params, {onSnapshot, onState}) {
  let stopped = false;
  let controller = null;
  let delay = 1000;

  async function run() {
    while (!stopped) {
      controller = new AbortController();
      onState('connecting');
      try {
        const response = await request('', '/v1/live', params,
          {accept: 'text/event-stream, application/problem+json', signal: controller.signal});
        delay = 1000;
        await read(response.body, event => {
          if (event.name === 'ready') onState('live');
          else if (event.name === 'snapshot') onSnapshot(parseJson(event.data));
        });
      } catch (e) {
        if (stopped || e.name === 'AbortError') return;
        if (e instanceof Unauthorized) { // the app signs out on its next request
          onState('down');
          return;
        }
      }
      if (stopped) return;
      onState('down');
      await new Promise(resolve => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  }
  run();
  return {
    close() {
      stopped = true;
      controller?.abort();
    },
  };
}

/** Parses text/event-stream (name, data lines, blank line ends an event; ':' lines are comments). */
async function read(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let name = 'message';
  let data = [];
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).replace(/\r$/, '');
      buffer = buffer.slice(end + 1);
      if (line === '') {
        if (data.length) onEvent({name, data: data.join('\n')});
        name = 'message';
        data = [];
      } else if (line.startsWith('event:')) {
        name = line.slice(6).trim();
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      }
    }
  }
}
