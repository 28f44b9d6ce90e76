// Case list. The server filters by role: an enterprise sees its own cases, an officer the cases
// with a task for its department, admin and analyst every case.
import { api, query } from '../api.js';
import { h, field, select, table, badge, fmtDate, fmtDuration, link, errorBox, replace, loading } from '../ui.js';

const STATES = [['', 'Any state'], ['in_review', 'In review'], ['info_requested', 'Information requested'], ['approved', 'Approved'], ['rejected', 'Rejected']];

export async function render(ctx) {
  const { root, user } = ctx;
  const state = ctx.query.get('state') || '';
  const title = user.role === 'enterprise' ? 'My cases' : 'Cases';
  const out = h('div', { id: 'cases-list' }, loading());
  const filter = select(STATES, { value: state, name: 'state' });
  filter.addEventListener('change', () => ctx.navigate(`#/cases${query({ state: filter.value })}`));
  root.append(
    h('h1', null, title),
    h(
      'div',
      { class: 'row' },
      field('Show', filter),
      ctx.canSee('submit') ? h('div', { class: 'field' }, link('Submit a case', '#/cases/new', { class: 'button', id: 'new-case' })) : null,
    ),
    out,
  );
  try {
    const page = await api.get(`/cases${query({ state, limit: 200 })}`);
    const items = page.items || [];
    replace(
      out,
      table(
        [
          { label: 'Case', value: (c) => link(c.title || c.id, `#/cases/${encodeURIComponent(c.id)}`) },
          { label: 'Enterprise', value: (c) => c.entity_id },
          { label: 'Park', value: (c) => c.park_id },
          { label: 'State', value: (c) => badge(c.state) },
          { label: 'Submitted', value: (c) => fmtDate(c.submitted_at) },
          { label: 'Time to decision', value: (c) => fmtDuration(c.decision_s), class: 'num' },
        ],
        items,
        { caption: `${page.total ?? items.length} case(s)`, empty: user.role === 'enterprise' ? 'You have not submitted a case yet.' : 'No cases.' },
      ),
    );
  } catch (e) {
    replace(out, errorBox(e, 'Could not load the cases'));
  }
}
