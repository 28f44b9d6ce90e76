// One case: its dossier, the parallel tasks of the departments, the actions the user may take
// (an officer decides its department's pending task; the owner answers an information request),
// and the audit log. A case the user may not see answers 404 and shows "not found".
import { api } from '../api.js';
import { h, field, table, badge, fmtDate, fmtDuration, fmtNum, errorBox, replace, loading, notFound, link, who } from '../ui.js';
import { decisionForm } from './decide.js';

export async function render(ctx) {
  const { root, params, user } = ctx;
  const id = params.id;
  root.append(loading());
  let c;
  try {
    c = await api.get(`/cases/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e.status === 404 || e.status === 403) {
      replace(root, notFound('Case', '#/cases', 'Back to the cases'));
      return;
    }
    replace(root, h('h1', null, 'Case'), errorBox(e, 'Could not load the case'));
    return;
  }
  draw(c);

  function draw(c) {
    const d = c.dossier || {};
    const mine = user.role === 'officer' ? (c.tasks || []).filter((t) => t.department_id === user.department_id && t.state === 'pending') : [];
    const auditBox = h('div', null, loading('Loading the audit log…'));
    replace(
      root,
      h('p', null, link('← Cases', '#/cases')),
      h('h1', null, c.title || `Case ${c.id}`),
      h('p', null, 'State: ', h('span', { id: 'case-state', 'data-state': c.state }, badge(c.state))),
      h(
        'div',
        { class: 'grid2' },
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'dossier-h' },
          h('h2', { id: 'dossier-h' }, 'Dossier'),
          h(
            'dl',
            { class: 'props' },
            h('dt', null, 'Case id'), h('dd', null, h('code', null, c.id)),
            h('dt', null, 'Enterprise'), h('dd', null, c.entity_id),
            h('dt', null, 'Park'), h('dd', null, c.park_id),
            h('dt', null, 'Capital'), h('dd', null, d.capital_usd !== undefined ? `US$ ${fmtNum(d.capital_usd, 6)}` : '–'),
            h('dt', null, 'Jobs'), h('dd', null, d.jobs ?? '–'),
            h('dt', null, 'Sector'), h('dd', null, d.sector || '–'),
            h('dt', null, 'Description'), h('dd', null, d.description || '–'),
          ),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'timing-h' },
          h('h2', { id: 'timing-h' }, 'Timing'),
          h(
            'dl',
            { class: 'props' },
            h('dt', null, 'Submitted'), h('dd', null, fmtDate(c.submitted_at)),
            h('dt', null, 'Decided'), h('dd', null, fmtDate(c.decided_at)),
            h('dt', null, 'Time to decision'), h('dd', null, fmtDuration(c.decision_s)),
            h('dt', null, 'One department after another'), h('dd', null, fmtDuration(c.serial_s)),
            h('dt', null, 'Speed-up of the one window'),
            h('dd', null, c.decision_s > 0 && c.serial_s ? `${(c.serial_s / c.decision_s).toFixed(1)}×` : '–'),
          ),
        ),
      ),
      h('h2', null, 'Departments'),
      table(
        [
          { label: 'Department', value: (t) => t.department_id },
          { label: 'State', value: (t) => h('span', { 'data-task-state': t.department_id }, badge(t.state)) },
          { label: 'Due', value: (t) => h('span', null, fmtDate(t.due_at), t.overdue ? [' ', badge('overdue')] : null) },
          { label: 'Decided', value: (t) => fmtDate(t.decided_at) },
          { label: 'By', value: (t) => who(t.decided_by) },
          { label: 'Note', value: (t) => t.note || '' },
        ],
        c.tasks || [],
        { caption: 'Tasks, routed in parallel', empty: 'No tasks.' },
      ),
      mine.length
        ? h(
            'section',
            { class: 'card', 'aria-labelledby': 'decide-h' },
            h('h2', { id: 'decide-h' }, 'Your decision'),
            mine.map((t) => decisionForm(t, (updated) => draw(updated))),
          )
        : null,
      user.role === 'enterprise' && c.state === 'info_requested' ? respondForm(c) : null,
      h('h2', null, 'Audit log'),
      auditBox,
    );
    loadAudit(c.id, auditBox);
  }

  function respondForm(c) {
    const note = h('textarea', { name: 'note', rows: '3', required: true });
    const status = h('div');
    const form = h(
      'form',
      { class: 'card', id: 'respond-form' },
      h('h2', null, 'Information requested'),
      h('p', null, 'A department asked for more information (see the notes above). Your answer sends the waiting tasks back to review.'),
      field('Your answer', note),
      h('button', { type: 'submit' }, 'Send the answer'),
      status,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!note.value.trim()) {
        replace(status, h('div', { class: 'error', role: 'alert' }, 'Write your answer first.'));
        note.focus();
        return;
      }
      try {
        draw(await api.post(`/cases/${encodeURIComponent(c.id)}/respond`, { note: note.value.trim() }));
        ctx.announce('Answer sent');
      } catch (err) {
        replace(status, errorBox(err, 'The answer was not sent'));
      }
    });
    return form;
  }
}

async function loadAudit(id, box) {
  try {
    const res = await api.get(`/cases/${encodeURIComponent(id)}/audit`);
    const items = Array.isArray(res) ? res : res.items || [];
    if (!items.length) {
      replace(box, h('p', { class: 'muted' }, 'No entries.'));
      return;
    }
    replace(
      box,
      h(
        'ol',
        { class: 'audit' },
        items.map((a) =>
          h(
            'li',
            null,
            h('strong', null, fmtDate(a.at)),
            ' · ',
            a.actor === null || a.actor === undefined ? 'system' : who(a.actor),
            ' · ',
            h('span', null, String(a.action || '').replace(/_/g, ' ')),
            detailText(a.detail) ? h('div', { class: 'muted' }, detailText(a.detail)) : null,
          ),
        ),
      ),
    );
  } catch (e) {
    replace(box, errorBox(e, 'Could not load the audit log'));
  }
}

function detailText(d) {
  if (d === null || d === undefined) return '';
  if (typeof d !== 'object') return String(d);
  return Object.entries(d)
    .filter(([, v]) => v !== null && v !== '' && (typeof v !== 'object' || Array.isArray(v)))
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${Array.isArray(v) ? v.join(', ') : v}`)
    .join(' · ');
}
