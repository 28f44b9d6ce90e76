// Shared set-up of the end-to-end tests: start `symbiont serve` on a free loopback port with a
// temporary data directory, read its one-time bootstrap token, create one account per role
// through the API, and launch Debian's headless Chromium through playwright-core.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');

export const ROLE_NAV = {
  admin: ['Board', 'Inbox', 'Cases', 'Submit a case', 'Registry', 'Scenarios', 'Studies', 'Users'],
  officer: ['Inbox', 'Cases'],
  enterprise: ['Cases', 'Submit a case'],
  analyst: ['Cases', 'Registry', 'Scenarios', 'Studies'],
};

const PASSWORD = 'correct-horse-battery';

// Start the server on a free loopback port (`--bind 127.0.0.1:0`) and read from its output the
// one-time bootstrap token and the address it listens on.
async function startServer() {
  const bin = path.resolve(REPO, process.env.SYMBIONT_BIN || 'target/debug/symbiont');
  assert.ok(fs.existsSync(bin), `the server binary ${bin} exists (build it with \`cargo build -p symbiont-cli\` or set SYMBIONT_BIN)`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'symbiont-e2e-'));
  const args = ['serve', '--bind', '127.0.0.1:0', '--data-dir', dataDir, '--workers', '2'];
  const child = spawn(bin, args, { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' } });
  let output = '';
  const { token, base } = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s; it said:\n${output}`)), 60_000);
    const look = (chunk) => {
      output += chunk.toString();
      const t = output.match(/bootstrap token[^\n]*?\b([0-9a-f]{32,})\b/i);
      const a = output.match(/listening on (http:\/\/[^\s]+)/);
      if (t && a) {
        clearTimeout(timer);
        resolve({ token: t[1], base: a[1].replace(/\/$/, '') });
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before it was ready:\n${output}`));
    });
  });
  for (let i = 0; ; i += 1) {
    try {
      const r = await fetch(`${base}/api/openapi.json`);
      if (r.ok) break;
    } catch {
      /* not answering yet */
    }
    if (i > 100) throw new Error(`the server did not answer on ${base}:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, token, child, dataDir, log: () => output };
}

export function makeApi(base) {
  return async function call(method, p, body, token) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const r = await fetch(`${base}/api${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: r.status, json };
  };
}

async function createUsers(api, bootstrapToken) {
  const boot = await api('POST', '/auth/bootstrap', { token: bootstrapToken, username: 'admin', password: PASSWORD });
  assert.equal(boot.status, 200, `bootstrap: ${JSON.stringify(boot.json)}`);
  const admin = boot.json.token;
  const users = { admin: { username: 'admin', password: PASSWORD } };
  const mk = async (username, role, extra = {}) => {
    const r = await api('POST', '/users', { username, password: PASSWORD, role, ...extra }, admin);
    assert.ok(r.status === 200 || r.status === 201, `create ${username}: ${r.status} ${JSON.stringify(r.json)}`);
    return { username, password: PASSWORD, role, ...extra };
  };
  users.analyst = await mk('analyst', 'analyst');
  const deps = await api('GET', '/entities?kind=department&limit=500', undefined, admin);
  assert.equal(deps.status, 200);
  users.officers = {};
  for (const d of deps.json.items) users.officers[d.id] = await mk(`officer-${d.id}`, 'officer', { department_id: d.id });
  users.officer = Object.values(users.officers)[0];
  // Two enterprises: the first from the registry, a second created when the registry has one only.
  const ents = await api('GET', '/entities?kind=enterprise&limit=500', undefined, admin);
  assert.equal(ents.status, 200);
  const ids = ents.json.items.map((e) => e.id);
  if (ids.length < 2) {
    const r = await api('POST', '/entities', { id: 'e2e-second-enterprise', kind: 'enterprise', name: 'Second Enterprise (test)', side: 'home', endowments: {}, needs: {} }, admin);
    assert.ok(r.status === 200 || r.status === 201, `second enterprise: ${r.status} ${JSON.stringify(r.json)}`);
    ids.push(r.json.id || 'e2e-second-enterprise');
  }
  users.enterprise = await mk('enterprise-a', 'enterprise', { entity_id: ids[0] });
  users.enterprise2 = await mk('enterprise-b', 'enterprise', { entity_id: ids[1] });
  return { users, adminToken: admin };
}

