// Unit tests of the dashboard's pure helpers (no browser needed): the form view's reading and
// writing of the scenario's TOML text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readStudy, writeStudy, modesOf, appendMode, customModes, sectorIds, PRESETS } from '../js/toml.js';

const SRC = `[scenario]
name = "t"

[study]
start_year = 2013
horizon_periods = 20     # ASSUMPTION
runs = 100
compare = ["fight_alone", "network"]

[[sector]]
id = "textiles"

[[sector]]
id = "agro_processing"

[[mode]]
id = "network_serial"
base = "network"
approvals = "serial"
`;

test('readStudy reads runs, horizon and the compared modes', () => {
  assert.deepEqual(readStudy(SRC), { start_year: 2013, horizon_periods: 20, runs: 100, compare: ['fight_alone', 'network'] });
});

test('writeStudy replaces keys in place and keeps their comments', () => {
  const out = writeStudy(SRC, { runs: 8, horizon_periods: 10, compare: ['hub'] });
  assert.match(out, /^horizon_periods = 10 {2}# ASSUMPTION$/m);
  assert.match(out, /^runs = 8$/m);
  assert.match(out, /^compare = \["hub"\]$/m);
  assert.deepEqual(readStudy(out), { start_year: 2013, horizon_periods: 10, runs: 8, compare: ['hub'] });
  // Nothing outside [study] moved.
  assert.equal(out.split('[[sector]]')[1], SRC.split('[[sector]]')[1]);
});

test('writeStudy adds a missing key inside [study], and a missing [study] after [scenario]', () => {
  const added = writeStudy(SRC, { seed: 7 });
  assert.equal(readStudy(added).seed, 7);
  assert.ok(added.indexOf('seed = 7') < added.indexOf('[[sector]]'));
  const bare = writeStudy('[scenario]\nname = "x"\n\n[[park]]\nid = "p"\n', { runs: 4 });
  assert.equal(bare, '[scenario]\nname = "x"\n\n[study]\nruns = 4\n\n[[park]]\nid = "p"\n');
  assert.deepEqual(readStudy(bare), { runs: 4 });
});

test('modesOf lists the presets and the custom modes, and the compared ones', () => {
  assert.deepEqual(customModes(SRC), ['network_serial']);
  const m = modesOf(SRC);
  assert.deepEqual(m.all, [...PRESETS, 'network_serial']);
  assert.deepEqual(m.compare, ['fight_alone', 'network']);
  assert.deepEqual(modesOf('[scenario]\nname = "x"\n').compare, PRESETS);
});

test('appendMode writes a [[mode]] table with only the levers set', () => {
  const out = appendMode(SRC, { id: 'hub_cohort', name: 'Hub with a "cohort"', base: 'hub', levers: { cohort: 'true', finance: 'coordinated', profit: '' } });
  const tail = out.slice(out.lastIndexOf('[[mode]]'));
  assert.equal(tail, '[[mode]]\nid = "hub_cohort"\nname = "Hub with a \\"cohort\\""\nbase = "hub"\ncohort = true\nfinance = "coordinated"\n');
  assert.deepEqual(customModes(out), ['network_serial', 'hub_cohort']);
});

test('sectorIds lists the sectors in file order', () => {
  assert.deepEqual(sectorIds(SRC), ['textiles', 'agro_processing']);
});
