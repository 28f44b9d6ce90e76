// The scenario editor. The TOML is validated by the server as the user types (POST
// /api/scenarios/validate, 300 ms after the last key, earlier requests aborted); each located
// problem is listed and a click (or Enter) puts the caret on it. The form view sets the common
// levers (modes compared, runs, horizon, seed, a custom mode) by editing the same text. Saving
// stores a new version; older versions can be opened and copied back.
import { api } from '../api.js';
import { h, field, select, table, fmtDate, errorBox, replace, loading, notFound, link, notice, nextId, words, who } from '../ui.js';
import { readStudy, writeStudy, modesOf, appendMode, PRESETS } from '../toml.js';

const LEVERS = {
  site_choice: ['scattered', 'near_hubs', 'designated', 'planned'],
  cohort: ['true', 'false'],
  approvals: ['serial', 'one_window'],
  finance: ['individual', 'home_bank', 'hub_market', 'coordinated'],
  talent_technology: ['none', 'expatriates', 'market', 'partners'],
  host_training: ['true', 'false'],
  intermediaries: ['ad_hoc', 'trading_houses', 'market', 'cultivated'],
  information_sharing: ['none', 'group', 'hub', 'network'],
  profit: ['repatriated', 'hub_recycled', 'reinvested'],
};

export async function render(ctx) {
  const { root, params, user } = ctx;
  const isNew = params.id === 'new';
  const canWrite = user.role === 'admin' || user.role === 'analyst';
  const wantVersion = ctx.query.get('version');
  root.append(loading());

  let sc = null;
  let versions = [];
  try {
    if (isNew) {
      const d = await api.get('/scenarios/default').catch(() => null);
      sc = { id: null, name: '', version: 0, source: d ? d.source : '[scenario]\nname = "new"\n' };
    } else {
      sc = wantVersion
        ? await api.get(`/scenarios/${encodeURIComponent(params.id)}/versions/${encodeURIComponent(wantVersion)}`)
        : await api.get(`/scenarios/${encodeURIComponent(params.id)}`);
      const v = await api.get(`/scenarios/${encodeURIComponent(params.id)}/versions`).catch(() => []);
      versions = Array.isArray(v) ? v : v.items || [];
    }
  } catch (e) {
    if (e.status === 404) replace(root, notFound('Scenario', '#/scenarios', 'Back to the scenarios'));
    else replace(root, h('h1', null, 'Scenario'), errorBox(e, 'Could not load the scenario'));
    return undefined;
  }

  const editor = h('textarea', { class: 'code', name: 'source', spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off', wrap: 'off', readonly: !canWrite, 'aria-describedby': 'editor-pos validation-summary' });
  editor.value = sc.source || '';
  const pos = h('p', { class: 'hint', id: 'editor-pos', 'aria-live': 'off' }, 'Line 1, column 1');
  const summary = h('p', { id: 'validation-summary', role: 'status' }, '');
  const diagList = h('ul', { class: 'diagnostics', id: 'diagnostics' });
  const status = h('div', { id: 'save-status' });
  const nameInput = h('input', { name: 'name', value: sc.name || '', required: true });

  // Caret position, so that a diagnostic's line:column can be found by eye too.
  const updatePos = () => {
    const before = editor.value.slice(0, editor.selectionStart);
    const line = before.split('\n').length;
    const col = editor.selectionStart - before.lastIndexOf('\n');
    pos.textContent = `Line ${line}, column ${col}`;
  };
  editor.addEventListener('keyup', updatePos);
  editor.addEventListener('click', updatePos);
  // Tab inserts two spaces; Escape then Tab leaves the editor (no keyboard trap).
  let escaped = false;
  editor.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      escaped = true;
      return;
    }
    if (e.key === 'Tab' && !e.shiftKey && !escaped && !editor.readOnly) {
      e.preventDefault();
      editor.setRangeText('  ', editor.selectionStart, editor.selectionEnd, 'end');
      editor.dispatchEvent(new Event('input'));
    }
    if (e.key !== 'Tab') escaped = false;
  });

  const goTo = (line, column) => {
    const lines = editor.value.split('\n');
    let off = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i += 1) off += lines[i].length + 1;
    off += Math.max(0, (column || 1) - 1);
    editor.focus();
    editor.setSelectionRange(off, off);
    const lh = parseFloat(getComputedStyle(editor).lineHeight) || 18;
    editor.scrollTop = Math.max(0, (line - 5) * lh);
    updatePos();
  };

  let ctrl = null;
  let timer = null;
  let lastOk = null;
  const validate = async () => {
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    summary.textContent = 'Checking…';
    try {
      const res = await api.post('/scenarios/validate', { source: editor.value }, { signal: ctrl.signal });
      const diags = res.diagnostics || [];
      lastOk = res.ok;
      summary.textContent = res.ok ? (diags.length ? `Valid, with ${diags.length} note(s).` : 'Valid.') : `${diags.length} problem(s).`;
      summary.className = res.ok ? 'notice ok' : 'notice warn';
      replace(
        diagList,
        diags.map((d) =>
          h(
            'li',
            { class: d.severity === 'warning' ? 'warning' : '' },
            h('button', { type: 'button', onclick: () => goTo(d.line, d.column) }, `Line ${d.line}, column ${d.column}`),
            d.code ? [' ', h('code', null, d.code)] : null,
            h('div', null, d.message),
            d.help ? h('small', { class: 'muted' }, d.help) : null,
          ),
        ),
      );
      formView.refresh();
    } catch (e) {
      if (e.name === 'AbortError') return;
      summary.textContent = `Could not check: ${e.message}`;
      summary.className = 'notice warn';
    }
  };
  editor.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(validate, 300);
  });

  const formView = makeFormView(editor, () => {
    clearTimeout(timer);
    validate();
  });

  const save = async (e) => {
    e.preventDefault();
    if (lastOk === false) {
      replace(status, h('div', { class: 'error', role: 'alert' }, 'Fix the problems listed before saving.'));
      return;
    }
    try {
      if (isNew) {
        if (!nameInput.value.trim()) {
          replace(status, h('div', { class: 'error', role: 'alert' }, 'Give the scenario a name.'));
          nameInput.focus();
          return;
        }
        const created = await api.post('/scenarios', { name: nameInput.value.trim(), source: editor.value });
        ctx.navigate(`#/scenarios/${encodeURIComponent(created.id)}`);
      } else {
        const v = await api.put(`/scenarios/${encodeURIComponent(sc.id)}`, { source: editor.value });
        ctx.announce(`Saved as version ${v.version}`);
        ctx.navigate(`#/scenarios/${encodeURIComponent(sc.id)}?saved=${v.version}`);
      }
    } catch (err) {
      replace(status, errorBox(err, 'Not saved'));
      if (err.diagnostics && err.diagnostics.length) validate();
    }
  };

  const viewingOld = wantVersion && versions.length && Number(wantVersion) !== Number(versions[0].version);
  replace(
    root,
    h('p', null, link('← Scenarios', '#/scenarios')),
    h('h1', null, isNew ? 'New scenario' : `${sc.name || sc.id}, version ${sc.version}`),
    ctx.query.get('saved') ? notice(`Saved as version ${ctx.query.get('saved')}.`, 'ok') : null,
    viewingOld ? notice(`You are looking at an older version. Saving stores it as a new version.`, 'warn') : null,
    !canWrite ? notice('Read only: your role cannot change scenarios.') : null,
    h(
      'form',
      { id: 'scenario-form', onsubmit: save },
      isNew ? field('Name', nameInput) : null,
      h(
        'div',
        { class: 'editor-wrap' },
        h('div', null, field('Scenario (TOML)', editor, { id: 'scenario-source' }), pos, canWrite ? h('p', { class: 'hint' }, 'Tab indents; press Escape, then Tab, to leave the editor.') : null),
        h(
          'div',
          null,
          h('h2', null, 'Checks'),
          summary,
          diagList,
          canWrite ? formView.el : null,
        ),
      ),
      canWrite ? h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'save-scenario' }, isNew ? 'Create the scenario' : 'Save as a new version'), !isNew ? link('Study this scenario', `#/studies?scenario=${encodeURIComponent(sc.id)}`, { class: 'button secondary' }) : null) : null,
      status,
    ),
    !isNew
      ? [
          h('h2', null, 'Versions'),
          table(
            [
              { label: 'Version', value: (v) => link(`v${v.version}`, `#/scenarios/${encodeURIComponent(sc.id)}?version=${v.version}`), class: 'num' },
              { label: 'Saved', value: (v) => fmtDate(v.created_at) },
              { label: 'By', value: (v) => who(v.created_by) },
            ],
            versions,
            { caption: 'Every version, newest first', empty: 'No versions.' },
          ),
        ]
      : null,
  );
  validate();
  return () => {
    clearTimeout(timer);
    if (ctrl) ctrl.abort();
  };
}

