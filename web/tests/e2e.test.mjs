// End-to-end tests of the dashboard: a real `symbiont serve` (started here on a free loopback
// port with a temporary data directory) driven through Debian's headless Chromium by
// playwright-core. Run with `SYMBIONT_BROWSER_TESTS=1 node --test tests/` from web/ (after
// `npm ci`); without the switch every test is skipped with a message.
//
// Environment:
//   SYMBIONT_BROWSER_TESTS=1   run the tests (otherwise skipped)
//   SYMBIONT_BIN               the server binary (default: target/debug/symbiont at the repository root)
//   SYMBIONT_E2E_ARTIFACTS     where screenshots go (default: target/e2e-artifacts/)
//   CHROMIUM                   the browser (default: /usr/bin/chromium)
//   SYMBIONT_E2E_URL + SYMBIONT_E2E_BOOTSTRAP   use a server that is already running instead
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, teardown, signIn, shot, ROLE_NAV, assertLabelled, assertContrast, assertNoSideScroll } from './harness.mjs';

const ENABLED = process.env.SYMBIONT_BROWSER_TESTS === '1';
const SKIP = ENABLED ? false : 'browser tests are off: set SYMBIONT_BROWSER_TESTS=1 (needs chromium and `npm ci` in web/)';
if (!ENABLED) console.log(`# ${SKIP}`);

let env; // { base, browser, users, api, artifacts }

before(async () => {
  if (ENABLED) env = await setup();
}, { timeout: 240_000 });

after(async () => {
  if (env) await teardown(env);
});

test('the sign-in form works with the keyboard alone', { skip: SKIP, timeout: 60_000 }, async () => {
  const { page, ctx } = await env.newPage({ width: 1280, height: 800 });
  await page.goto(`${env.base}/#/signin`);
  await page.waitForSelector('#signin-form');
  // The username has the focus on arrival; Tab walks the form in reading order and Shift+Tab
  // walks back past it to the brand and the skip link (no trap either way).
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'signin-username');
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    return el.id || el.getAttribute('name') || el.tagName.toLowerCase();
  });
  const forward = [];
  for (let i = 0; i < 3; i += 1) {
    await page.keyboard.press('Tab');
    forward.push(await focused());
  }
  assert.deepEqual(forward, ['signin-password', 'signin-submit', 'summary'], 'Tab order');
  const back = [];
  for (let i = 0; i < 5; i += 1) {
    await page.keyboard.press('Shift+Tab');
    back.push(await focused());
  }
  assert.deepEqual(back, ['signin-submit', 'signin-password', 'signin-username', 'brand', 'skip-link'], 'Shift+Tab order');
  // Focus is visible: the focused control draws an outline.
  await page.focus('#signin-username');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is visible');
  await assertLabelled(page, 'sign-in');
  await assertContrast(page, 'sign-in');
  // Wrong password: an alert, and focus back on the password.
  await page.focus('#signin-username');
  await page.keyboard.type(env.users.analyst.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type('not-the-password');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#signin-status [role=alert]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'signin-password');
  await shot(env, page, 'signin-wrong-password');
  // Right password, typed and submitted with the keyboard.
  await page.keyboard.type(env.users.analyst.password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=whoami]');
  assert.match(await page.textContent('[data-testid=whoami]'), /analyst/);
  await ctx.close();
});

test('each role signs in and sees only its pages', { skip: SKIP, timeout: 120_000 }, async () => {
  for (const role of ['admin', 'officer', 'enterprise', 'analyst']) {
    const u = env.users[role];
    const { page, ctx } = await env.newPage({ width: 1280, height: 800 });
    await signIn(env, page, u);
    const nav = await page.$$eval('#nav a', (as) => as.map((a) => a.textContent.trim()));
    assert.deepEqual(nav, ROLE_NAV[role], `navigation of ${role}`);
    assert.match(await page.textContent('[data-testid=whoami]'), new RegExp(`\\(${role}`));
    await page.waitForSelector('main h1');
    await page.waitForFunction(() => !document.querySelector('main .loading'));
    await assertLabelled(page, `${role} start page`);
    await assertContrast(page, `${role} start page`);
    await shot(env, page, `role-${role}-start`);
    // A page outside the role says so instead of showing it.
    if (role !== 'admin') {
      await page.goto(`${env.base}/#/users`);
      await page.waitForSelector('main h1');
      assert.equal((await page.textContent('main h1')).trim(), 'Not available');
    }
    await ctx.close();
  }
});

