// The registry: entities of the network by kind and side, with search (the server matches name
// or id), paged 50 at a time.
import { api, query } from '../api.js';
import { h, field, select, table, errorBox, replace, loading, link, words } from '../ui.js';

export const KINDS = ['government', 'department', 'enterprise', 'enterprise_group', 'host_firm_group', 'university', 'research_institute', 'finance', 'intermediary', 'promoting_org', 'park'];
const PAGE = 50;

export async function render(ctx) {
  const { root, user } = ctx;
  const q0 = ctx.query;
  const kind = select([['', 'Every kind'], ...KINDS.map((k) => [k, words(k)])], { value: q0.get('kind') || '', name: 'kind' });
  const side = select([['', 'Both sides'], ['home', 'Home'], ['host', 'Host']], { value: q0.get('side') || '', name: 'side' });
  const q = h('input', { type: 'search', name: 'q', value: q0.get('q') || '', placeholder: 'name or id' });
  const offset = Number(q0.get('offset') || 0);
  const out = h('div', { id: 'registry-list' }, loading());
  const form = h(
    'form',
    { class: 'row card', role: 'search', id: 'registry-search' },
    field('Kind', kind),
    field('Side', side),
    field('Search', q),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Search')),
  );
  const go = (off = 0) => ctx.navigate(`#/registry${query({ kind: kind.value, side: side.value, q: q.value.trim(), offset: off || '' })}`);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go();
  });
  kind.addEventListener('change', () => go());
  side.addEventListener('change', () => go());
  const canWrite = user.role === 'admin' || user.role === 'analyst';
  root.append(
    h('h1', null, 'Registry'),
    canWrite ? h('p', null, link('Import entities from CSV', '#/registry/import', { class: 'button secondary' })) : null,
    form,
    out,
  );
  try {
    const page = await api.get(`/entities${query({ kind: kind.value, side: side.value, q: q.value.trim(), limit: PAGE, offset })}`);
    const items = page.items || [];
    const total = page.total ?? items.length;
    const pager = h(
      'nav',
      { class: 'actions', 'aria-label': 'Pages of the registry' },
      offset > 0 ? h('button', { type: 'button', class: 'secondary', onclick: () => go(Math.max(0, offset - PAGE)) }, 'Previous page') : null,
      offset + items.length < total ? h('button', { type: 'button', class: 'secondary', onclick: () => go(offset + PAGE) }, 'Next page') : null,
    );
    replace(
      out,
      table(
        [
          { label: 'Name', value: (e) => link(e.name || e.id, `#/registry/${encodeURIComponent(e.id)}`) },
          { label: 'Id', value: (e) => h('code', null, e.id) },
          { label: 'Kind', value: (e) => words(e.kind) },
          { label: 'Side', value: (e) => e.side || '–' },
          { label: 'Region', value: (e) => e.region || '–' },
          { label: 'Sector', value: (e) => e.sector || '–' },
        ],
        items,
        { caption: total ? `Entities ${offset + 1}–${offset + items.length} of ${total}` : '', empty: 'No entity matches.' },
      ),
      pager,
    );
  } catch (e) {
    replace(out, errorBox(e, 'Could not load the registry'));
  }
}
