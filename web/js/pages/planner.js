// The planner's result (a plan job), with the facts `symbiont plan` prints (docs/api.md): how
// the solver stopped and the proven gap, the limits and the model size, the allocation per park
// (plots, land, workers, complete chains), the factor flows, the objective breakdown, and the
// bottlenecks (shadow prices). A plan without shadow prices (a heuristic plan, as in the CLI)
// says why, and lists the capacities the plan uses up instead.
import { h, table, fmtNum, words } from '../ui.js';
import { barChart } from '../charts.js';

const FULL = 0.99;

// US$ amounts in full ("US$ 155,187,277"); other amounts as fmtNum.
export function usd(x) {
  if (x === null || x === undefined || !Number.isFinite(Number(x))) return '–';
  const v = Number(x);
  const digits = Math.abs(v) >= 100 ? 0 : 2;
  return `US$ ${v.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 })}`;
}

// How the search stopped, in the words `symbiont plan` uses.
export function statusWords(r) {
  const l = r.limits || {};
  switch (r.status) {
    case 'optimal':
      return 'optimal';
    case 'gap_limit':
      return r.searched
        ? 'stopped within the requested gap'
        : 'no branch and bound needed: the rounded-LP plan is within the requested gap of the LP bound';
    case 'time_limit':
      return `stopped by the time limit (${l.time_limit_s ?? 'none'} s)${l.lp_converged === false ? ' before the LP relaxation was solved' : ''}: the best plan found so far`;
    case 'node_limit':
      return `stopped by the memory bound of the search tree (${l.memory_limit_mb} MB, ${l.node_limit ?? l.nodes} nodes): the best plan found so far`;
    case 'heuristic':
      return `no branch and bound (${r.model?.integers ?? '?'} binaries exceed the pure-Rust backend's limit of ${r.microlp_max_integers ?? '?'}): the better of the greedy and the rounded-LP plan, gap proven by the LP bound`;
    default:
      return r.status ? words(r.status) : '–';
  }
}

function gapWords(gap) {
  if (gap === null || gap === undefined) return '–';
  return Number.isFinite(Number(gap)) ? `≤ ${(100 * gap).toFixed(4)} %` : 'not proven';
}