test('an analyst runs the default study and sees the charts', { skip: SKIP, timeout: 600_000 }, async () => {
  const { page, ctx } = await env.newPage({ width: 1280, height: 800 });
  await signIn(env, page, env.users.analyst);
  await page.goto(`${env.base}/#/studies`);
  await page.waitForSelector('#launch-form input[name=modes]');
  await page.selectOption('#launch-form select[name=scenario_id]', 'default');
  await page.fill('#launch-form input[name=runs]', '4');
  await assertLabelled(page, 'studies');
  await page.click('#launch');
  await page.waitForSelector('#job-state');
  await shot(env, page, 'study-running');
  await page.waitForSelector('#job-state[data-state=succeeded], #job-state[data-state=failed]', { timeout: 540_000 });
  assert.equal(await page.getAttribute('#job-state', 'data-state'), 'succeeded');
  await page.waitForSelector('#charts figure.chart svg');
  const charts = await page.$$eval('#charts figure.chart', (fs) => fs.map((f) => f.dataset.chart));
  assert.ok(charts.length >= 2, `charts drawn: ${charts.join(', ')}`);
  assert.ok(charts.some((c) => / over time$/.test(c)), `a time-series chart is drawn: ${charts.join(', ')}`);
  const lines = await page.$$eval('#charts svg path', (ps) => ps.length);
  assert.ok(lines > 0, 'the charts have lines');
  const modes = await page.$$eval('#compare thead th', (ths) => ths.slice(1).map((t) => t.textContent));
  assert.deepEqual(modes, ['fight alone', 'one way street', 'hub', 'network']);
  await page.waitForSelector('#symbiosis-matrix tbody tr');
  // Network view: cytoscape draws on canvases; a unit can be selected from the keyboard control.
  await page.waitForSelector('#network-canvas canvas', { timeout: 30_000 });
  const firstNode = await page.$eval('#network select[name=node] option:nth-child(2)', (o) => o.value);
  await page.selectOption('#network select[name=node]', firstNode);
  await page.waitForSelector('#network-info h3');
  const layer = await page.$('#flow-layers input[type=checkbox]');
  if (layer) await layer.uncheck();
  await shot(env, page, 'study-result', { fullPage: true });
  // The full HTML report, in a sandboxed frame.
  await page.click('#report-details summary');
  const frame = await page.waitForSelector('#report-details iframe');
  const report = await frame.contentFrame();
  await report.waitForSelector('svg', { timeout: 30_000 });
  assert.ok((await report.$$('svg')).length >= 1, 'the report shows its charts');
  await shot(env, page, 'study-report');
  await ctx.close();
});

