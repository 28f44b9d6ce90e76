// An enterprise submits an investment dossier for a park. Field errors from the server
// (`fields[].path`, e.g. `dossier.capital_usd`) are shown next to their inputs.
import { api, listAll } from '../api.js';
import { h, field, select, errorBox, replace, loading, nextId } from '../ui.js';

export async function render(ctx) {
  const { root, user } = ctx;
  root.append(h('h1', null, 'Submit a case'));
  const body = h('div', null, loading());
  root.append(body);

  let parks = [];
  let entity = null;
  try {
    parks = await listAll('/entities', { kind: 'park' });
    if (user.entity_id) entity = await api.get(`/entities/${encodeURIComponent(user.entity_id)}`).catch(() => null);
  } catch (e) {
    replace(body, errorBox(e, 'Could not load the parks'));
    return;
  }
  if (user.role !== 'enterprise') {
    body.before(h('p', { class: 'notice warn' }, 'Only an enterprise account can submit a case; the server will refuse it for other roles.'));
  }

  const inputs = {
    park_id: select(parks.map((p) => [p.id, `${p.name || p.id} (${p.region || p.id})`]), { name: 'park_id' }),
    title: h('input', { name: 'title', required: true, maxlength: 200 }),
    'dossier.capital_usd': h('input', { name: 'capital_usd', type: 'number', min: '0', step: '1000', required: true, inputmode: 'numeric' }),
    'dossier.jobs': h('input', { name: 'jobs', type: 'number', min: '0', step: '1', required: true, inputmode: 'numeric' }),
    'dossier.sector': h('input', { name: 'sector', value: entity && entity.sector ? entity.sector : '', required: true }),
    'dossier.description': h('textarea', { name: 'description', rows: '4' }),
  };
  const errs = {};
  const wrap = (key, label, hint) => {
    const f = field(label, inputs[key], { hint });
    errs[key] = h('div', { class: 'field-error', id: nextId('err') });
    f.append(errs[key]);
    return f;
  };
  const status = h('div', { id: 'submit-status' });
  const form = h(
    'form',
    { class: 'card', id: 'submit-form', novalidate: true },
    h('p', null, `The dossier is sent in parallel to every department of the one window${entity ? ` for ${entity.name || entity.id}` : ''}.`),
    wrap('park_id', 'Park'),
    wrap('title', 'Title', 'A short name for the project, e.g. "Cassava starch plant, phase 1".'),
    h('div', { class: 'row' }, wrap('dossier.capital_usd', 'Capital (US$)'), wrap('dossier.jobs', 'Jobs created')),
    wrap('dossier.sector', 'Sector'),
    wrap('dossier.description', 'Description'),
    h('button', { type: 'submit', id: 'submit-case' }, 'Submit the case'),
    status,
  );
  replace(body, parks.length ? form : h('p', { class: 'notice warn' }, 'The registry has no park yet; a case needs a park.'));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const k of Object.keys(errs)) {
      replace(errs[k]);
      inputs[k].removeAttribute('aria-invalid');
    }
    const capital = Number(inputs['dossier.capital_usd'].value);
    const jobs = Number(inputs['dossier.jobs'].value);
    const local = [];
    if (!inputs.title.value.trim()) local.push(['title', 'Enter a title.']);
    if (inputs['dossier.capital_usd'].value === '' || !(capital >= 0)) local.push(['dossier.capital_usd', 'Enter a number ≥ 0.']);
    if (inputs['dossier.jobs'].value === '' || !(jobs >= 0) || !Number.isInteger(jobs)) local.push(['dossier.jobs', 'Enter a whole number ≥ 0.']);
    if (!inputs['dossier.sector'].value.trim()) local.push(['dossier.sector', 'Enter a sector.']);
    if (local.length) {
      showFieldErrors(local.map(([path, message]) => ({ path, message })));
      return;
    }
    replace(status, h('p', { role: 'status' }, 'Submitting…'));
    try {
      const c = await api.post('/cases', {
        park_id: inputs.park_id.value,
        title: inputs.title.value.trim(),
        dossier: {
          capital_usd: capital,
          jobs,
          sector: inputs['dossier.sector'].value.trim(),
          description: inputs['dossier.description'].value,
        },
      });
      ctx.announce('Case submitted');
      ctx.navigate(`#/cases/${encodeURIComponent(c.id)}`);
    } catch (err) {
      replace(status, errorBox(err, 'The case was not submitted'));
      if (err.fields && err.fields.length) showFieldErrors(err.fields);
    }
  });

  function showFieldErrors(fields) {
    let first = null;
    for (const f of fields) {
      const key = inputs[f.path] ? f.path : inputs[`dossier.${f.path}`] ? `dossier.${f.path}` : null;
      if (!key) continue;
      replace(errs[key], h('p', { class: 'error' }, f.message));
      inputs[key].setAttribute('aria-invalid', 'true');
      inputs[key].setAttribute('aria-describedby', errs[key].id);
      first = first || inputs[key];
    }
    if (first) first.focus();
  }
}
