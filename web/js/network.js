// The network view of a study's result: cytoscape.js (vendored, MIT) draws the units and the
// factor flows, with pan, zoom and select by mouse or touch. The same actions have keyboard
// controls beside the canvas (zoom buttons, a node picker), and each flow layer (one per factor)
// can be switched on and off.
import { h, replace, field, select, button, table, fmtNum, words, nextId } from './ui.js';
import { PALETTE } from './charts.js';

const KIND_SHAPE = {
  government: 'star', department: 'diamond', enterprise: 'ellipse', enterprise_group: 'ellipse',
  host_firm_group: 'round-rectangle', host_firm: 'round-rectangle', university: 'triangle', research_institute: 'vee', finance: 'hexagon',
  intermediary: 'rhomboid', promoting_org: 'octagon', park: 'rectangle',
};

export async function networkView(box, raw) {
  const { default: cytoscape } = await import('../vendor/cytoscape/cytoscape.esm.min.js');
  // Nodes of an aggregated network are named `side:kind` (e.g. `home:enterprise`) and may carry
  // no kind or side of their own.
  const net = {
    ...raw,
    nodes: raw.nodes.map((n) => {
      const [side, kind] = String(n.id).includes(':') ? String(n.id).split(':') : [];
      return { ...n, side: n.side ?? side ?? 'unknown', kind: n.kind ?? kind ?? 'unit' };
    }),
  };
  const factors = [...new Set(net.edges.map((e) => e.factor || 'flow'))].sort();
  const fColor = new Map(factors.map((f, i) => [f, PALETTE[i % PALETTE.length]]));
  // Widths are relative within a factor: factors have different units (US$, people, ...).
  const maxW = new Map(factors.map((f) => [f, Math.max(1e-9, ...net.edges.filter((e) => (e.factor || 'flow') === f).map((e) => Math.abs(Number(e.weight) || 0)))]));

  const canvas = h('div', { id: 'network-canvas', role: 'img', 'aria-label': `Network of ${net.nodes.length} units and ${net.edges.length} flows${net.class ? `; structure: ${net.class}` : ''}. Use the controls above it to zoom and select.` });
  const info = h('div', { id: 'network-info', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Select a unit to see its flows.'));
  const layers = h(
    'fieldset',
    { id: 'flow-layers' },
    h('legend', null, 'Flow layers'),
    factors.map((f) => {
      const id = nextId('layer');
      const cb = h('input', { type: 'checkbox', id, value: f, checked: true });
      cb.addEventListener('change', () => {
        const sel = cy.edges().filter((e) => e.data('factor') === f);
        if (cb.checked) sel.style('display', 'element');
        else sel.style('display', 'none');
      });
      return h('div', { class: 'field inline' }, cb, h('label', { for: id }, h('span', { style: `color:${fColor.get(f)}`, 'aria-hidden': 'true' }, '━ '), words(f)));
    }),
  );
  const picker = select([['', '— none —'], ...net.nodes.map((n) => [n.id, String(n.id).includes(':') ? `${words(n.kind)} (${n.side} side)` : `${n.id} (${words(n.kind)}, ${n.side})`])], { name: 'node' });
  const layoutSel = select([['cose', 'Force-directed'], ['concentric', 'Concentric by degree'], ['circle', 'Circle'], ['breadthfirst', 'Layers']], { name: 'layout' });
  const controls = h(
    'div',
    { class: 'row' },
    field('Select a unit', picker),
    field('Layout', layoutSel),
    h(
      'div',
      { class: 'field' },
      h('span', { class: 'visually-hidden' }, 'View'),
      h(
        'div',
        { class: 'actions' },
        button('Zoom in', () => zoom(1.25), { class: 'secondary small' }),
        button('Zoom out', () => zoom(0.8), { class: 'secondary small' }),
        button('Fit', () => cy.fit(undefined, 20), { class: 'secondary small' }),
      ),
    ),
  );
  replace(
    box,
    net.class ? h('p', null, 'Structure: ', h('strong', { id: 'network-class' }, words(net.class))) : null,
    layers,
    controls,
    canvas,
    info,
  );

  const cy = cytoscape({
    container: canvas,
    elements: [
      ...net.nodes.map((n) => ({ data: { id: String(n.id), label: String(n.id), kind: n.kind, side: n.side } })),
      ...net.edges.map((e, i) => ({
        data: { id: `e${i}`, source: String(e.source), target: String(e.target), factor: e.factor || 'flow', weight: Number(e.weight) || 0 },
      })),
    ],
    style: [
      {
        selector: 'node',
        style: {
          label: 'data(label)', 'font-size': 10, color: '#1b1f24', 'text-valign': 'bottom', 'text-margin-y': 3,
          width: 18, height: 18, 'background-color': '#4a5360', 'border-width': 1, 'border-color': '#fff',
        },
      },
      { selector: 'node[side = "home"]', style: { 'background-color': '#0072B2' } },
      { selector: 'node[side = "host"]', style: { 'background-color': '#D55E00' } },
      ...Object.entries(KIND_SHAPE).map(([k, shape]) => ({ selector: `node[kind = "${k}"]`, style: { shape } })),
      {
        selector: 'edge',
        style: {
          width: (e) => 1 + 5 * (Math.abs(e.data('weight')) / maxW.get(e.data('factor'))),
          'line-color': (e) => fColor.get(e.data('factor')),
          'target-arrow-color': (e) => fColor.get(e.data('factor')),
          'target-arrow-shape': 'triangle', 'curve-style': 'bezier', opacity: 0.75,
        },
      },
      { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#b35900' } },
      { selector: '.faded', style: { opacity: 0.15 } },
    ],
    layout: { name: 'cose', animate: false, randomize: false, nodeRepulsion: () => 8000 },
    wheelSensitivity: 0.3,
  });

  function zoom(f) {
    cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: canvas.clientWidth / 2, y: canvas.clientHeight / 2 } });
  }
  function show(id) {
    cy.elements().removeClass('faded');
    cy.nodes().unselect();
    if (!id) {
      replace(info, h('p', { class: 'muted' }, 'Select a unit to see its flows.'));
      return;
    }
    const n = cy.getElementById(id);
    if (!n.length) return;
    n.select();
    const hood = n.closedNeighborhood();
    cy.elements().not(hood).addClass('faded');
    const edges = n.connectedEdges().map((e) => e.data());
    replace(
      info,
      h('h3', null, `${id}: ${words(n.data('kind'))}, ${n.data('side')} side`),
      table(
        [
          { label: 'From', value: (e) => e.source },
          { label: 'To', value: (e) => e.target },
          { label: 'Factor', value: (e) => words(e.factor) },
          { label: 'Weight', value: (e) => fmtNum(e.weight), class: 'num' },
        ],
        edges,
        { caption: `${edges.length} flow(s)`, empty: 'No flow.' },
      ),
    );
  }
  cy.on('tap', 'node', (ev) => {
    picker.value = ev.target.id();
    show(ev.target.id());
  });
  cy.on('tap', (ev) => {
    if (ev.target === cy) {
      picker.value = '';
      show('');
    }
  });
  picker.addEventListener('change', () => show(picker.value));
  layoutSel.addEventListener('change', () => cy.layout({ name: layoutSel.value, animate: false, concentric: (n) => n.degree() }).run());
  box.cy = cy;
  return cy;
}
