// Small DOM helpers: no framework, no build step. `h` builds elements, `field` builds a labelled
// control (every control of the dashboard has a visible <label>), `errorBox` shows an ApiError
// with its field and row errors.

let uid = 0;
export function nextId(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'value') el.value = v;
      else if (k === 'checked' || k === 'selected' || k === 'disabled') el[k] = Boolean(v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

// A labelled control. `control` is an element (input/select/textarea) or a tag name.
export function field(label, control, { hint, id } = {}) {
  const el = typeof control === 'string' ? h(control) : control;
  el.id = el.id || id || nextId('f');
  const hintEl = hint ? h('small', { class: 'hint', id: `${el.id}-hint` }, hint) : null;
  if (hintEl) el.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: el.id }, label), el, hintEl);
}

export function select(options, { value, name, id, onchange } = {}) {
  return h(
    'select',
    { name, id, onchange },
    options.map((o) => {
      const [v, text] = Array.isArray(o) ? o : [o, o];
      return h('option', { value: v, selected: v === value }, text);
    }),
  );
}

export function button(text, onclick, attrs = {}) {
  return h('button', { type: 'button', onclick, ...attrs }, text);
}

export function link(text, href, attrs = {}) {
  return h('a', { href, ...attrs }, text);
}

export function errorBox(err, title = 'Something went wrong') {
  if (!err) return null;
  const box = h('div', { class: 'error', role: 'alert' }, h('strong', null, `${title}: `), err.message || String(err));
  if (err.fields && err.fields.length) {
    box.appendChild(h('ul', null, err.fields.map((f) => h('li', null, h('code', null, f.path), ' ', f.message))));
  }
  if (err.requestId) box.appendChild(h('small', { class: 'muted' }, ` (request ${err.requestId})`));
  return box;
}

export function notice(text, kind = 'info') {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, text);
}

export function notFound(what, backHref, backText) {
  return h(
    'section',
    { class: 'not-found', 'aria-labelledby': 'nf-title' },
    h('h1', { id: 'nf-title', tabindex: '-1' }, `${what} not found`),
    h('p', null, `This ${what.toLowerCase()} does not exist, or your account may not see it.`),
    backHref ? h('p', null, link(backText || 'Back', backHref)) : null,
  );
}

// A table from rows and column specs {label, value(row) -> node|string, class?}.
export function table(columns, rows, { caption, empty = 'Nothing here yet.', id } = {}) {
  if (!rows.length) return h('p', { class: 'muted' }, empty);
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption || 'table' },
    h(
      'table',
      { id },
      caption ? h('caption', null, caption) : null,
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
      h(
        'tbody',
        null,
        rows.map((r) => h('tr', null, columns.map((c) => h('td', { class: c.class, 'data-label': c.label }, c.value(r))))),
      ),
    ),
  );
}

export function badge(state) {
  return h('span', { class: `badge state-${String(state).replace(/[^a-z_]/gi, '')}` }, String(state).replace(/_/g, ' '));
}

export function fmtDate(s) {
  if (!s) return '–';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–';
  const s = Number(seconds);
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  if (s < 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

export function fmtNum(x, digits = 3) {
  if (x === null || x === undefined || Number.isNaN(Number(x))) return '–';
  const v = Number(x);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toLocaleString('en-GB', { maximumFractionDigits: 6 });
}

// Users are named by id in the API's objects (created_by, decided_by, actor).
export function who(x) {
  if (x === null || x === undefined || x === '') return '–';
  return typeof x === 'number' || /^[0-9]+$/.test(String(x)) ? `user #${x}` : String(x);
}

export function words(id) {
  return String(id || '').replace(/_/g, ' ');
}

// Move focus to the page's heading after navigation so screen readers announce the new page.
export function focusHeading(root) {
  const h1 = root.querySelector('h1');
  if (h1) {
    h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: false });
  }
}
