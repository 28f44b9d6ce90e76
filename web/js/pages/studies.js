// Studies: launch a job (simulate, plan or fit) on a stored scenario, and the list of jobs.
import { api, listAll, query } from '../api.js';
import { h, field, select, table, badge, fmtDate, errorBox, replace, loading, link, nextId, who } from '../ui.js';
import { modesOf } from '../toml.js';

export async function render(ctx) {
  const { root } = ctx;
  const launchBox = h('div', null, loading());
  const jobsBox = h('div', { id: 'jobs-list' }, loading());
  root.append(h('h1', null, 'Studies'), h('h2', null, 'Launch a study'), launchBox, h('h2', null, 'Jobs'), jobsBox);

  let scenarios = [];
  try {
    scenarios = await listAll('/scenarios');
  } catch (e) {
    replace(launchBox, errorBox(e, 'Could not load the scenarios'));
  }
  if (scenarios.length) replace(launchBox, launchForm(ctx, scenarios));
  else if (!launchBox.querySelector('.error')) replace(launchBox, h('p', { class: 'muted' }, 'No scenario is stored yet.'));

  let timer = null;
  const refresh = async () => {
    try {
      const page = await api.get(`/jobs${query({ limit: 50 })}`);
      const items = page.items || [];
      replace(
        jobsBox,
        table(
          [
            { label: 'Job', value: (j) => link(`${j.kind} ${String(j.id).slice(0, 8)}`, `#/studies/${encodeURIComponent(j.id)}`) },
            { label: 'Scenario', value: (j) => `${j.scenario_id} v${j.version ?? '?'}` },
            { label: 'State', value: (j) => badge(j.state) },
            { label: 'Progress', value: (j) => (j.progress && j.progress.total ? `${j.progress.done} / ${j.progress.total}` : '–'), class: 'num' },
            { label: 'Created', value: (j) => fmtDate(j.created_at) },
            { label: 'By', value: (j) => who(j.created_by) },
          ],
          items,
          { caption: `${page.total ?? items.length} job(s), newest first`, empty: 'No job yet: launch one above.' },
        ),
      );
      const active = items.some((j) => j.state === 'queued' || j.state === 'running');
      clearTimeout(timer);
      if (active && ctx.seq()) timer = setTimeout(refresh, 2000);
    } catch (e) {
      replace(jobsBox, errorBox(e, 'Could not load the jobs'));
    }
  };
  await refresh();
  return () => clearTimeout(timer);
}

function launchForm(ctx, scenarios) {
  const kind = select([['simulate', 'Simulate (compare modes)'], ['plan', 'Plan (who goes to which park)'], ['fit', 'Fit the dynamics']], { name: 'kind' });
  const scenario = select(scenarios.map((s) => [s.id, `${s.name || s.id} (v${s.latest_version})`]), { name: 'scenario_id', value: ctx.query.get('scenario') || 'default' });
  const runs = h('input', { name: 'runs', type: 'number', min: '1', max: '100000', step: '1', placeholder: 'scenario default', inputmode: 'numeric' });
  const periods = h('input', { name: 'periods', type: 'number', min: '1', max: '500', step: '1', placeholder: 'scenario default', inputmode: 'numeric' });
  const seed = h('input', { name: 'seed', type: 'number', min: '0', step: '1', placeholder: 'scenario default', inputmode: 'numeric' });
  const modesBox = h('fieldset', { id: 'modes-fieldset' }, h('legend', null, 'Modes to compare'), loading('Reading the scenario…'));
  const timeLimit = h('input', { name: 'time_limit_s', type: 'number', min: '1', step: '1', placeholder: '30 (as symbiont plan)' });
  const gap = h('input', { name: 'gap', type: 'number', min: '0', max: '1', step: '0.001', placeholder: '0.001 (as symbiont plan)' });
  const units = h('input', { name: 'units', placeholder: 'e.g. lao_gdp_usd, chn_gdp_usd' });
  const form_ = h('input', { name: 'form', placeholder: 'server default' });
  const method = h('input', { name: 'method', placeholder: 'server default' });
  const status = h('div', { id: 'launch-status' });

  const simPart = h('div', null, h('div', { class: 'row' }, field('Runs per mode', runs), field('Periods (horizon)', periods), field('Seed', seed)), modesBox);
  const planPart = h('div', { hidden: true }, h('div', { class: 'row' }, field('Time limit (s)', timeLimit), field('Relative gap', gap)));
  const fitPart = h('div', { hidden: true }, h('div', { class: 'row' }, field('Series (comma-separated)', units), field('Form', form_, { hint: 'F1, F2 or F3' }), field('Method', method, { hint: 'E1, E2 or E4' })));
  const showPart = () => {
    simPart.hidden = kind.value !== 'simulate';
    planPart.hidden = kind.value !== 'plan';
    fitPart.hidden = kind.value !== 'fit';
  };
  kind.addEventListener('change', showPart);

  const loadModes = async () => {
    try {
      const sc = await api.get(`/scenarios/${encodeURIComponent(scenario.value)}`);
      const { all, compare } = modesOf(sc.source || '');
      replace(
        modesBox,
        h('legend', null, 'Modes to compare'),
        all.map((m) => {
          const id = nextId('mode');
          return h('div', { class: 'field inline' }, h('input', { type: 'checkbox', id, name: 'modes', value: m, checked: compare.includes(m) }), h('label', { for: id }, m.replace(/_/g, ' ')));
        }),
      );
    } catch (e) {
      replace(modesBox, h('legend', null, 'Modes to compare'), errorBox(e, 'Could not read the scenario'));
    }
  };
  scenario.addEventListener('change', loadModes);
  loadModes();

  const int = (el) => (el.value === '' ? undefined : Math.round(Number(el.value)));
  const num = (el) => (el.value === '' ? undefined : Number(el.value));
  const form = h(
    'form',
    { class: 'card', id: 'launch-form' },
    h('div', { class: 'row' }, field('Kind', kind), field('Scenario', scenario)),
    simPart,
    planPart,
    fitPart,
    h('button', { type: 'submit', id: 'launch' }, 'Launch'),
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    let params = {};
    if (kind.value === 'simulate') {
      const modes = [...modesBox.querySelectorAll('input[name=modes]:checked')].map((i) => i.value);
      if (!modes.length && modesBox.querySelector('input[name=modes]')) {
        replace(status, h('div', { class: 'error', role: 'alert' }, 'Choose at least one mode.'));
        return;
      }
      params = { runs: int(runs), periods: int(periods), seed: int(seed), modes: modes.length ? modes : undefined };
    } else if (kind.value === 'plan') params = { time_limit_s: num(timeLimit), gap: num(gap) };
    else {
      const u = units.value.split(',').map((x) => x.trim()).filter(Boolean);
      params = { units: u.length ? u : undefined, form: form_.value.trim() || undefined, method: method.value.trim() || undefined };
    }
    params = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    replace(status, h('p', { role: 'status' }, 'Launching…'));
    try {
      const job = await api.post('/jobs', { kind: kind.value, scenario_id: scenario.value, params });
      ctx.announce('Study launched');
      ctx.navigate(`#/studies/${encodeURIComponent(job.id)}`);
    } catch (err) {
      replace(status, errorBox(err, 'The study was not launched'));
    }
  });
  showPart();
  return form;
}
