// The page's one way to the server: the token (kept in this browser's local storage, sent as
// `authorization: 'Bearer ' + token`), JSON calls that never throw (a network failure is a sentence), images read as
// blob URLs (they need the token too), and the one event stream per page, resumed with Last-Event-ID.
const tokenKey = 'threadpaint-playground-token';
let token = localStorage.getItem(tokenKey) || '';
let onLocked = () => {};

export const tokenRequired = () => document.body.dataset.token === 'required';
export const hasToken = () => token !== '';
export function setToken(value) {
  token = value;
  localStorage.setItem(tokenKey, value);
}
export function whenLocked(callback) {
  onLocked = callback;
}

const headersWith = (extra) => Object.assign({}, extra || {}, token ? { authorization: 'Bearer ' + token } : {});
const offlineSentence =
  'The server cannot be reached (is the network down?). Nothing was lost: try again when it is back.';

async function call(path, init) {
  let response;
  try {
    response = await fetch(path, Object.assign({}, init, { headers: headersWith(init?.headers) }));
  } catch {
    return { ok: false, status: 0, body: { error: offlineSentence, offline: true } };
  }
  if (response.status === 401) {
    localStorage.removeItem(tokenKey);
    token = '';
    onLocked();
  }
  const body = await response.json().catch(() => ({ error: 'The server answered HTTP ' + response.status + '.' }));
  return { ok: response.ok, status: response.status, body };
}

export const getJson = (path) => call(path, { method: 'GET' });
export const postJson = (path, body) =>
  call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) });
export const deleteJson = (path) => call(path, { method: 'DELETE', headers: { 'content-type': 'application/json' } });

const blobs = new Map();
/** An image of the API as a blob URL (fetched once per page). */
export function imageUrl(path) {
  if (!blobs.has(path)) {
    const loading = fetch(path, { headers: headersWith() }).then((response) =>
      response.ok
        ? response.blob().then((blob) => URL.createObjectURL(blob))
        : Promise.reject(new Error(String(response.status))),
    );
    loading.catch(() => blobs.delete(path));
    blobs.set(path, loading);
  }
  return blobs.get(path);
}

/**
 * The page's event stream (`GET /api/events`, server-sent events read through fetch so the token can be sent).
 * Reconnects by itself (1 s, doubling to 15 s; at once when the browser is back online) and sends the last event id
 * it saw, so nothing is missed; `reset` means it missed too much and must read its state again.
 */
export function openEvents(handlers) {
  let lastEventId = '';
  let delay = 1000;
  let timer;
  let open = false;
  let current;
  const connect = async () => {
    clearTimeout(timer);
    open = true;
    const controller = new AbortController();
    current = controller;
    const watchdog = { last: Date.now() };
    const idle = setInterval(() => {
      if (Date.now() - watchdog.last > 40000) controller.abort();
    }, 5000);
    try {
      const headers = headersWith(
        lastEventId ? { 'last-event-id': lastEventId, accept: 'text/event-stream' } : { accept: 'text/event-stream' },
      );
      const response = await fetch('/api/events', { headers, signal: controller.signal, cache: 'no-store' });
      if (response.status === 401) onLocked();
      if (!response.ok || !response.body) throw new Error('HTTP ' + response.status);
      handlers.connection(true);
      delay = 1000;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        watchdog.last = Date.now();
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          const event = { type: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) lastEventId = line.slice(4);
            else if (line.startsWith('event: ')) event.type = line.slice(7);
            else if (line.startsWith('data: ')) event.data += line.slice(6);
          }
          if (event.type === 'reset') handlers.reset();
          else if (event.data) handlers.event(event.type, JSON.parse(event.data));
        }
      }
    } catch {
      // Closed, aborted by the watchdog, or the network is gone: reconnect below.
    } finally {
      clearInterval(idle);
    }
    open = false;
    handlers.connection(false);
    timer = setTimeout(connect, delay);
    delay = Math.min(delay * 2, 15000);
  };
  // An open stream can outlive the network for a while: the browser's word that it is offline ends it at once.
  window.addEventListener('offline', () => current?.abort());
  window.addEventListener('online', () => {
    delay = 1000;
    if (!open) connect();
  });
  connect();
}
