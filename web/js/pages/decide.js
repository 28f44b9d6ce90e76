// The three decisions an officer takes on a pending task of its department, shared by the inbox
// and the case page.
import { api } from '../api.js';
import { h, field, errorBox, replace } from '../ui.js';

export function decisionForm(task, onDone, { compact = false } = {}) {
  const note = h('textarea', { name: 'note', rows: compact ? '2' : '3' });
  const status = h('div');
  const act = (decision) => async () => {
    if (decision !== 'approve' && !note.value.trim()) {
      replace(status, h('div', { class: 'error', role: 'alert' }, decision === 'reject' ? 'Give the reason for the rejection in the note.' : 'Say in the note which information is needed.'));
      note.focus();
      return;
    }
    for (const b of buttons) b.disabled = true;
    replace(status, h('p', { role: 'status' }, 'Sending…'));
    try {
      const c = await api.post(`/tasks/${encodeURIComponent(task.id)}/decision`, { decision, note: note.value.trim() });
      replace(status, h('p', { role: 'status', class: 'notice ok' }, 'Decision recorded.'));
      onDone(c, decision);
    } catch (e) {
      replace(status, errorBox(e, e.status === 409 ? 'This task is no longer pending' : 'The decision was not recorded'));
      for (const b of buttons) b.disabled = false;
    }
  };
  const label = task.department_id || 'task';
  const buttons = [
    h('button', { type: 'button', class: 'ok', onclick: act('approve'), 'data-action': 'approve', 'aria-label': `Approve (${label})` }, 'Approve'),
    h('button', { type: 'button', class: 'danger', onclick: act('reject'), 'data-action': 'reject', 'aria-label': `Reject (${label})` }, 'Reject'),
    h('button', { type: 'button', class: 'secondary', onclick: act('request_info'), 'data-action': 'request_info', 'aria-label': `Request information (${label})` }, 'Request information'),
  ];
  return h(
    'div',
    { class: 'decision', 'data-task': task.id },
    field(`Note for the decision of ${label}`, note, { hint: 'Required to reject or to request information.' }),
    h('div', { class: 'actions' }, buttons),
    status,
  );
}