export async function setup() {
  const artifacts = path.resolve(REPO, process.env.SYMBIONT_E2E_ARTIFACTS || 'target/e2e-artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  let server = null;
  let base;
  let token;
  if (process.env.SYMBIONT_E2E_URL) {
    base = process.env.SYMBIONT_E2E_URL.replace(/\/$/, '');
    token = process.env.SYMBIONT_E2E_BOOTSTRAP;
  } else {
    server = await startServer();
    ({ base, token } = server);
  }
  const api = makeApi(base);
  const { users, adminToken } = await createUsers(api, token);
  // playwright gives every launch a fresh, empty profile directory of its own (and removes it).
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const env = {
    base, api, users, adminToken, browser, server, artifacts, consoleErrors: [],
    async newPage(viewport, extra = {}) {
      const ctx = await browser.newContext({ viewport, ...extra });
      const page = await ctx.newPage();
      page.setDefaultTimeout(20_000);
      page.on('pageerror', (e) => env.consoleErrors.push(String(e)));
      return { page, ctx };
    },
    async submitCaseByApi() {
      const login = await api('POST', '/auth/login', { username: users.enterprise.username, password: PASSWORD });
      const parks = await api('GET', '/entities?kind=park', undefined, login.json.token);
      const c = await api('POST', '/cases', { park_id: parks.json.items[0].id, title: 'By the API', dossier: { capital_usd: 1e6, jobs: 10, sector: 'textiles', description: '' } }, login.json.token);
      return c.json.id;
    },
  };
  return env;
}

export async function teardown(env) {
  if (env.browser) await env.browser.close();
  if (env.server) {
    env.server.child.kill('SIGINT');
    await new Promise((r) => {
      const t = setTimeout(() => {
        env.server.child.kill('SIGKILL');
        r();
      }, 5000);
      env.server.child.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
    fs.rmSync(env.server.dataDir, { recursive: true, force: true });
  }
  assert.deepEqual(env.consoleErrors, [], 'no uncaught error in the pages');
}

export async function signIn(env, page, user) {
  await page.goto(`${env.base}/#/signin`);
  await page.waitForSelector('#signin-form');
  await page.fill('#signin-username', user.username);
  await page.fill('#signin-password', user.password);
  await page.click('#signin-submit');
  await page.waitForSelector('[data-testid=whoami]');
}

export async function shot(env, page, name, opts = {}) {
  await page.screenshot({ path: path.join(env.artifacts, `${name}.png`), ...opts });
}

// Every visible form control has an accessible name from a <label>, aria-label or aria-labelledby.
export async function assertLabelled(page, where) {
  const bad = await page.$$eval('input:not([type=hidden]), select, textarea, button', (els) =>
    els
      .filter((el) => el.offsetParent !== null || el.getClientRects().length)
      .filter((el) => {
        if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return false;
        if (el.tagName === 'BUTTON') return !el.textContent.trim();
        return !(el.labels && [...el.labels].some((l) => l.textContent.trim()));
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(bad, [], `unlabelled controls on ${where}`);
}

// WCAG AA contrast (4.5:1; 3:1 for large text) of every visible text node against the first
// opaque background behind it.
export async function assertContrast(page, where) {
  const bad = await page.evaluate(() => {
    const parse = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const lum = ({ r, g, b }) => {
      const f = (v) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const bgOf = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0.9) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const el = n.parentElement;
      if (!el || el.closest('svg, .visually-hidden, [hidden], option, .skip-link')) continue;
      const st = getComputedStyle(el);
      if (st.visibility === 'hidden' || st.display === 'none' || !el.getClientRects().length) continue;
      if (el.closest('button:disabled')) continue;
      const fg = parse(st.color);
      if (!fg) continue;
      const bg = bgOf(el);
      const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = parseFloat(st.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(st.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push(`${n.textContent.trim().slice(0, 40)}: ${ratio.toFixed(2)}`);
    }
    return out;
  });
  assert.deepEqual(bad, [], `text below WCAG AA contrast on ${where}`);
}

export async function assertNoSideScroll(page, where) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw + 1, `${where}: the page scrolls sideways (${sw} px wide in ${cw} px)`);
}