test('an analyst runs the planner and sees the facts of `symbiont plan`, shadow prices included', { skip: SKIP, timeout: 600_000 }, async () => {
  const { page, ctx } = await env.newPage({ width: 1280, height: 800 });
  await signIn(env, page, env.users.analyst);
  // Launch a plan job on the default scenario (the gap empty: `symbiont plan`'s default).
  const launch = async (gap) => {
    await page.goto(`${env.base}/#/studies`);
    await page.waitForSelector('#launch-form');
    await page.selectOption('#launch-form select[name=kind]', 'plan');
    await page.selectOption('#launch-form select[name=scenario_id]', 'default');
    if (gap !== undefined) await page.fill('#launch-form input[name=gap]', String(gap));
    await assertLabelled(page, 'studies (plan)');
    await page.click('#launch');
    await page.waitForSelector('#job-state[data-state=succeeded], #job-state[data-state=failed]', { timeout: 540_000 });
    assert.equal(await page.getAttribute('#job-state', 'data-state'), 'succeeded');
    await page.waitForSelector('#plan-result #plan-chart svg');
  };
  // Every park shows its plots, land, workers and complete chains, with units, never "–".
  const checkParks = async () => {
    const rows = await page.$$eval('#plan-parks tbody tr', (trs) => trs.map((tr) => Object.fromEntries(
      [...tr.querySelectorAll('td')].map((td) => [td.dataset.label, td.textContent.trim()]))));
    assert.ok(rows.length >= 1, 'the allocation lists the parks');
    for (const r of rows) {
      for (const k of ['Plots used', 'Land used', 'Workers', 'Complete chains']) {
        assert.ok(r[k] && r[k] !== '–', `park ${r.Park}: ${k} is shown (${JSON.stringify(r)})`);
      }
      assert.match(r['Plots used'], /^\d+ of [\d,.]+$/, `plots used of the park's plots: ${r['Plots used']}`);
      assert.match(r['Land used'], / ha$/, `land in hectares: ${r['Land used']}`);
      assert.match(r.Workers, / of /, `workers of the labour pool: ${r.Workers}`);
    }
    assert.ok(rows.some((r) => r['Complete chains'] !== 'none'), 'some park holds a complete chain');
    for (const id of ['#plan-status', '#plan-limits', '#plan-model', '#plan-flows', '#plan-breakdown']) {
      assert.ok(await page.$(id), `the page shows ${id}`);
    }
    const kpis = await page.$$eval('#plan-result .kpi', (ks) => ks.map((k) => k.textContent));
    assert.ok(kpis.some((k) => /^\d+ of \d+enterprises placed$/.test(k)), `placed of all enterprises: ${kpis}`);
    assert.ok(kpis.some((k) => /^US\$ [\d,]+objective/.test(k)), `the objective in US$: ${kpis}`);
    const flow = await page.$eval('#plan-flows tbody tr td[data-label="Unit cost"]', (td) => td.textContent);
    assert.match(flow, /^US\$ .* per /, `unit costs with their unit: ${flow}`);
  };

  // `symbiont plan`'s defaults: on the pure-Rust backend the plan is heuristic, and, as in the
  // CLI, has no shadow prices; the page says why.
  await launch();
  await checkParks();
  assert.match(await page.textContent('#plan-status'), /no branch and bound/);
  assert.match(await page.textContent('#plan-no-prices'), /No shadow prices: .*heuristic/);
  await shot(env, page, 'plan-result-heuristic', { fullPage: true });

  // At a 1 % gap (`symbiont plan --gap 0.01`) the rounded-LP plan stands and is priced.
  await launch(0.01);
  await checkParks();
  await page.waitForSelector('#plan-result h3:text("Bottlenecks")');
  const prices = await page.$$eval('#plan-prices tbody tr', (trs) => trs.map((tr) => Object.fromEntries(
    [...tr.querySelectorAll('td')].map((td) => [td.dataset.label, td.textContent.trim()]))));
  assert.ok(prices.length >= 1, 'the shadow prices are listed');
  for (const p of prices) {
    assert.match(p['Shadow price'], /^US\$ [\d,.]+ per period per \S/, `a shadow price with its unit: ${JSON.stringify(p)}`);
    assert.match(p['What it means'], /is worth US\$ .* per period/, `the CLI's sentence: ${JSON.stringify(p)}`);
  }
  assert.equal(await page.$('#plan-no-prices'), null, 'no "no shadow prices" note beside them');
  await shot(env, page, 'plan-result', { fullPage: true });
  await ctx.close();
});

