// One entity of the registry: its properties, endowments and needs by factor. Admin and analyst
// may edit and save it (PUT replaces the entity); admin may delete it.
import { api } from '../api.js';
import { h, field, table, errorBox, replace, loading, notFound, link, fmtDate, fmtNum, words, button } from '../ui.js';

const FACTORS = ['capital', 'talent', 'technology', 'information', 'land', 'labour'];

export async function render(ctx) {
  const { root, params, user } = ctx;
  root.append(loading());
  let e;
  try {
    e = await api.get(`/entities/${encodeURIComponent(params.id)}`);
  } catch (err) {
    if (err.status === 404) replace(root, notFound('Entity', '#/registry', 'Back to the registry'));
    else replace(root, h('h1', null, 'Entity'), errorBox(err, 'Could not load the entity'));
    return;
  }
  const canWrite = user.role === 'admin' || user.role === 'analyst';
  const status = h('div');
  const rows = FACTORS.map((f) => ({ f, endow: (e.endowments || {})[f], need: (e.needs || {})[f] }));
  replace(
    root,
    h('p', null, link('← Registry', '#/registry')),
    h('h1', null, e.name || e.id),
    h(
      'dl',
      { class: 'props card' },
      [['Id', h('code', null, e.id)], ['Kind', words(e.kind)], ['Side', e.side], ['Region', e.region], ['Sector', e.sector], ['Chain', e.chain], ['Created', fmtDate(e.created_at)], ['Updated', fmtDate(e.updated_at)]].map(([k, v]) => [h('dt', null, k), h('dd', null, v || '–')]),
    ),
    h('h2', null, 'Factors'),
    table(
      [
        { label: 'Factor', value: (r) => r.f },
        { label: 'Endowment', value: (r) => fmtNum(r.endow), class: 'num' },
        { label: 'Need', value: (r) => fmtNum(r.need), class: 'num' },
      ],
      rows,
      { caption: 'Endowments and needs by factor' },
    ),
    canWrite ? editForm(e) : null,
    user.role === 'admin' ? h('div', { class: 'actions' }, button('Delete this entity', del, { class: 'danger' })) : null,
    status,
  );

  function editForm(ent) {
    const name = h('input', { name: 'name', value: ent.name || '' });
    const region = h('input', { name: 'region', value: ent.region || '' });
    const sector = h('input', { name: 'sector', value: ent.sector || '' });
    const chain = h('input', { name: 'chain', value: ent.chain || '' });
    const num = (v) => h('input', { type: 'number', step: 'any', min: '0', value: v ?? '' });
    const endow = Object.fromEntries(FACTORS.map((f) => [f, num((ent.endowments || {})[f])]));
    const need = Object.fromEntries(FACTORS.map((f) => [f, num((ent.needs || {})[f])]));
    const form = h(
      'form',
      { class: 'card', id: 'entity-form' },
      h('h2', null, 'Edit'),
      h('div', { class: 'row' }, field('Name', name), field('Region', region), field('Sector', sector), field('Chain', chain)),
      h('fieldset', null, h('legend', null, 'Endowments'), h('div', { class: 'row' }, FACTORS.map((f) => field(`Endowment: ${f}`, endow[f])))),
      h('fieldset', null, h('legend', null, 'Needs'), h('div', { class: 'row' }, FACTORS.map((f) => field(`Need: ${f}`, need[f])))),
      h('button', { type: 'submit' }, 'Save'),
    );
    const pick = (m) => Object.fromEntries(Object.entries(m).filter(([, el]) => el.value !== '').map(([f, el]) => [f, Number(el.value)]));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {
        ...ent,
        name: name.value.trim(),
        region: region.value.trim(),
        sector: sector.value.trim(),
        chain: chain.value.trim(),
        endowments: pick(endow),
        needs: pick(need),
      };
      delete body.created_at;
      delete body.updated_at;
      try {
        await api.put(`/entities/${encodeURIComponent(ent.id)}`, body);
        ctx.announce('Saved');
        ctx.navigate(`#/registry/${encodeURIComponent(ent.id)}?saved=${Date.now()}`);
      } catch (err) {
        replace(status, errorBox(err, 'Not saved'));
      }
    });
    return form;
  }

  async function del() {
    // eslint-disable-next-line no-alert
    if (!window.confirm(`Delete ${e.id}? This cannot be undone.`)) return;
    try {
      await api.del(`/entities/${encodeURIComponent(e.id)}`);
      ctx.navigate('#/registry');
    } catch (err) {
      replace(status, errorBox(err, 'Not deleted'));
    }
  }
}
