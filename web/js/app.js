// The dashboard's shell: hash routing (#/cases/ID opens that page directly), the role-filtered
// navigation, sign-in state, and page life cycle (a page may return a cleanup function, called
// when the user leaves it, e.g. to stop following a job).

import { api, session, setUnauthenticatedHandler } from './api.js';
import { h, replace, link, button, focusHeading, notFound, errorBox } from './ui.js';

// Which pages each role sees. The server enforces the same rules; this only hides what would 403.
export const ROLE_PAGES = {
  admin: ['board', 'inbox', 'cases', 'submit', 'registry', 'scenarios', 'studies', 'users'],
  officer: ['inbox', 'cases'],
  enterprise: ['cases', 'submit'],
  analyst: ['studies', 'scenarios', 'registry', 'cases'],
};

const HOME = { admin: '#/board', officer: '#/inbox', enterprise: '#/cases', analyst: '#/studies' };

const NAV = [
  ['board', 'Board', '#/board'],
  ['inbox', 'Inbox', '#/inbox'],
  ['cases', 'Cases', '#/cases'],
  ['submit', 'Submit a case', '#/cases/new'],
  ['registry', 'Registry', '#/registry'],
  ['scenarios', 'Scenarios', '#/scenarios'],
  ['studies', 'Studies', '#/studies'],
  ['users', 'Users', '#/users'],
];

// [pattern, page key (for roles), loader]. Loaders import the page module on demand so that the
// first paint only loads the shell and the current page.
const ROUTES = [
  [/^\/signin$/, null, () => import('./pages/signin.js')],
  [/^\/board$/, 'board', () => import('./pages/board.js')],
  [/^\/inbox$/, 'inbox', () => import('./pages/inbox.js')],
  [/^\/cases$/, 'cases', () => import('./pages/cases.js')],
  [/^\/cases\/new$/, 'submit', () => import('./pages/submit.js')],
  [/^\/cases\/(?<id>[^/]+)$/, 'cases', () => import('./pages/case.js')],
  [/^\/registry$/, 'registry', () => import('./pages/registry.js')],
  [/^\/registry\/import$/, 'registry', () => import('./pages/registry-import.js')],
  [/^\/registry\/(?<id>[^/]+)$/, 'registry', () => import('./pages/entity.js')],
  [/^\/scenarios$/, 'scenarios', () => import('./pages/scenarios.js')],
  [/^\/scenarios\/(?<id>[^/]+)$/, 'scenarios', () => import('./pages/scenario.js')],
  [/^\/studies$/, 'studies', () => import('./pages/studies.js')],
  [/^\/studies\/(?<id>[^/]+)$/, 'studies', () => import('./pages/study.js')],
  [/^\/users$/, 'users', () => import('./pages/users.js')],
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const live = document.getElementById('live');
let cleanup = null;
let renderSeq = 0;

export function announce(text) {
  live.textContent = '';
  setTimeout(() => {
    live.textContent = text;
  }, 30);
}

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

export function canSee(page, user = session.user) {
  return Boolean(user && ROLE_PAGES[user.role] && ROLE_PAGES[user.role].includes(page));
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(qs || '') };
}

function renderChrome(user, path) {
  if (!user) {
    replace(nav);
    replace(who);
    return;
  }
  const pages = ROLE_PAGES[user.role] || [];
  const items = NAV.filter(([key]) => pages.includes(key)).map(([key, text, href]) => {
    const active = path === href.slice(1) || (href !== '#/cases/new' && path.startsWith(href.slice(1) + '/') && !(key === 'cases' && path === '/cases/new'));
    return h('li', null, link(text, href, active ? { 'aria-current': 'page' } : {}));
  });
  replace(nav, h('ul', null, items));
  const bound = user.department_id ? ` · ${user.department_id}` : user.entity_id ? ` · ${user.entity_id}` : '';
  replace(
    who,
    h('span', { class: 'user', 'data-testid': 'whoami' }, `${user.username} (${user.role}${bound})`),
    button('Sign out', signOut, { class: 'secondary small', id: 'signout' }),
  );
}

async function signOut() {
  try {
    await api.post('/auth/logout');
  } catch {
    /* the token may already be gone; sign out locally anyway */
  }
  session.clear();
  navigate('#/signin');
}

async function route() {
  const seq = ++renderSeq;
  delete document.body.dataset.ready;
  if (cleanup) {
    try {
      cleanup();
    } catch {
      /* a page's cleanup must not stop navigation */
    }
    cleanup = null;
  }
  const { path, query } = parseHash();
  const user = session.user;

  if (!user && path !== '/signin') {
    const next = path === '/' ? '' : `?next=${encodeURIComponent(path + (query.toString() ? `?${query}` : ''))}`;
    location.replace(`#/signin${next}`);
    return;
  }
  if (user && (path === '/' || path === '/signin')) {
    location.replace(HOME[user.role] || '#/cases');
    return;
  }
  renderChrome(user, path);

  const match = ROUTES.map(([re, key, load]) => ({ m: path.match(re), key, load })).find((r) => r.m);
  if (!match) {
    replace(main, notFound('Page', user ? HOME[user.role] : '#/signin', 'Go to your start page'));
    document.title = 'Not found · Symbiont';
    focusHeading(main);
    return;
  }
  if (match.key && !canSee(match.key, user)) {
    replace(
      main,
      h(
        'section',
        null,
        h('h1', null, 'Not available'),
        h('p', null, `This page is not part of the ${user.role} role.`),
        h('p', null, link('Go to your start page', HOME[user.role])),
      ),
    );
    document.title = 'Not available · Symbiont';
    focusHeading(main);
    return;
  }
  try {
    const mod = await match.load();
    if (seq !== renderSeq) return;
    const root = h('div', { class: 'page' });
    replace(main, root);
    const ctx = { root, params: match.m.groups || {}, query, user, navigate, announce, canSee, seq: () => seq === renderSeq };
    const result = await mod.render(ctx);
    if (seq !== renderSeq) {
      if (typeof result === 'function') result();
      return;
    }
    if (typeof result === 'function') cleanup = result;
    // For the load benchmark (bench/dashboard_load.mjs): the page is drawn and its handlers are live.
    performance.mark('symbiont:page-ready', { detail: path });
    document.body.dataset.ready = path;
    const h1 = root.querySelector('h1');
    document.title = `${h1 ? h1.textContent : 'Symbiont'} · Symbiont`;
    // Focus the heading after in-app navigation (not on first load, where the browser's own
    // focus order starts at the skip link).
    if (route.started) focusHeading(root);
    route.started = true;
  } catch (e) {
    if (seq !== renderSeq) return;
    replace(main, h('section', null, h('h1', null, 'Error'), errorBox(e, 'The page could not be shown')));
  }
}

setUnauthenticatedHandler(() => {
  const { path } = parseHash();
  location.replace(`#/signin?next=${encodeURIComponent(path)}&expired=1`);
});

document.getElementById('skip-link').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', route);
route();