test('an analyst edits a scenario (located errors as they type) and imports a CSV with row errors', { skip: SKIP, timeout: 120_000 }, async () => {
  const { page, ctx } = await env.newPage({ width: 1280, height: 800 });
  await signIn(env, page, env.users.analyst);
  await page.goto(`${env.base}/#/scenarios/default`);
  await page.waitForSelector('#validation-summary.notice');
  await assertLabelled(page, 'scenario editor');
  const lines = await page.$eval('#scenario-source', (t) => t.value.split('\n').length);
  // Type a misspelt key at the end: the server's located error appears without saving.
  await page.click('#scenario-source');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nplts = 3\n');
  await page.waitForSelector('#diagnostics li button');
  const where = await page.textContent('#diagnostics li button');
  assert.match(where, /^Line \d+, column \d+$/);
  assert.ok(Number(where.match(/Line (\d+)/)[1]) >= lines, `the error is located on the new line (${where})`);
  await page.click('#diagnostics li button');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'scenario-source');
  await shot(env, page, 'scenario-editor-error');
  // The form view writes the levers into the text.
  await page.$eval('#scenario-source', (t) => {
    t.value = t.value.replace(/\nplts = 3\n/, '\n');
    t.dispatchEvent(new Event('input'));
  });
  await page.fill('#form-view input[name=form_runs]', '7');
  await page.click('#apply-form');
  assert.match(await page.$eval('#scenario-source', (t) => t.value), /^runs = 7/m);
  await page.waitForSelector('#validation-summary.ok');
  // CSV import: one bad row, and nothing imported.
  await page.goto(`${env.base}/#/registry/import`);
  await page.waitForSelector('#import-form');
  await assertLabelled(page, 'import');
  const header = await page.$eval('#import-form textarea', (t) => t.value.trim());
  const cols = header.split(',').length;
  const good = ['e2e-good', 'university', 'Good University', 'home', ...Array(cols - 4).fill('')].join(',');
  const bad = ['e2e-bad', 'not_a_kind', 'Bad', 'sideways', ...Array(cols - 4).fill('')].join(',');
  await page.fill('#import-form textarea', `${header}\n${good}\n${bad}\n`);
  await page.click('#import-form button[type=submit]');
  await page.waitForSelector('#import-status [role=alert]');
  await page.waitForSelector('#import-errors tbody tr');
  const rows = await page.$$eval('#import-errors tbody tr td:first-child', (tds) => tds.map((t) => t.textContent.trim()));
  assert.ok(rows.includes('3'), `the bad row (line 3) is listed: ${rows.join(', ')}`);
  await shot(env, page, 'registry-import-errors');
  const r = await env.api('GET', '/entities/e2e-good', undefined, env.adminToken);
  assert.equal(r.status, 404, 'all or nothing: the good row was not imported');
  await ctx.close();
});

test('a case is submitted, decided by the departments and approved on the board', { skip: SKIP, timeout: 300_000 }, async () => {
  // The enterprise submits.
  const ent = await env.newPage({ width: 1280, height: 800 });
  await signIn(env, ent.page, env.users.enterprise);
  await ent.page.goto(`${env.base}/#/cases/new`);
  await ent.page.waitForSelector('#submit-form');
  await assertLabelled(ent.page, 'submit');
  await ent.page.fill('#submit-form input[name=title]', 'Cassava starch plant, phase 1');
  await ent.page.fill('#submit-form input[name=capital_usd]', '2500000');
  await ent.page.fill('#submit-form input[name=jobs]', '120');
  await ent.page.fill('#submit-form input[name=sector]', 'agro_processing');
  await ent.page.fill('#submit-form textarea[name=description]', 'A starch line with local cassava growers.');
  await shot(env, ent.page, 'case-submit');
  await ent.page.click('#submit-case');
  await ent.page.waitForSelector('#case-state');
  const caseId = decodeURIComponent((await ent.page.evaluate(() => location.hash)).split('/').pop());
  env.caseId = caseId;
  assert.equal(await ent.page.getAttribute('#case-state', 'data-state'), 'in_review');
  const departments = await ent.page.$$eval('[data-task-state]', (els) => els.map((e) => e.dataset.taskState));
  assert.ok(departments.length >= 2, `the case went to ${departments.length} departments`);
  await shot(env, ent.page, 'case-submitted');

  // Every department's officer approves from the inbox (at least two different officers act).
  const acted = new Set();
  for (const dep of departments) {
    const officer = env.users.officers[dep];
    assert.ok(officer, `an officer exists for ${dep}`);
    const o = await env.newPage({ width: 1280, height: 800 });
    await signIn(env, o.page, officer);
    await o.page.waitForSelector('#inbox-list li, #inbox-empty');
    const item = `#inbox-list li[data-case="${caseId}"]`;
    await o.page.waitForSelector(item);
    if (acted.size === 0) {
      await assertLabelled(o.page, 'inbox');
      await shot(env, o.page, 'officer-inbox');
    }
    await o.page.fill(`${item} textarea[name=note]`, `Approved by ${dep}.`);
    await o.page.click(`${item} button[data-action=approve]`);
    await o.page.waitForSelector(`${item} .notice.ok`);
    acted.add(officer.username);
    await o.ctx.close();
  }
  assert.ok(acted.size >= 2, 'at least two departments decided');

  // The enterprise sees it approved.
  await ent.page.reload();
  await ent.page.waitForSelector('#case-state[data-state=approved]');
  await shot(env, ent.page, 'case-approved');
  await ent.ctx.close();

  // The admin's board lists it as approved, with its time to decision.
  const adm = await env.newPage({ width: 1280, height: 800 });
  await signIn(env, adm.page, env.users.admin);
  await adm.page.goto(`${env.base}/#/board`);
  await adm.page.waitForSelector(`[data-case-state="${caseId}"]`);
  assert.match(await adm.page.textContent(`[data-case-state="${caseId}"]`), /approved/);
  assert.notEqual((await adm.page.textContent('#kpi-approved .v')).trim(), '0');
  await adm.page.waitForSelector('#kpi-decision');
  await assertContrast(adm.page, 'board');
  await shot(env, adm.page, 'admin-board', { fullPage: true });
  await adm.ctx.close();
});

