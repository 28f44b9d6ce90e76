// Sign-in, and the first-start form that turns the one-time bootstrap token printed by
// `symbiont serve` into the first admin account.
import { api, session } from '../api.js';
import { h, field, errorBox, replace, notice } from '../ui.js';

const HOME = { admin: '#/board', officer: '#/inbox', enterprise: '#/cases', analyst: '#/studies' };

function target(ctx, user) {
  const next = ctx.query.get('next');
  if (next && next.startsWith('/') && next !== '/signin') return `#${next}`;
  return HOME[user.role] || '#/cases';
}

export function render(ctx) {
  const { root } = ctx;
  const status = h('div', { id: 'signin-status' });
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', id: 'signin-submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card narrow', id: 'signin-form', 'aria-labelledby': 'signin-title', novalidate: true },
    h('h1', { id: 'signin-title' }, 'Sign in to Symbiont'),
    ctx.query.get('expired') ? notice('Your session has ended. Please sign in again.') : null,
    field('Username', username, { id: 'signin-username' }),
    field('Password', password, { id: 'signin-password' }),
    submit,
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!username.value.trim() || !password.value) {
      replace(status, h('div', { class: 'error', role: 'alert' }, 'Enter your username and password.'));
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    replace(status, h('p', { role: 'status' }, 'Signing in…'));
    try {
      const res = await api.post('/auth/login', { username: username.value.trim(), password: password.value });
      session.save(res.token, res.user);
      ctx.navigate(target(ctx, res.user));
    } catch (err) {
      const msg = err.status === 401 || err.status === 400 ? { message: 'Wrong username or password.' } : err;
      replace(status, errorBox(msg, 'Sign-in failed'));
      password.select();
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });

  // First start: the bootstrap token creates the first admin.
  const bToken = h('input', { name: 'bootstrap_token', autocomplete: 'off', spellcheck: 'false' });
  const bUser = h('input', { name: 'admin_username', autocomplete: 'username' });
  const bPass = h('input', { name: 'admin_password', type: 'password', autocomplete: 'new-password' });
  const bStatus = h('div');
  const bForm = h(
    'form',
    { id: 'bootstrap-form' },
    h('p', null, 'On its first start, the server prints a one-time bootstrap token. Use it here to create the first administrator.'),
    field('Bootstrap token', bToken),
    field('Administrator username', bUser),
    field('Administrator password', bPass, { hint: 'At least 8 characters.' }),
    h('button', { type: 'submit', class: 'secondary' }, 'Create the first administrator'),
    bStatus,
  );
  bForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const res = await api.post('/auth/bootstrap', { token: bToken.value.trim(), username: bUser.value.trim(), password: bPass.value });
      session.save(res.token, res.user);
      ctx.navigate(target(ctx, res.user));
    } catch (err) {
      replace(bStatus, errorBox(err, 'Could not create the administrator'));
    }
  });

  root.append(
    form,
    h('details', { class: 'card narrow' }, h('summary', null, 'First start: create the administrator'), bForm),
  );
  if (!session.token) setTimeout(() => username.focus(), 0);
}
