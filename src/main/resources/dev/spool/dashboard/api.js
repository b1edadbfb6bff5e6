// Spool's public API, as the dashboard uses it: the key lives in sessionStorage only, sent as a Bearer header.
const KEY = 'spool.apiKey';
// The user an admin chose to look at ({id, email}), kept with the key so a reload stays on that user.
const VIEWING = 'spool.viewing';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  signOut: () => {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(VIEWING);
  },
};

/** Whose assets, tasks and webhooks the lists show: null for the caller's own, else a user an admin picked. */
export const viewing = {
  user: () => JSON.parse(sessionStorage.getItem(VIEWING) || 'null'),
  set: (user) => {
    if (user) sessionStorage.setItem(VIEWING, JSON.stringify({ id: user.id, email: user.email }));
    else sessionStorage.removeItem(VIEWING);
  },
};

/**
 * The first page of a list, of the user being viewed: an admin looking at another user lists every user's items
 * (allUsers) filtered on that user's id, which the API allows admins only.
 */
export function listPath(base, params, filters = []) {
  const query = new URLSearchParams(params);
  const other = viewing.user();
  const all = other ? [...filters, { id: 'userId', value: other.id }] : filters;
  if (other) query.set('allUsers', '1');
  if (all.length) query.set('filters', JSON.stringify(all));
  return `${base}?${query}`;
}

function headers(extra = {}) {
  return { Authorization: `Bearer ${session.key()}`, ...extra };
}

async function failure(response) {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (Array.isArray(body.errors) && body.errors.length) message = body.errors.join('; ');
  } catch {
    // the body was not JSON: the status line says enough
  }
  return new ApiError(response.status, message);
}

export async function request(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  if (!response.ok) {
    const error = await failure(response);
    if (response.status === 401) window.dispatchEvent(new CustomEvent('spool:unauthenticated'));
    throw error;
  }
  return response.status === 204 ? null : response.json();
}

/** One page of a list and the cursor URL of the next, from the Link header. */
export async function page(path) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new CustomEvent('spool:unauthenticated'));
    throw await failure(response);
  }
  const link = response.headers.get('Link') || '';
  const next = /<([^>]+)>;\s*rel="next"/.exec(link);
  let nextPath = null;
  if (next) {
    const url = new URL(next[1], location.href);
    nextPath = url.pathname + url.search;
  }
  return { items: await response.json(), next: nextPath };
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body) => request('POST', path, body),
  put: (path, body) => request('PUT', path, body),
  patch: (path, body) => request('PATCH', path, body),
  del: (path) => request('DELETE', path),
};

/**
 * Server-sent events over fetch, so the key travels in a header and never in a URL (EventSource cannot send
 * headers). Calls onEvent(name, data) per event; resolves when the stream ends; abort with the signal.
 */
export async function events(path, onEvent, signal) {
  const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (!response.ok) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(name, JSON.parse(data.join('\n')));
    }
  }
}
