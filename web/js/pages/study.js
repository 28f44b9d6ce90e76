// One job: live progress (streamed events, polling as the fallback), then its result: for a
// simulation the comparison of modes, the charts, the symbiosis matrix, the network view and the
// full HTML report; for a plan the allocation per park and the bottlenecks; for a fit its numbers.
import { api, followJob } from '../api.js';
import { h, table, badge, fmtDate, fmtNum, errorBox, replace, loading, notFound, link, button, words, nextId, who } from '../ui.js';
import { lineChart, intervalChart, PALETTE } from '../charts.js';
import { renderPlan } from './planner.js';
import { sectorIds } from '../toml.js';

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

export async function render(ctx) {
  const { root, params } = ctx;
  const id = params.id;
  root.append(loading());
  let job;
  try {
    job = await api.get(`/jobs/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e.status === 404) {
      replace(root, notFound('Study', '#/studies', 'Back to the studies'));
      return undefined;
    }
    replace(root, h('h1', null, 'Study'), errorBox(e, 'Could not load the job'));
    return undefined;
  }

  const stateEl = h('span', { id: 'job-state' });
  const bar = h('progress', { id: 'job-progress', max: '1', value: '0', 'aria-label': 'Progress of the study' });
  const progText = h('span', { id: 'job-progress-text', 'aria-live': 'polite' });
  const cancelBtn = button('Cancel the study', cancel, { class: 'secondary', id: 'job-cancel' });
  const errBox = h('div');
  const resultBox = h('div', { id: 'job-result' });
  const via = h('small', { class: 'muted', id: 'job-via' });
  replace(
    root,
    h('p', null, link('← Studies', '#/studies')),
    h('h1', null, `${job.kind === 'plan' ? 'Plan' : job.kind === 'fit' ? 'Fit' : 'Study'} ${String(job.id).slice(0, 8)}`),
    h(
      'dl',
      { class: 'props card' },
      h('dt', null, 'Scenario'), h('dd', null, link(`${job.scenario_id} v${job.version ?? '?'}`, `#/scenarios/${encodeURIComponent(job.scenario_id)}`)),
      h('dt', null, 'Parameters'), h('dd', null, h('code', null, JSON.stringify(job.params || {}))),
      h('dt', null, 'Created'), h('dd', null, `${fmtDate(job.created_at)} by ${who(job.created_by)}`),
      h('dt', null, 'State'), h('dd', null, stateEl),
      h('dt', null, 'Progress'), h('dd', null, bar, ' ', progText, ' ', via),
    ),
    h('div', { class: 'actions' }, cancelBtn),
    errBox,
    resultBox,
  );

  let current = { ...job };
  let shown = false;
  const update = (u, source) => {
    if (u.error && !u.state && !u.progress) return; // a failed poll: keep the last state
    current = { ...current, ...u, progress: u.progress || current.progress };
    replace(stateEl, badge(current.state));
    stateEl.dataset.state = current.state;
    const p = current.progress || {};
    if (p.total) {
      bar.max = String(p.total);
      bar.value = String(p.done || 0);
      progText.textContent = `${p.done || 0} of ${p.total} runs`;
    } else if (current.state === 'succeeded') {
      bar.max = '1';
      bar.value = '1';
    }
    if (FINAL.has(current.state)) via.textContent = '';
    else if (source === 'stream') via.textContent = '(live)';
    else if (source === 'poll') via.textContent = '(refreshed every second)';
    cancelBtn.hidden = FINAL.has(current.state);
    if (current.state === 'failed') replace(errBox, errorBox({ message: current.error || 'the job failed' }, 'The study failed'));
    if (current.state === 'succeeded' && !shown) {
      shown = true;
      ctx.announce('The study has finished');
      showResult(current, resultBox, ctx);
    }
  };
  update(job, null);
  let stop = () => {};
  if (!FINAL.has(job.state)) stop = followJob(job.id, update);

  async function cancel() {
    try {
      update(await api.post(`/jobs/${encodeURIComponent(job.id)}/cancel`), 'poll');
    } catch (e) {
      replace(errBox, errorBox(e, 'Could not cancel'));
    }
  }
  return () => stop();
}

