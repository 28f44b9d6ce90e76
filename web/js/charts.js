// Charts drawn as inline SVG from a job's result JSON: a line chart with uncertainty bands (one
// line per mode) and an interval chart (mean with its interval, one row per mode). Each chart is a
// <figure> with a caption, a text alternative (role="img" + aria-label) and a legend in text, and
// its data can be read as a table underneath.
import { h } from './ui.js';

// Okabe-Ito, as in the HTML report (colour-blind safe); all four first colours reach 3:1 on white
// for graphics.
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999933'];

const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

function niceTicks(lo, hi, n = 5) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) {
    const d = Math.abs(lo) || 1;
    lo -= d / 2;
    hi += d / 2;
  }
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) || raw;
  const ticks = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[0] > lo) ticks.unshift(ticks[0] - step);
  if (ticks[ticks.length - 1] < hi) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

export function fmtTick(v) {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${(v / 1e3).toPrecision(3)}k`;
  if (a !== 0 && a < 0.01) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

// series: [{name, points: [{x, y, lo, hi}]}]
export function lineChart({ title, series, xLabel = 'period', yLabel = '', id }) {
  const W = 640;
  const H = 320;
  const m = { l: 64, r: 16, t: 12, b: 44 };
  const all = series.flatMap((se) => se.points);
  const xs = all.map((p) => p.x);
  const ys = all.flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y]).filter(Number.isFinite);
  const xt = niceTicks(Math.min(...xs), Math.max(...xs), 6);
  const yt = niceTicks(Math.min(...ys), Math.max(...ys), 5);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs) === Math.min(...xs) ? Math.min(...xs) + 1 : Math.max(...xs)];
  const [y0, y1] = [yt[0], yt[yt.length - 1]];
  const X = (v) => m.l + ((v - x0) / (x1 - x0)) * (W - m.l - m.r);
  const Y = (v) => H - m.b - ((v - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);

  const g = s('g');
  for (const t of yt) {
    g.append(s('line', { x1: m.l, x2: W - m.r, y1: Y(t), y2: Y(t), stroke: '#dde2e8' }));
    g.append(s('text', { x: m.l - 6, y: Y(t) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#333' }, fmtTick(t)));
  }
  for (const t of xt.filter((t) => t >= x0 && t <= x1)) {
    g.append(s('line', { x1: X(t), x2: X(t), y1: H - m.b, y2: H - m.b + 4, stroke: '#333' }));
    g.append(s('text', { x: X(t), y: H - m.b + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#333' }, fmtTick(t)));
  }
  g.append(s('line', { x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b, stroke: '#333' }));
  g.append(s('line', { x1: m.l, x2: m.l, y1: m.t, y2: H - m.b, stroke: '#333' }));
  g.append(s('text', { x: (m.l + W - m.r) / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 12, fill: '#222' }, xLabel));
  if (yLabel) g.append(s('text', { x: 14, y: (m.t + H - m.b) / 2, 'text-anchor': 'middle', 'font-size': 12, fill: '#222', transform: `rotate(-90 14 ${(m.t + H - m.b) / 2})` }, yLabel));

  series.forEach((se, i) => {
    const c = se.color || PALETTE[i % PALETTE.length];
    const pts = se.points.filter((p) => Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
    if (!pts.length) return;
    const band = pts.filter((p) => Number.isFinite(p.lo) && Number.isFinite(p.hi));
    if (band.length > 1) {
      const d = band.map((p, k) => `${k ? 'L' : 'M'}${X(p.x).toFixed(1)},${Y(p.hi).toFixed(1)}`).join('') +
        band.slice().reverse().map((p) => `L${X(p.x).toFixed(1)},${Y(p.lo).toFixed(1)}`).join('') + 'Z';
      g.append(s('path', { d, fill: c, 'fill-opacity': 0.15, stroke: 'none' }));
    }
    const d = pts.map((p, k) => `${k ? 'L' : 'M'}${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join('');
    g.append(s('path', { d, fill: 'none', stroke: c, 'stroke-width': 2, 'stroke-dasharray': i >= 4 ? '6 3' : null }));
  });

  const last = series.map((se) => {
    const p = se.points[se.points.length - 1];
    return p ? `${se.name} ends at ${fmtTick(p.y)}` : se.name;
  });
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}: ${last.join('; ')}` }, g);
  return h(
    'figure',
    { class: 'chart', id, 'data-chart': title },
    h('figcaption', null, title),
    svg,
    h('div', { class: 'legend', 'aria-hidden': 'true' }, series.map((se, i) => h('span', { style: `--c:${se.color || PALETTE[i % PALETTE.length]}` }, se.name))),
  );
}

// rows: [{name, mean, lo, hi}] -> dot-and-whisker chart, one row per mode.
export function intervalChart({ title, rows, id }) {
  const W = 640;
  const rowH = 30;
  const m = { l: 150, r: 24, t: 8, b: 30 };
  const H = m.t + m.b + rowH * rows.length;
  const vals = rows.flatMap((r) => [r.mean, r.lo ?? r.mean, r.hi ?? r.mean]).filter(Number.isFinite);
  const ticks = niceTicks(Math.min(...vals), Math.max(...vals), 5);
  const [v0, v1] = [ticks[0], ticks[ticks.length - 1]];
  const X = (v) => m.l + ((v - v0) / (v1 - v0 || 1)) * (W - m.l - m.r);
  const g = s('g');
  for (const t of ticks) {
    g.append(s('line', { x1: X(t), x2: X(t), y1: m.t, y2: H - m.b, stroke: '#dde2e8' }));
    g.append(s('text', { x: X(t), y: H - m.b + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#333' }, fmtTick(t)));
  }
  rows.forEach((r, i) => {
    const y = m.t + rowH * i + rowH / 2;
    const c = r.color || PALETTE[i % PALETTE.length];
    g.append(s('text', { x: m.l - 8, y: y + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#222' }, r.name));
    if (Number.isFinite(r.lo) && Number.isFinite(r.hi)) {
      g.append(s('line', { x1: X(r.lo), x2: X(r.hi), y1: y, y2: y, stroke: c, 'stroke-width': 2 }));
      g.append(s('line', { x1: X(r.lo), x2: X(r.lo), y1: y - 6, y2: y + 6, stroke: c, 'stroke-width': 2 }));
      g.append(s('line', { x1: X(r.hi), x2: X(r.hi), y1: y - 6, y2: y + 6, stroke: c, 'stroke-width': 2 }));
    }
    if (Number.isFinite(r.mean)) g.append(s('circle', { cx: X(r.mean), cy: y, r: 5, fill: c }));
  });
  const label = rows.map((r) => `${r.name} ${fmtTick(r.mean)} (${fmtTick(r.lo)} to ${fmtTick(r.hi)})`).join('; ');
  return h(
    'figure',
    { class: 'chart', id, 'data-chart': title },
    h('figcaption', null, title),
    s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}: ${label}` }, g),
  );
}

// bars: [{name, value}] -> horizontal bar chart (planner allocation per park).
export function barChart({ title, bars, id, unit = '' }) {
  const W = 640;
  const rowH = 28;
  const m = { l: 170, r: 60, t: 8, b: 8 };
  const H = m.t + m.b + rowH * bars.length;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const X = (v) => ((W - m.l - m.r) * v) / max;
  const g = s('g');
  bars.forEach((b, i) => {
    const y = m.t + rowH * i;
    g.append(s('text', { x: m.l - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#222' }, b.name));
    g.append(s('rect', { x: m.l, y: y + 4, width: Math.max(1, X(b.value)), height: rowH - 8, fill: PALETTE[0] }));
    g.append(s('text', { x: m.l + X(b.value) + 6, y: y + rowH / 2 + 4, 'font-size': 12, fill: '#222' }, `${fmtTick(b.value)}${unit}`));
  });
  return h(
    'figure',
    { class: 'chart', id, 'data-chart': title },
    h('figcaption', null, title),
    s('svg', { viewBox: `0 0 ${W} ${H}`, style: 'max-width:720px', role: 'img', 'aria-label': `${title}: ${bars.map((b) => `${b.name} ${b.value}`).join('; ')}` }, g),
  );
}
