// An officer's task inbox (an admin sees every department's tasks): the pending tasks first,
// each with its case and the three decisions.
import { api, query } from '../api.js';
import { h, field, select, badge, fmtDate, errorBox, replace, loading, link } from '../ui.js';
import { decisionForm } from './decide.js';

const STATES = [['pending', 'Pending'], ['', 'All'], ['approved', 'Approved'], ['rejected', 'Rejected'], ['info_requested', 'Waiting for information']];

export async function render(ctx) {
  const { root, user } = ctx;
  const state = ctx.query.has('state') ? ctx.query.get('state') : 'pending';
  const filter = select(STATES, { value: state, name: 'state' });
  filter.addEventListener('change', () => ctx.navigate(`#/inbox${query({ state: filter.value || 'all' })}`));
  const list = h('div', { id: 'inbox-list' }, loading());
  root.append(
    h('h1', null, user.role === 'officer' ? `Inbox: ${user.department_id || 'department'}` : 'Inbox: every department'),
    h('div', { class: 'row' }, field('Show tasks', filter)),
    list,
  );
  await load();

  async function load() {
    try {
      const st = state === 'all' ? '' : state;
      const page = await api.get(`/tasks${query({ state: st, limit: 200 })}`);
      const tasks = page.items || [];
      if (!tasks.length) {
        replace(list, h('p', { class: 'muted', id: 'inbox-empty' }, state === 'pending' ? 'No pending task. Well done.' : 'No tasks.'));
        return;
      }
      // Titles come from the cases (one request per distinct case, bounded by the page size).
      const caseIds = [...new Set(tasks.map((t) => t.case_id))];
      const cases = new Map();
      await Promise.all(
        caseIds.map(async (cid) => {
          try {
            cases.set(cid, await api.get(`/cases/${encodeURIComponent(cid)}`));
          } catch {
            /* shown by id */
          }
        }),
      );
      replace(
        list,
        h(
          'ul',
          { class: 'plain', style: 'list-style:none;padding:0' },
          tasks.map((t) => {
            const c = cases.get(t.case_id);
            return h(
              'li',
              { class: 'card', 'data-case': t.case_id },
              h('h2', null, link(c ? c.title : `Case ${t.case_id}`, `#/cases/${encodeURIComponent(t.case_id)}`)),
              h(
                'p',
                null,
                badge(t.state),
                ' ',
                t.department_id,
                c ? ` · ${c.entity_id} → ${c.park_id}` : '',
                ' · due ',
                fmtDate(t.due_at),
                t.overdue ? [' ', badge('overdue')] : null,
              ),
              t.state === 'pending' && user.role === 'officer' && t.department_id === user.department_id
                ? decisionForm(t, () => ctx.announce('Decision recorded'), { compact: true })
                : t.note
                  ? h('p', { class: 'muted' }, `Note: ${t.note}`)
                  : null,
            );
          }),
        ),
      );
    } catch (e) {
      replace(list, errorBox(e, 'Could not load the tasks'));
    }
  }
}
