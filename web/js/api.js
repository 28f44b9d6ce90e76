// The only place that talks to the server. Every call goes to /api with the bearer token kept in
// sessionStorage (so it dies with the tab), and every failure becomes an ApiError carrying the
// server's error shape ({status, code, message, fields, rows, request_id}).

const TOKEN_KEY = 'symbiont.token';
const USER_KEY = 'symbiont.user';

export class ApiError extends Error {
  constructor(status, body) {
    const err = (body && body.error) || {};
    super(err.message || `request failed (${status})`);
    this.status = status;
    this.code = err.code || (status === 0 ? 'network' : 'unknown');
    this.fields = err.fields || [];
    this.rows = err.rows || [];
    this.diagnostics = err.diagnostics || (body && body.diagnostics) || [];
    this.requestId = err.request_id || null;
    this.body = body;
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  get user() {
    try {
      return JSON.parse(sessionStorage.getItem(USER_KEY) || 'null');
    } catch {
      return null;
    }
  },
  save(token, user) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

// Called when the server says the token is no longer good (expired, revoked).
let onUnauthenticated = () => {};
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn;
}

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  const t = session.token;
  if (t) h.Authorization = `Bearer ${t}`;
  return h;
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function request(method, path, { body, contentType, raw, signal } = {}) {
  const init = { method, headers: headers(), signal };
  if (body !== undefined) {
    if (contentType && contentType !== 'application/json') {
      init.headers['Content-Type'] = contentType;
      init.body = body;
    } else {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  let res;
  try {
    res = await fetch(`/api${path}`, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { error: { message: `cannot reach the server (${e.message})` } });
  }
  if (res.status === 401 && session.token && !path.startsWith('/auth/')) {
    session.clear();
    onUnauthenticated();
  }
  if (!res.ok) {
    let payload = null;
    try {
      payload = await res.json();
    } catch {
      payload = null;
    }
    throw new ApiError(res.status, payload);
  }
  if (raw) return res;
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') || '';
  if (type.includes('json')) return res.json();
  return res.text();
}

export const api = {
  get: (path, opts) => request('GET', path, opts),
  post: (path, body, opts) => request('POST', path, { ...opts, body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
  raw: (path, opts) => request('GET', path, { ...opts, raw: true }),
};

// Fetch every page of a paginated list (bounded, so a huge table cannot hang the page).
export async function listAll(path, params = {}, maxItems = 2000) {
  const items = [];
  let offset = 0;
  for (;;) {
    const page = await api.get(path + query({ ...params, limit: 500, offset }));
    const got = page.items || [];
    items.push(...got);
    offset += got.length;
    if (got.length === 0 || offset >= (page.total ?? 0) || items.length >= maxItems) break;
  }
  return items;
}

// Follow a job's progress. The events endpoint is read with fetch() and a stream reader rather
// than EventSource, because EventSource cannot send the Authorization header and the token is
// not put in URLs. If streaming fails (older browser, proxy buffering, endpoint missing), it falls
// back to polling GET /api/jobs/{id} every second. `onUpdate(job-ish)` gets {state, progress}.
export function followJob(id, onUpdate, { pollMs = 1000 } = {}) {
  const ctrl = new AbortController();
  let stopped = false;
  const stop = () => {
    stopped = true;
    ctrl.abort();
  };
  const finalStates = new Set(['succeeded', 'failed', 'cancelled']);

  async function poll() {
    while (!stopped) {
      try {
        const job = await api.get(`/jobs/${encodeURIComponent(id)}`, { signal: ctrl.signal });
        onUpdate(job, 'poll');
        if (finalStates.has(job.state)) return;
      } catch (e) {
        if (stopped || e.name === 'AbortError') return;
        onUpdate({ error: e.message }, 'poll');
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  async function stream() {
    const res = await fetch(`/api/jobs/${encodeURIComponent(id)}/events`, {
      headers: headers({ Accept: 'text/event-stream' }),
      signal: ctrl.signal,
    });
    if (!res.ok || !res.body) throw new Error(`events answered ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    let sawFinal = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value.replace(/\r\n?/g, '\n');
      let idx;
      while ((idx = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, idx);
        buf = buf.slice(idx + 2);
        let event = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (!data.length) continue;
        let payload;
        try {
          payload = JSON.parse(data.join('\n'));
        } catch {
          continue;
        }
        if (event === 'progress') onUpdate({ progress: payload }, 'stream');
        else if (event === 'state') {
          onUpdate({ state: payload.state, error: payload.error }, 'stream');
          if (finalStates.has(payload.state)) sawFinal = true;
        }
      }
    }
    return sawFinal;
  }

  (async () => {
    let final = false;
    try {
      final = await stream();
    } catch (e) {
      if (stopped || e.name === 'AbortError') return;
    }
    if (stopped) return;
    // Read the job once more (the stream may have ended without a final state), polling if needed.
    if (!final) await poll();
    else {
      try {
        onUpdate(await api.get(`/jobs/${encodeURIComponent(id)}`), 'poll');
      } catch {
        /* the page shows the last state it had */
      }
    }
  })();
  return stop;
}