async function showResult(job, box, ctx) {
  replace(box, loading('Loading the result…'));
  let result;
  try {
    result = await api.get(`/jobs/${encodeURIComponent(job.id)}/result`);
  } catch (e) {
    replace(box, errorBox(e, 'Could not load the result'));
    return;
  }
  if (!ctx.seq()) return;
  if (job.kind === 'plan') {
    // Sector names for the plan's sector numbers come from the scenario version it ran on.
    let sectors = [];
    try {
      const v = await api.get(`/scenarios/${encodeURIComponent(job.scenario_id)}/versions/${encodeURIComponent(job.version)}`);
      sectors = sectorIds(v.source || '');
    } catch {
      /* numbered sectors then */
    }
    if (ctx.seq()) replace(box, renderPlan(result, { sectors }));
  }
  else if (job.kind === 'fit') replace(box, h('h2', null, 'Fit'), h('pre', { class: 'card', tabindex: '0' }, JSON.stringify(result, null, 2)));
  else replace(box, renderSimulation(job, result));
}

function renderSimulation(job, r) {
  const modes = (r.modes || []).map((m) => m.mode);
  const color = new Map(modes.map((m, i) => [m, PALETTE[i % PALETTE.length]]));
  const metricNames = [...new Set((r.modes || []).flatMap((m) => Object.keys(m.metrics || {})))];
  const visible = new Set(modes);

  // Mode filter: the comparison and every chart follow it.
  const chartsBox = h('div', { id: 'charts' });
  const compareBox = h('div', { id: 'compare' });
  const filter = h(
    'fieldset',
    { id: 'mode-filter' },
    h('legend', null, 'Modes shown'),
    modes.map((m) => {
      const id = nextId('show');
      const cb = h('input', { type: 'checkbox', id, value: m, checked: true });
      cb.addEventListener('change', () => {
        if (cb.checked) visible.add(m);
        else visible.delete(m);
        draw();
      });
      return h('div', { class: 'field inline' }, cb, h('label', { for: id }, h('span', { style: `color:${color.get(m)}`, 'aria-hidden': 'true' }, '■ '), words(m)));
    }),
  );

  function draw() {
    const shownModes = modes.filter((m) => visible.has(m));
    const rows = (r.modes || []).filter((m) => visible.has(m.mode));
    replace(
      compareBox,
      table(
        [
          { label: 'Outcome', value: (name) => words(name) },
          ...rows.map((m) => ({
            label: words(m.mode),
            class: 'num',
            value: (name) => {
              const v = (m.metrics || {})[name];
              return v ? h('span', null, fmtNum(v.mean), h('br'), h('small', { class: 'muted' }, `[${fmtNum(v.lo)}, ${fmtNum(v.hi)}]`)) : '–';
            },
          })),
        ],
        metricNames,
        { caption: 'Outcomes by mode: mean and its interval', empty: 'The result has no outcome.' },
      ),
    );
    const figs = [];
    const byModeFigs = [];
    for (const [metric, byMode] of Object.entries(r.series || {})) {
      const series = shownModes
        .filter((m) => byMode[m])
        .map((m) => ({ name: words(m), color: color.get(m), points: byMode[m].map((p) => ({ x: p.period, y: p.mean, lo: p.lo, hi: p.hi })) }));
      if (series.length) figs.push(lineChart({ title: `${words(metric)} over time`, series, xLabel: 'period', yLabel: words(metric) }));
    }
    for (const name of metricNames) {
      const bars = rows
        .filter((m) => m.metrics && m.metrics[name])
        .map((m) => ({ name: words(m.mode), color: color.get(m.mode), ...m.metrics[name] }));
      if (bars.length) byModeFigs.push(intervalChart({ title: `${words(name)} by mode`, rows: bars }));
    }
    replace(
      chartsBox,
      figs.length ? [h('h3', null, 'Each outcome over time (mean and band)'), h('div', { class: 'charts' }, figs)] : null,
      byModeFigs.length ? [h('h3', null, 'Each outcome by mode (mean and interval)'), h('div', { class: 'charts' }, byModeFigs)] : null,
      figs.length || byModeFigs.length ? null : h('p', { class: 'muted' }, 'No series to draw for the chosen modes.'),
    );
  }
  draw();

  const reportBox = h('div');
  const details = h('details', { class: 'card', id: 'report-details' }, h('summary', null, 'The full HTML report (every chart of the run folder)'), reportBox);
  details.addEventListener('toggle', async () => {
    if (!details.open || reportBox.dataset.loaded) return;
    reportBox.dataset.loaded = '1';
    replace(reportBox, loading('Loading the report…'));
    try {
      // The report needs the bearer token, which an <iframe src> cannot send: fetch it, then show
      // it in a sandboxed frame (scripts allowed, no access to this page or its storage).
      const html = await api.get(`/jobs/${encodeURIComponent(job.id)}/report`);
      const frame = h('iframe', { class: 'report-frame', title: 'HTML report of the study', sandbox: 'allow-scripts' });
      frame.srcdoc = typeof html === 'string' ? html : JSON.stringify(html);
      replace(reportBox, frame);
    } catch (e) {
      replace(reportBox, errorBox(e, 'Could not load the report'));
    }
  });

  const netBox = h('div', { id: 'network' });
  const net = r.network;
  if (net && net.nodes && net.nodes.length) {
    import('../network.js')
      .then((m) => m.networkView(netBox, net))
      .catch((e) => replace(netBox, errorBox(e, 'The network view could not start')));
  } else replace(netBox, h('p', { class: 'muted' }, 'The result has no network.'));

  return h(
    'div',
    null,
    h('h2', null, 'Compare the modes'),
    filter,
    compareBox,
    h('h2', null, 'Charts'),
    chartsBox,
    h('h2', null, 'Symbiosis matrix'),
    symbiosisMatrix(r.symbiosis || [], modes),
    h('h2', null, 'Network'),
    netBox,
    h('h2', null, 'Report'),
    details,
  );
}

