// The planner's result (a plan job): solver status, the allocation per park, and the bottlenecks.
// The result may carry `bottlenecks` with shadow prices (docs/api.md); when it does not, the
// bottlenecks are the capacities the plan uses up (park plots, land and labour, suppliers'
// factor capacities at 99 % or more), and the page says so.
import { h, table, fmtNum, words } from '../ui.js';
import { barChart } from '../charts.js';

const FULL = 0.99;

export function renderPlan(r, { sectors = [] } = {}) {
  const parks = r.parks || [];
  const name = (p) => p.park ?? p.name ?? '?';
  const count = (p) => (Array.isArray(p.enterprises) ? p.enterprises.length : Number(p.enterprises) || 0);
  const bySector = (p) => {
    const s = p.by_sector || {};
    if (Array.isArray(s)) {
      return s
        .map((x, i) => (typeof x === 'object' ? [x.sector, x.count ?? x.enterprises] : [sectors[i] || `sector ${i + 1}`, x]))
        .filter(([, n]) => Number(n) > 0)
        .map(([k, n]) => `${words(k)}: ${n}`)
        .join(', ') || '–';
    }
    return Object.entries(s).map(([k, v]) => `${words(k)}: ${v}`).join(', ') || '–';
  };
  const share = (used, cap) => (cap > 0 && Number.isFinite(used) ? used / cap : null);
  const pct = (x) => (x === null ? '–' : `${(100 * x).toFixed(0)} %`);

  let bottlenecks;
  if (Array.isArray(r.bottlenecks)) {
    bottlenecks = table(
      [
        { label: 'Constraint', value: (b) => h('code', null, b.constraint) },
        { label: 'Shadow price', value: (b) => fmtNum(b.shadow_price), class: 'num' },
        { label: 'What it means', value: (b) => b.text || '' },
      ],
      r.bottlenecks,
      { caption: 'Binding constraints, the costliest first', empty: 'No binding constraint.' },
    );
  } else {
    const rows = [];
    for (const p of parks) {
      for (const [what, used, cap] of [['plots', count(p), p.plots], ['land (ha)', p.land_ha, p.area_ha], ['labour', p.workers, p.labour_pool]]) {
        const s = share(Number(used), Number(cap));
        if (s !== null && s >= FULL) rows.push({ where: `park ${name(p)}`, what, used, cap, s });
      }
    }
    for (const f of r.flows || []) {
      const s = share(Number(f.amount), Number(f.capacity));
      if (s !== null && s >= FULL) rows.push({ where: f.supplier, what: words(f.kind), used: f.amount, cap: f.capacity, s });
    }
    bottlenecks = h(
      'div',
      null,
      h('p', { class: 'muted' }, 'Capacities the plan uses up (99 % or more); the result carries no shadow prices.'),
      table(
        [
          { label: 'Where', value: (b) => b.where },
          { label: 'Capacity', value: (b) => b.what },
          { label: 'Used', value: (b) => fmtNum(b.used), class: 'num' },
          { label: 'Of', value: (b) => fmtNum(b.cap), class: 'num' },
          { label: 'Share', value: (b) => pct(b.s), class: 'num' },
        ],
        rows,
        { caption: 'Bottlenecks', empty: 'No capacity is used up.', id: 'plan-bottlenecks' },
      ),
    );
  }

  const status = r.status ?? r.outcome;
  return h(
    'div',
    { id: 'plan-result' },
    h('h2', null, 'Planner results'),
    h(
      'div',
      { class: 'kpis' },
      [
        ['solver', r.backend],
        ['status', status ? words(status) : '–'],
        ['objective', fmtNum(r.objective, 6)],
        ['gap', r.gap === null || r.gap === undefined ? '–' : `${(100 * r.gap).toFixed(2)} %`],
        ['enterprises placed', parks.reduce((a, p) => a + count(p), 0)],
      ].map(([k, v]) => h('div', { class: 'kpi' }, h('span', { class: 'v' }, v ?? '–'), h('span', { class: 'k' }, k))),
    ),
    r.termination ? h('p', { class: 'muted' }, `The solver stopped on: ${words(r.termination)}.`) : null,
    h('h3', null, 'Allocation per park'),
    parks.length ? barChart({ title: 'Enterprises placed per park', bars: parks.map((p) => ({ name: name(p), value: count(p) })), id: 'plan-chart' }) : null,
    table(
      [
        { label: 'Park', value: (p) => name(p) },
        { label: 'Enterprises', value: (p) => count(p), class: 'num' },
        { label: 'By sector', value: bySector },
        { label: 'Plots used', value: (p) => (p.plots ? `${count(p)} of ${p.plots}` : '–'), class: 'num' },
        { label: 'Land used', value: (p) => (p.area_ha ? `${fmtNum(p.land_ha)} of ${fmtNum(p.area_ha)} ha` : '–'), class: 'num' },
        { label: 'Workers', value: (p) => (p.labour_pool ? `${fmtNum(p.workers)} of ${fmtNum(p.labour_pool)}` : '–'), class: 'num' },
        { label: 'Complete chains', value: (p) => (Array.isArray(p.complete_chains) && p.complete_chains.length ? p.complete_chains.map(words).join(', ') : '–') },
      ],
      parks,
      { caption: 'Allocation per park', empty: 'The plan places no enterprise.', id: 'plan-parks' },
    ),
    h('h3', null, 'Bottlenecks'),
    bottlenecks,
    r.flows && r.flows.length
      ? [
          h('h3', null, 'Factor supply'),
          table(
            [
              { label: 'Supplier', value: (f) => f.supplier },
              { label: 'Factor', value: (f) => words(f.kind) },
              { label: 'Supplied', value: (f) => fmtNum(f.amount), class: 'num' },
              { label: 'Capacity', value: (f) => fmtNum(f.capacity), class: 'num' },
              { label: 'Used', value: (f) => pct(share(Number(f.amount), Number(f.capacity))), class: 'num' },
            ],
            r.flows,
            { caption: 'What each supplier gives, of its capacity' },
          ),
        ]
      : null,
  );
}