// The form view of the common levers. It reads the text on each refresh and writes the text on
// "Apply", so the editor stays the single source.
function makeFormView(editor, changed) {
  const runs = h('input', { type: 'number', min: '1', step: '1', name: 'form_runs', inputmode: 'numeric' });
  const horizon = h('input', { type: 'number', min: '1', step: '1', name: 'form_horizon', inputmode: 'numeric' });
  const seed = h('input', { type: 'number', min: '0', step: '1', name: 'form_seed', inputmode: 'numeric' });
  const modes = h('div', { id: 'form-modes' });
  const applied = h('div');
  const el = h(
    'fieldset',
    { class: 'card', id: 'form-view' },
    h('legend', null, 'Form view: common levers'),
    h('div', { class: 'row' }, field('Runs per mode', runs), field('Horizon (periods)', horizon), field('Seed', seed)),
    h('fieldset', null, h('legend', null, 'Modes compared'), modes),
    h('button', { type: 'button', class: 'secondary', id: 'apply-form', onclick: apply }, 'Apply to the text'),
    applied,
  );

  // A custom mode from a preset base and a few levers.
  const mId = h('input', { name: 'mode_id', pattern: '[a-z0-9_]+', placeholder: 'e.g. network_serial' });
  const mName = h('input', { name: 'mode_name' });
  const mBase = select(PRESETS.map((p) => [p, words(p)]), { name: 'mode_base', value: 'network' });
  const leverSel = Object.fromEntries(Object.entries(LEVERS).map(([k, vals]) => [k, select([['', '(as the base)'], ...vals.map((v) => [v, words(v)])], { name: `lever_${k}` })]));
  el.append(
    h(
      'details',
      null,
      h('summary', null, 'Add a custom mode'),
      h('div', { class: 'row' }, field('Mode id', mId, { hint: 'lower case, digits and _' }), field('Mode name', mName), field('Base preset', mBase)),
      h('div', { class: 'row' }, Object.entries(leverSel).map(([k, s]) => field(words(k), s))),
      h('button', { type: 'button', class: 'secondary', onclick: addMode }, 'Add the mode'),
    ),
  );

  function refresh() {
    const st = readStudy(editor.value);
    if (document.activeElement !== runs) runs.value = st.runs ?? '';
    if (document.activeElement !== horizon) horizon.value = st.horizon_periods ?? '';
    if (document.activeElement !== seed) seed.value = st.seed ?? '';
    const { all, compare } = modesOf(editor.value);
    if (!modes.contains(document.activeElement)) {
      replace(
        modes,
        all.map((m) => {
          const id = nextId('cmp');
          return h('div', { class: 'field inline' }, h('input', { type: 'checkbox', id, value: m, checked: compare.includes(m) }), h('label', { for: id }, words(m)));
        }),
      );
    }
  }
  function apply() {
    const compare = [...modes.querySelectorAll('input:checked')].map((i) => i.value);
    editor.value = writeStudy(editor.value, {
      runs: runs.value === '' ? undefined : Math.round(Number(runs.value)),
      horizon_periods: horizon.value === '' ? undefined : Math.round(Number(horizon.value)),
      seed: seed.value === '' ? undefined : Math.round(Number(seed.value)),
      compare: compare.length ? compare : undefined,
    });
    replace(applied, h('p', { role: 'status', class: 'hint' }, 'Applied to the text; checking…'));
    changed();
  }
  function addMode() {
    if (!/^[a-z0-9_]+$/.test(mId.value)) {
      replace(applied, h('div', { class: 'error', role: 'alert' }, 'The mode id takes lower-case letters, digits and _.'));
      mId.focus();
      return;
    }
    const levers = Object.fromEntries(Object.entries(leverSel).map(([k, s]) => [k, s.value]));
    editor.value = appendMode(editor.value, { id: mId.value, name: mName.value.trim(), base: mBase.value, levers });
    const st = readStudy(editor.value);
    const compare = st.compare && st.compare.length ? st.compare : PRESETS;
    if (!compare.includes(mId.value)) editor.value = writeStudy(editor.value, { compare: [...compare, mId.value] });
    replace(applied, h('p', { role: 'status', class: 'hint' }, `Mode ${mId.value} added and compared; checking…`));
    changed();
  }
  refresh();
  return { el, refresh };
}