// A shadow price with its unit: per US$ 1 million for capital, as the CLI's sentences.
function priceWords(b) {
  const unit = b.unit || 'unit';
  if (unit === 'US$') return `${usd(b.shadow_price * 1e6)} per period per US$ 1 million`;
  return `${usd(b.shadow_price)} per period per ${unit}`;
}

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
  const has = (x) => x !== null && x !== undefined;
  const flows = r.flows || [];

  let bottlenecks;
  const prices = Array.isArray(r.bottlenecks) ? r.bottlenecks : [];
  if (prices.length || (Array.isArray(r.bottlenecks) && !r.bottlenecks_skipped)) {
    const how = r.bottleneck_method === 'solver_duals' ? 'solver duals' : r.bottleneck_method === 'finite_difference' ? 'finite differences' : null;
    bottlenecks = h(
      'div',
      null,
      h('p', { class: 'muted' }, `Shadow prices of the LP with the plan's assignment fixed${how ? ` (${how})` : ''}: what one more unit of each binding capacity or guidance constraint is worth.`),
      r.bottlenecks_complete === false ? h('p', { class: 'muted' }, 'The time limit stopped the pricing: only the constraints priced so far are listed.') : null,
      table(
        [
          { label: 'Constraint', value: (b) => h('code', null, b.constraint) },
          { label: 'Shadow price', value: priceWords, class: 'num' },
          // A binding row's slack is zero up to the solver's rounding (1e-14): shown as 0.
          { label: 'Slack', value: (b) => (Math.abs(Number(b.slack)) < 1e-9 ? '0 (binds)' : `${fmtNum(b.slack)} ${b.unit || ''}`.trim()), class: 'num' },
          { label: 'What it means', value: (b) => b.text || '' },
        ],
        prices,
        { caption: 'Binding constraints, the costliest first', empty: 'No capacity or guidance constraint binds.', id: 'plan-prices' },
      ),
    );
  } else {
    const rows = [];
    for (const p of parks) {
      for (const [what, used, cap] of [['plots', count(p), p.plots], ['land (ha)', p.land_ha, p.area_ha], ['workers', p.workers, p.labour_pool]]) {
        const s = share(Number(used), Number(cap));
        if (s !== null && s >= FULL) rows.push({ where: `park ${name(p)}`, what, used, cap, s });
      }
    }
    for (const f of flows) {
      const s = share(Number(f.amount), Number(f.capacity));
      if (s !== null && s >= FULL) rows.push({ where: f.supplier, what: `${words(f.kind)}${f.unit ? ` (${f.unit})` : ''}`, used: f.amount, cap: f.capacity, s });
    }
    bottlenecks = h(
      'div',
      null,
      h('p', { class: 'muted', id: 'plan-no-prices' }, `No shadow prices: ${r.bottlenecks_skipped || 'the result carries none'}. The capacities the plan uses up (99 % or more) instead:`),
      table(
        [
          { label: 'Where', value: (b) => b.where },
          { label: 'Capacity', value: (b) => b.what },
          { label: 'Used', value: (b) => fmtNum(b.used), class: 'num' },
          { label: 'Of', value: (b) => fmtNum(b.cap), class: 'num' },
          { label: 'Share', value: (b) => pct(b.s), class: 'num' },
        ],
        rows,
        { caption: 'Capacities used up', empty: 'No capacity is used up.', id: 'plan-bottlenecks' },
      ),
    );
  }

  const l = r.limits;
  const m = r.model;
  const b = r.breakdown;
  const placed = has(r.placed) ? r.placed : parks.reduce((a, p) => a + count(p), 0);
  return h(
    'div',
    { id: 'plan-result' },
    h('h2', null, 'Planner results'),
    h(
      'div',
      { class: 'kpis' },
      [
        ['solver', r.backend],
        ['status', r.status ? words(r.status) : '–'],
        ['objective, per period', usd(r.objective)],
        ['gap', gapWords(r.gap)],
        ['enterprises placed', has(r.enterprises) ? `${placed} of ${r.enterprises}` : placed],
        ['solve time', has(r.seconds) ? `${Number(r.seconds).toFixed(3)} s` : '–'],
      ].map(([k, v]) => h('div', { class: 'kpi' }, h('span', { class: 'v' }, v ?? '–'), h('span', { class: 'k' }, k))),
    ),
    r.status && r.status !== 'infeasible' ? h('p', { id: 'plan-status' }, `${r.searched ? 'Solved by' : 'Planned with'} ${r.backend}: ${statusWords(r)}, gap ${gapWords(r.gap)}.`) : null,
    l
      ? h('p', { class: 'muted', id: 'plan-limits' }, `Limits: time ${has(l.time_limit_s) ? `${l.time_limit_s} s` : 'unlimited'} for the whole job, search tree ${l.memory_limit_mb} MB${has(l.node_limit) ? ` (node limit ${l.node_limit}, ${l.nodes} nodes solved)` : ''}.`)
      : null,
    m ? h('p', { class: 'muted', id: 'plan-model' }, `Model: ${m.columns} columns (${m.integers} integer), ${m.rows} rows; ${m.pruned} enterprise-park pairs pruned by the exact rule.`) : null,
    r.note ? h('p', null, `Note: ${r.note}.`) : null,
    Array.isArray(r.loosen) && r.loosen.length
      ? [h('h3', null, 'Constraints to loosen'), h('ul', { id: 'plan-loosen' }, r.loosen.map((s) => h('li', null, s)))]
      : null,
    h('h3', null, 'Allocation per park'),
    parks.length ? barChart({ title: 'Enterprises placed per park', bars: parks.map((p) => ({ name: name(p), value: count(p) })), id: 'plan-chart' }) : null,
    table(
      [
        { label: 'Park', value: (p) => name(p) },
        { label: 'Designated', value: (p) => (has(p.designated) ? (p.designated ? 'yes' : 'no') : '–') },
        { label: 'Enterprises', value: (p) => count(p), class: 'num' },
        { label: 'By sector', value: bySector },
        { label: 'Plots used', value: (p) => (has(p.plots) ? `${count(p)} of ${fmtNum(p.plots)}` : '–'), class: 'num' },
        { label: 'Land used', value: (p) => (has(p.area_ha) ? `${fmtNum(p.land_ha)} of ${fmtNum(p.area_ha, 6)} ha` : '–'), class: 'num' },
        { label: 'Workers', value: (p) => (has(p.labour_pool) ? `${fmtNum(p.workers, 6)} of ${fmtNum(p.labour_pool, 6)}` : '–'), class: 'num' },
        { label: 'Complete chains', value: (p) => (Array.isArray(p.complete_chains) ? (p.complete_chains.length ? p.complete_chains.map(words).join(', ') : 'none') : '–') },
      ],
      parks,
      { caption: 'Allocation per park', empty: 'The plan places no enterprise.', id: 'plan-parks' },
    ),
    h('h3', null, 'Bottlenecks'),
    bottlenecks,
    flows.length
      ? [
          h('h3', null, 'Factor flows per period'),
          table(
            [
              { label: 'Supplier', value: (f) => f.supplier },
              { label: 'Factor', value: (f) => `${words(f.kind)}${f.unit ? ` (${f.unit})` : ''}` },
              { label: 'Supplied', value: (f) => fmtNum(f.amount), class: 'num' },
              { label: 'Capacity', value: (f) => fmtNum(f.capacity), class: 'num' },
              { label: 'Used', value: (f) => pct(share(Number(f.amount), Number(f.capacity))), class: 'num' },
              { label: 'Unit cost', value: (f) => (has(f.unit_cost) ? `${usd(f.unit_cost)}${f.unit ? ` per ${f.unit}` : ''}` : '–'), class: 'num' },
              ...parks.map((p) => ({ label: `To ${name(p)}`, value: (f) => fmtNum(f.to_park?.[name(p)]), class: 'num' })),
            ],
            flows,
            { caption: 'What each supplier gives, of its capacity, and to which park', id: 'plan-flows' },
          ),
        ]
      : null,
    b
      ? [
          h('h3', null, 'Objective breakdown'),
          table(
            [
              { label: 'Term', value: (t) => t.term },
              { label: 'Weight', value: (t) => t.weight, class: 'num' },
              { label: 'Per period', value: (t) => t.value, class: 'num' },
            ],
            [
              { term: 'home gain (before factor costs)', weight: fmtNum(b.weights?.home), value: usd(b.home_gain) },
              { term: 'host gain', weight: fmtNum(b.weights?.host), value: usd(b.host_gain) },
              { term: 'host jobs (count)', weight: has(b.weights?.jobs) ? `${usd(b.weights.jobs)} per job` : '–', value: `${fmtNum(b.jobs, 6)} jobs` },
              { term: 'chain-completeness bonus', weight: '1', value: usd(b.chain_bonus) },
              { term: 'factor costs', weight: '−1', value: usd(b.factor_cost) },
              { term: 'objective', weight: '', value: usd(b.objective) },
            ],
            { caption: 'The objective, term by term', id: 'plan-breakdown' },
          ),
        ]
      : null,
  );
}
