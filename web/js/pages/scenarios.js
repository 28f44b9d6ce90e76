// The stored scenarios with their versions; a new scenario starts from the default's source.
import { api, listAll } from '../api.js';
import { h, table, fmtDate, errorBox, replace, loading, link } from '../ui.js';

export async function render(ctx) {
  const { root, user } = ctx;
  const out = h('div', { id: 'scenarios-list' }, loading());
  const canWrite = user.role === 'admin' || user.role === 'analyst';
  root.append(h('h1', null, 'Scenarios'), canWrite ? h('p', null, link('New scenario', '#/scenarios/new', { class: 'button', id: 'new-scenario' })) : null, out);
  try {
    const items = await listAll('/scenarios');
    replace(
      out,
      table(
        [
          { label: 'Scenario', value: (s) => link(s.name || s.id, `#/scenarios/${encodeURIComponent(s.id)}`) },
          { label: 'Id', value: (s) => h('code', null, s.id) },
          { label: 'Latest version', value: (s) => s.latest_version, class: 'num' },
          { label: 'Updated', value: (s) => fmtDate(s.updated_at) },
          { label: '', value: (s) => link(`Study ${s.name || s.id}`, `#/studies?scenario=${encodeURIComponent(s.id)}`) },
        ],
        items,
        { caption: `${items.length} scenario(s)`, empty: 'No scenario yet.' },
      ),
    );
  } catch (e) {
    replace(out, errorBox(e, 'Could not load the scenarios'));
  }
}