test("an enterprise cannot open another enterprise's case by URL", { skip: SKIP, timeout: 60_000 }, async () => {
  const caseId = env.caseId || (await env.submitCaseByApi());
  const { page, ctx } = await env.newPage({ width: 1280, height: 800 });
  await signIn(env, page, env.users.enterprise2);
  await page.goto(`${env.base}/#/cases/${encodeURIComponent(caseId)}`);
  await page.waitForSelector('.not-found h1');
  assert.equal((await page.textContent('.not-found h1')).trim(), 'Case not found');
  assert.equal(await page.$('#case-state'), null, 'nothing of the case is shown');
  await shot(env, page, 'case-not-found');
  // Nor is it listed among its cases.
  await page.goto(`${env.base}/#/cases`);
  await page.waitForSelector('#cases-list :is(table, p)');
  assert.equal(await page.$(`a[href="#/cases/${encodeURIComponent(caseId)}"]`), null);
  await ctx.close();
});

test('pages stay usable at a phone width (375 px)', { skip: SKIP, timeout: 120_000 }, async () => {
  const { page, ctx } = await env.newPage({ width: 375, height: 740 }, { isMobile: true, hasTouch: true });
  await page.goto(`${env.base}/#/signin`);
  await page.waitForSelector('#signin-form');
  await assertNoSideScroll(page, 'sign-in');
  await shot(env, page, 'phone-signin');
  await signIn(env, page, env.users.enterprise);
  for (const [hash, name] of [['#/cases', 'cases'], ['#/cases/new', 'submit']]) {
    await page.goto(`${env.base}/${hash}`);
    await page.waitForSelector('main h1');
    await page.waitForFunction(() => !document.querySelector('main .loading'));
    await assertNoSideScroll(page, name);
    await assertLabelled(page, name);
    await shot(env, page, `phone-${name}`, { fullPage: true });
  }
  await ctx.close();
  const adm = await env.newPage({ width: 375, height: 740 }, { isMobile: true, hasTouch: true });
  await signIn(env, adm.page, env.users.admin);
  await adm.page.goto(`${env.base}/#/board`);
  await adm.page.waitForSelector('#board-list :is(table, p)');
  await assertNoSideScroll(adm.page, 'board');
  await shot(env, adm.page, 'phone-board', { fullPage: true });
  await adm.ctx.close();
});
