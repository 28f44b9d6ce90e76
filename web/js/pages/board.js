// The admin's board: every case with its time to decision, and the one window's speed-up over
// the same decisions taken one department after another.
import { api, query } from '../api.js';
import { h, table, badge, fmtDate, fmtDuration, errorBox, replace, loading, link, field, select } from '../ui.js';

const STATES = [['', 'Any state'], ['in_review', 'In review'], ['info_requested', 'Information requested'], ['approved', 'Approved'], ['rejected', 'Rejected']];

export async function render(ctx) {
  const { root } = ctx;
  const state = ctx.query.get('state') || '';
  const kpis = h('div', { class: 'kpis', id: 'board-stats' }, loading());
  const list = h('div', { id: 'board-list' }, loading());
  const filter = select(STATES, { value: state, name: 'state' });
  filter.addEventListener('change', () => ctx.navigate(`#/board${query({ state: filter.value })}`));
  root.append(
    h('h1', null, 'One window: board'),
    h('h2', null, 'Time to decision'),
    kpis,
    h('h2', null, 'Every case'),
    h('div', { class: 'row' }, field('Show', filter)),
    list,
  );
  const [stats, page] = await Promise.allSettled([api.get('/cases/stats'), api.get(`/cases${query({ state, limit: 500 })}`)]);
  if (stats.status === 'fulfilled') {
    const s = stats.value;
    const kpi = (k, v, id) => h('div', { class: 'kpi', id }, h('span', { class: 'v' }, v), h('span', { class: 'k' }, k));
    replace(
      kpis,
      kpi('cases', s.cases ?? '–', 'kpi-cases'),
      kpi('decided', s.decided ?? '–', 'kpi-decided'),
      kpi('approved', s.approved ?? '–', 'kpi-approved'),
      kpi('rejected', s.rejected ?? '–', 'kpi-rejected'),
      kpi('mean time to decision (parallel)', fmtDuration(s.mean_decision_s), 'kpi-decision'),
      kpi('mean time, one department after another', fmtDuration(s.mean_serial_s), 'kpi-serial'),
      kpi('speed-up of the one window', s.speedup ? `${Number(s.speedup).toFixed(1)}×` : '–', 'kpi-speedup'),
    );
  } else replace(kpis, errorBox(stats.reason, 'Could not load the statistics'));
  if (page.status === 'fulfilled') {
    const items = page.value.items || [];
    replace(
      list,
      table(
        [
          { label: 'Case', value: (c) => link(c.title || c.id, `#/cases/${encodeURIComponent(c.id)}`) },
          { label: 'Enterprise', value: (c) => c.entity_id },
          { label: 'Park', value: (c) => c.park_id },
          { label: 'State', value: (c) => h('span', { 'data-case-state': c.id }, badge(c.state)) },
          {
            label: 'Tasks decided',
            value: (c) => {
              const t = c.tasks || [];
              return `${t.filter((x) => x.state === 'approved' || x.state === 'rejected').length} / ${t.length}`;
            },
            class: 'num',
          },
          { label: 'Submitted', value: (c) => fmtDate(c.submitted_at) },
          { label: 'Time to decision', value: (c) => fmtDuration(c.decision_s), class: 'num' },
          { label: 'Serial time', value: (c) => fmtDuration(c.serial_s), class: 'num' },
        ],
        items,
        { caption: `${page.value.total ?? items.length} case(s)`, empty: 'No case has been submitted yet.' },
      ),
    );
  } else replace(list, errorBox(page.reason, 'Could not load the cases'));
}
