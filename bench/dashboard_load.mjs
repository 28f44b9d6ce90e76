// How fast the dashboard becomes interactive, served by `symbiont serve` from loopback, on the
// default data (the registry and scenario seeded at first start). Each sample is a fresh browser
// context (cold cache, like a first visit). "Interactive" is the app's own mark
// `symbiont:page-ready`: the page's data is fetched, drawn, and its handlers are attached. The
// peer, measured in the same run from the same server, is the API's Swagger UI (/api/docs) up to
// its load event.
//
//   cargo build -p symbiont-cli          # or --release, then SYMBIONT_BIN=target/release/symbiont
//   (cd web && npm ci)
//   node bench/dashboard_load.mjs [samples]
//
// Prints medians (and min/max) per page in milliseconds, and the ratio to the peer.
import { setup, teardown } from '../web/tests/harness.mjs';

const N = Number(process.argv[2] || 15);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const env = await setup({ quiet: true });
const login = async (u) => (await env.api('POST', '/auth/login', { username: u.username, password: u.password })).json;
const sessions = { admin: await login(env.users.admin), analyst: await login(env.users.analyst), enterprise: await login(env.users.enterprise) };

const pages = [
  ['sign-in (no session)', null, '#/signin'],
  ['admin board', 'admin', '#/board'],
  ['registry (default data)', 'analyst', '#/registry'],
  ['scenario editor (default scenario)', 'analyst', '#/scenarios/default'],
  ['studies', 'analyst', '#/studies'],
  ['enterprise: submit a case', 'enterprise', '#/cases/new'],
];

async function sample(hash, role) {
  const { page, ctx } = await env.newPage({ width: 1280, height: 800 });
  if (role) {
    const s = sessions[role];
    await ctx.addInitScript(([t, u]) => {
      sessionStorage.setItem('symbiont.token', t);
      sessionStorage.setItem('symbiont.user', u);
    }, [s.token, JSON.stringify(s.user)]);
  }
  await page.goto(`${env.base}/${hash}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => performance.getEntriesByName('symbiont:page-ready').length > 0, null, { timeout: 20_000 });
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return { ready: performance.getEntriesByName('symbiont:page-ready')[0].startTime, dcl: nav.domContentLoadedEventEnd };
  });
  await ctx.close();
  return t;
}

async function peer() {
  const { page, ctx } = await env.newPage({ width: 1280, height: 800 });
  await page.goto(`${env.base}/api/docs/`, { waitUntil: 'load' });
  const t = await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
  await ctx.close();
  return t;
}

// One warm-up round (the server's first answers), not counted.
for (const [, role, hash] of pages) await sample(hash, role);
await peer().catch(() => null);

const rows = [];
const peerTimes = [];
for (let i = 0; i < N; i += 1) {
  for (const [name, role, hash] of pages) {
    const t = await sample(hash, role);
    rows.push({ name, ...t });
  }
  const p = await peer().catch(() => null);
  if (p !== null) peerTimes.push(p);
}
await teardown(env);

const peerMed = peerTimes.length ? median(peerTimes) : null;
console.log(`samples per page: ${N} (fresh context each, loopback, ${env.base})`);
console.log('| page | interactive (median) | min | max | DOMContentLoaded (median) | vs Swagger UI load |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name] of pages) {
  const r = rows.filter((x) => x.name === name);
  const ready = r.map((x) => x.ready);
  const m = median(ready);
  console.log(`| ${name} | ${m.toFixed(0)} ms | ${Math.min(...ready).toFixed(0)} | ${Math.max(...ready).toFixed(0)} | ${median(r.map((x) => x.dcl)).toFixed(0)} ms | ${peerMed ? (m / peerMed).toFixed(2) + '×' : '–'} |`);
}
if (peerMed) console.log(`peer: Swagger UI (/api/docs/) load event, median ${peerMed.toFixed(0)} ms over ${peerTimes.length}`);
const worst = Math.max(...pages.map(([name]) => median(rows.filter((x) => x.name === name).map((x) => x.ready))));
console.log(worst <= 1000 ? `every page interactive within 1 s (slowest median ${worst.toFixed(0)} ms)` : `SLOWER THAN 1 s: slowest median ${worst.toFixed(0)} ms`);
