// Admin: the accounts and their roles. An officer is bound to a department, an enterprise account
// to an entity of kind enterprise.
import { api, listAll } from '../api.js';
import { h, field, select, table, errorBox, replace, loading, notice } from '../ui.js';

export async function render(ctx) {
  const { root } = ctx;
  const out = h('div', { id: 'users-list' }, loading());
  const status = h('div');
  let departments = [];
  let enterprises = [];
  try {
    [departments, enterprises] = await Promise.all([listAll('/entities', { kind: 'department' }), listAll('/entities', { kind: 'enterprise' })]);
  } catch {
    /* the form still works with typed ids */
  }
  const username = h('input', { name: 'username', autocomplete: 'off', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true });
  const role = select([['analyst', 'Analyst'], ['officer', 'Department officer'], ['enterprise', 'Enterprise'], ['admin', 'Administrator']], { name: 'role' });
  const dept = select(departments.map((d) => [d.id, `${d.name || d.id} (${d.id})`]), { name: 'department_id' });
  const ent = select(enterprises.map((d) => [d.id, `${d.name || d.id} (${d.id})`]), { name: 'entity_id' });
  const deptF = field('Department', dept);
  const entF = field('Enterprise', ent);
  const sync = () => {
    deptF.hidden = role.value !== 'officer';
    entF.hidden = role.value !== 'enterprise';
  };
  role.addEventListener('change', sync);
  sync();
  const form = h(
    'form',
    { class: 'card', id: 'user-form' },
    h('div', { class: 'row' }, field('Username', username), field('Password', password, { hint: 'At least 8 characters.' }), field('Role', role)),
    h('div', { class: 'row' }, deptF, entF),
    h('button', { type: 'submit' }, 'Create the account'),
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { username: username.value.trim(), password: password.value, role: role.value };
    if (role.value === 'officer') body.department_id = dept.value;
    if (role.value === 'enterprise') body.entity_id = ent.value;
    try {
      const u = await api.post('/users', body);
      replace(status, notice(`Created ${u.username} (${u.role}).`, 'ok'));
      username.value = '';
      password.value = '';
      load();
    } catch (err) {
      replace(status, errorBox(err, 'The account was not created'));
    }
  });
  root.append(h('h1', null, 'Users'), h('h2', null, 'New account'), form, h('h2', null, 'Accounts'), out);
  async function load() {
    try {
      const items = await listAll('/users');
      replace(
        out,
        table(
          [
            { label: 'Username', value: (u) => u.username },
            { label: 'Role', value: (u) => u.role },
            { label: 'Department', value: (u) => u.department_id || '–' },
            { label: 'Entity', value: (u) => u.entity_id || '–' },
          ],
          items,
          { caption: `${items.length} account(s)` },
        ),
      );
    } catch (e) {
      replace(out, errorBox(e, 'Could not load the accounts'));
    }
  }
  await load();
}