// Modes × pairs of unit kinds: each cell names the symbiosis mode of the pair (by M12) with the
// two benefits, coloured by the mode and spelled out in text.
const MICRO_COLOURS = {
  mutualism: '#d6f0e0',
  symmetric_mutualism: '#c2e8d1',
  asymmetric_mutualism: '#e0f3e8',
  commensalism: '#e2ecf9',
  parasitism: '#fbe1de',
  competition: '#fdecd2',
  neutralism: '#f1f1f1',
  amensalism: '#f6e4f0',
};
function symbiosisMatrix(rows, modes) {
  if (!rows.length) return h('p', { class: 'muted' }, 'The result has no symbiosis table.');
  const pairName = (p) => (Array.isArray(p) ? p.join(' – ') : String(p));
  const pairs = [...new Set(rows.map((x) => pairName(x.pair)))];
  const cell = new Map(rows.map((x) => [`${x.mode}|${pairName(x.pair)}`, x]));
  return h(
    'div',
    { class: 'table-wrap keep-table', tabindex: '0', role: 'region', 'aria-label': 'Symbiosis matrix' },
    h(
      'table',
      { class: 'matrix', id: 'symbiosis-matrix' },
      h('caption', null, 'Symbiosis mode of each pair of unit kinds, by mode of organisation (benefit to the first, to the second)'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Pair'), modes.map((m) => h('th', { scope: 'col' }, words(m))))),
      h(
        'tbody',
        null,
        pairs.map((p) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, words(p)),
            modes.map((m) => {
              const x = cell.get(`${m}|${p}`);
              if (!x) return h('td', null, '–');
              const key = String(x.micro_mode || '').toLowerCase();
              return h(
                'td',
                { style: `background:${MICRO_COLOURS[key] || '#fff'}` },
                words(x.micro_mode),
                h('br'),
                h('small', null, `${fmtNum(x.benefit_a)}, ${fmtNum(x.benefit_b)}`),
              );
            }),
          ),
        ),
      ),
    ),
  );
}
