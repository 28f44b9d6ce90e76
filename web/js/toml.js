// Tiny text helpers for the scenario's TOML: enough to read and set the common levers of the
// form view (the [study] table's runs, horizon_periods and compare, and [[mode]] ids) without a
// TOML library. The server remains the judge: every edit is validated by POST /api/scenarios/validate.

export const PRESETS = ['fight_alone', 'one_way_street', 'hub', 'network'];

function sectionRange(lines, header) {
  const start = lines.findIndex((l) => l.trim() === header);
  if (start < 0) return null;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i += 1) {
    if (/^\s*\[/.test(lines[i])) {
      end = i;
      break;
    }
  }
  return [start, end];
}

function keyRe(key) {
  return new RegExp(`^\\s*${key}\\s*=\\s*(.*?)\\s*(#.*)?$`);
}

export function readStudy(source) {
  const lines = source.split('\n');
  const r = sectionRange(lines, '[study]');
  const out = {};
  if (!r) return out;
  for (let i = r[0] + 1; i < r[1]; i += 1) {
    for (const key of ['runs', 'horizon_periods', 'seed', 'start_year', 'period_days']) {
      const m = lines[i].match(keyRe(key));
      if (m) out[key] = Number(m[1]);
    }
    const c = lines[i].match(keyRe('compare'));
    if (c) out.compare = [...c[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]);
  }
  return out;
}

// Set keys of [study] (adding the table or the key when missing), keeping comments and order.
export function writeStudy(source, values) {
  const lines = source.split('\n');
  let r = sectionRange(lines, '[study]');
  if (!r) {
    // After [scenario] when there is one, else at the top.
    const sc = sectionRange(lines, '[scenario]');
    const at = sc ? sc[1] : 0;
    lines.splice(at, 0, '[study]', '');
    r = [at, at + 1];
  }
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? `[${value.map((v) => `"${v}"`).join(', ')}]` : String(value);
    let found = false;
    for (let i = r[0] + 1; i < r[1]; i += 1) {
      const m = lines[i].match(keyRe(key));
      if (m) {
        lines[i] = `${key} = ${text}${m[2] ? `  ${m[2]}` : ''}`;
        found = true;
        break;
      }
    }
    if (!found) {
      // Insert after the last key line of the table.
      let at = r[0] + 1;
      for (let i = r[0] + 1; i < r[1]; i += 1) if (/^\s*[A-Za-z_]+\s*=/.test(lines[i])) at = i + 1;
      lines.splice(at, 0, `${key} = ${text}`);
      r = [r[0], r[1] + 1];
    }
  }
  return lines.join('\n');
}

export function customModes(source) {
  const ids = [];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i].trim() !== '[[mode]]') continue;
    for (let j = i + 1; j < lines.length && !/^\s*\[/.test(lines[j]); j += 1) {
      const m = lines[j].match(/^\s*id\s*=\s*"([^"]+)"/);
      if (m) {
        ids.push(m[1]);
        break;
      }
    }
  }
  return ids;
}

export function modesOf(source) {
  const custom = customModes(source);
  const all = [...PRESETS, ...custom.filter((m) => !PRESETS.includes(m))];
  const study = readStudy(source);
  const compare = study.compare && study.compare.length ? study.compare : PRESETS;
  return { all, compare, custom };
}

export function appendMode(source, mode) {
  const lines = ['', '[[mode]]', `id = "${mode.id}"`];
  if (mode.name) lines.push(`name = "${mode.name.replace(/"/g, '\\"')}"`);
  lines.push(`base = "${mode.base}"`);
  for (const [k, v] of Object.entries(mode.levers || {})) {
    if (v === '' || v === undefined) continue;
    lines.push(typeof v === 'string' && !/^(true|false|[0-9.]+)$/.test(v) ? `${k} = "${v}"` : `${k} = ${v}`);
  }
  return source.replace(/\s*$/, '') + '\n' + lines.join('\n') + '\n';
}

// Ids of the [[sector]] tables in file order (the planner's result numbers sectors this way).
export function sectorIds(source) {
  const ids = [];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i].trim() !== '[[sector]]') continue;
    for (let j = i + 1; j < lines.length && !/^\s*\[/.test(lines[j]); j += 1) {
      const m = lines[j].match(/^\s*id\s*=\s*"([^"]+)"/);
      if (m) {
        ids.push(m[1]);
        break;
      }
    }
  }
  return ids;
}
