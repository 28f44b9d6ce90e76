//! A checked sweep bound to its base scenario: builds each design point's scenario and runs
//! a chunk of points. Pure: no files, no clock; parallel on the current rayon pool with
//! results in point order, so output is the same on any thread count.

use std::collections::BTreeMap;
use std::ops::Range;

use rayon::prelude::*;
use symbiont_abm::Params;
use symbiont_model::seed::{derive, label};
use symbiont_model::{Diagnostics, Scenario, parse_scenario};
use symbiont_study::metrics::METRICS;
use symbiont_study::runner::run_seed;
use toml::Table;

use crate::SweepError;
use crate::design::{Design, DesignKind};
use crate::spec::{DesignChoice, OutputSpec, SweepSpec, located};

/// A resolved output: metric index and mode positions (in `spec.modes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub name: String,
    pub metric: usize,
    pub mode: usize,
    pub minus: Option<usize>,
}

/// A sweep ready to run.
#[derive(Debug)]
pub struct BoundSweep {
    pub spec: SweepSpec,
    pub design: Design,
    pub outputs: Vec<Output>,
    base: Table,
    origin: String,
    /// Free memory to check each point's size against (`None`: counts only).
    free_memory: Option<u64>,
}

/// One finished design point: its seed, parameter values and outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct PointRow {
    pub point: u64,
    pub seed: u64,
    /// Parameter values (a choice's index), in the order of `spec.parameters`.
    pub values: Vec<f64>,
    /// Outputs, in the order of [`BoundSweep::outputs`].
    pub outputs: Vec<f64>,
}

/// One run: a replication of one mode at one point, with every metric at the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub point: u64,
    pub replication: u32,
    /// Position in `spec.modes`.
    pub mode: usize,
    pub seed: u64,
    /// [`METRICS`] at the last period, in their order.
    pub metrics: Vec<f64>,
}

/// The rows of a chunk of points.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkRows {
    pub points: Vec<PointRow>,
    pub runs: Vec<RunRow>,
}

/// The seed of design point `i`: a function of the master seed and the index alone.
pub fn point_seed(master: u64, i: u64) -> u64 {
    derive(master, &[label("point"), i])
}

/// The seed every point shares under `seeds = "common"`.
pub fn common_seed(master: u64) -> u64 {
    derive(master, &[label("common")])
}

fn first_problem(d: &Diagnostics) -> String {
    d.items
        .iter()
        .take(3)
        .map(|x| {
            let mut s = format!("{}: {}", x.path, x.message);
            if let Some(e) = &x.expected {
                s.push_str(&format!(" (expected {e})"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl BoundSweep {
    /// Bind a spec to the base scenario's text. Checks that every path exists and that every
    /// parameter's extreme values give a valid scenario, and resolves modes and outputs.
    /// `spec_text`/`spec_origin` locate problems in SWEEP.toml.
    pub fn new(
        spec: SweepSpec,
        spec_text: &str,
        spec_origin: &str,
        base_text: &str,
        base_origin: &str,
    ) -> Result<Self, SweepError> {
        let at = |span: Range<usize>, field: &str, m: String| {
            located(spec_text, spec_origin, span, field, m)
        };
        let base_scenario = parse_scenario(base_text, base_origin).map_err(|d| {
            SweepError::Base { origin: base_origin.to_string(), message: d.render(base_text) }
        })?;
        let mut base: Table = toml::from_str(base_text).map_err(|e| SweepError::Base {
            origin: base_origin.to_string(),
            message: e.to_string(),
        })?;
        let mut renamed = BTreeMap::new();
        for f in &spec.fixed {
            f.path
                .set(&mut base, f.value.clone(), &mut renamed)
                .map_err(|m| at(f.span.clone(), "set", m))?;
        }
        let probe = |table: &Table| -> Result<Scenario, Diagnostics> {
            parse_scenario(&toml::to_string(table).unwrap_or_default(), base_origin)
        };
        probe(&base).map_err(|d| {
            at(spec.fixed.first().map_or(0..0, |f| f.span.clone()), "set", first_problem(&d))
        })?;

        // Every parameter at each end of its range (every value of a choice) on the base.
        for p in &spec.parameters {
            let ends: Vec<f64> = match p.dist.natural_levels() {
                Some(n) => p.dist.grid(n),
                None => vec![0.0, 1.0],
            };
            for u in ends {
                let mut t = base.clone();
                let value = p.dist.value(u);
                p.path
                    .set(&mut t, value.clone(), &mut BTreeMap::new())
                    .map_err(|m| at(p.span.clone(), &p.name, m))?;
                probe(&t).map_err(|d| {
                    at(
                        p.span.clone(),
                        &p.name,
                        format!(
                            "the value {value} gives an invalid scenario: {}",
                            first_problem(&d)
                        ),
                    )
                })?;
            }
        }
        for m in &spec.modes {
            if !base_scenario.modes.iter().any(|d| &d.id == m) {
                let ids: Vec<&str> = base_scenario.modes.iter().map(|d| d.id.as_str()).collect();
                return Err(at(
                    spec.modes_span.clone(),
                    "sweep.modes",
                    format!("no mode `{m}`; the modes are {}", ids.join(", ")),
                ));
            }
        }
        let outputs = resolve_outputs(&spec, &at)?;
        let k = spec.parameters.len();
        let kind = match spec.design {
            DesignChoice::Factorial { levels } => DesignKind::Factorial {
                grids: spec
                    .parameters
                    .iter()
                    .map(|p| p.dist.grid(p.levels.or(p.dist.natural_levels()).unwrap_or(levels)))
                    .collect(),
            },
            DesignChoice::Random { samples } => DesignKind::Random { n: samples },
            DesignChoice::Lhs { samples } => DesignKind::Lhs { n: samples },
            DesignChoice::Sobol { samples } => DesignKind::Saltelli { n: samples },
            DesignChoice::Morris { trajectories, levels } => {
                DesignKind::Morris { r: trajectories, p: levels }
            }
        };
        let design = Design::new(kind, k, derive(spec.seed, &[label("design")]))
            .map_err(|e| at(0..0, "design", e.to_string()))?;
        Ok(BoundSweep {
            spec,
            design,
            outputs,
            base,
            origin: base_origin.to_string(),
            free_memory: None,
        })
    }

    /// Number of design points.
    pub fn points(&self) -> u64 {
        self.design.len()
    }

    /// Number of chunks (part files) the points are cut into.
    pub fn chunks(&self) -> u64 {
        self.points().div_ceil(u64::from(self.spec.chunk))
    }

    /// The points of chunk `c`.
    pub fn chunk_range(&self, c: u64) -> Range<u64> {
        let size = u64::from(self.spec.chunk);
        c * size..((c + 1) * size).min(self.points())
    }

    /// The scenario of point `i`, the indices of the sweep's modes in it, and its parameter values.
    pub fn point_scenario(&self, i: u64) -> Result<(Scenario, Vec<usize>, Vec<f64>), SweepError> {
        let u = self.design.point(i);
        let mut t = self.base.clone();
        let mut renamed = BTreeMap::new();
        let mut values = Vec::with_capacity(u.len());
        for (p, &x) in self.spec.parameters.iter().zip(&u) {
            p.path
                .set(&mut t, p.dist.value(x), &mut renamed)
                .map_err(|m| SweepError::Point { point: i, message: m })?;
            values.push(p.dist.quantile(x));
        }
        let text = toml::to_string(&t)
            .map_err(|e| SweepError::Point { point: i, message: e.to_string() })?;
        let sc = parse_scenario(&text, &self.origin)
            .map_err(|d| SweepError::Point { point: i, message: first_problem(&d) })?;
        let modes = self
            .spec
            .modes
            .iter()
            .map(|m| {
                let id = renamed.get(m).unwrap_or(m);
                sc.modes.iter().position(|d| &d.id == id).ok_or_else(|| SweepError::Point {
                    point: i,
                    message: format!("mode `{id}` is missing"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((sc, modes, values))
    }

    /// Check each point's size against this much free memory before it runs (the command
    /// line passes what the machine has; the plan itself reads no files).
    pub fn with_free_memory(mut self, free: Option<u64>) -> BoundSweep {
        self.free_memory = free;
        self
    }

    /// Run every point of `range`: replications × modes in parallel, rows in point order.
    pub fn run_points(&self, range: Range<u64>, params: &Params) -> Result<ChunkRows, SweepError> {
        let prepared: Vec<_> = range
            .clone()
            .into_par_iter()
            .map(|i| {
                let (sc, modes, values) = self.point_scenario(i)?;
                // A point whose counts cannot fit is refused before its population is drawn;
                // every thread and every point of the chunk holds a population.
                let holders = rayon::current_num_threads() + self.spec.chunk as usize;
                let size = symbiont_study::size::size(
                    &sc,
                    u64::from(self.spec.replications),
                    modes.len() as u64,
                    holders,
                );
                symbiont_study::size::check(&size, self.free_memory, "replications")
                    .map_err(|e| SweepError::Point { point: i, message: e.to_string() })?;
                let seed = if self.spec.common_seeds {
                    common_seed(self.spec.seed)
                } else {
                    point_seed(self.spec.seed, i)
                };
                let population = symbiont_abm::population::generate(&sc, seed);
                // The planned modes' sites, planned for this point's scenario and population
                // exactly as `simulate` plans them.
                let planned = symbiont_study::planned::planned_sites(&sc, &population, &modes)
                    .map_err(|e| SweepError::Point { point: i, message: e.to_string() })?
                    .map(|p| p.sites);
                Ok((i, seed, sc, modes, values, population, planned))
            })
            .collect::<Result<Vec<_>, SweepError>>()?;
        let reps = self.spec.replications;
        let nm = self.spec.modes.len();
        let jobs: Vec<(usize, usize, u32)> = (0..prepared.len())
            .flat_map(|p| (0..nm).flat_map(move |m| (0..reps).map(move |r| (p, m, r))))
            .collect();
        let runs: Vec<RunRow> = jobs
            .par_iter()
            .map(|&(p, m, r)| {
                let (i, seed, sc, modes, _, population, planned) = &prepared[p];
                let rseed = run_seed(*seed, r);
                let input = symbiont_abm::RunInput {
                    scenario: sc,
                    population,
                    levers: &sc.modes[modes[m]].levers,
                    params,
                    seed: rseed,
                    planned_sites: planned.as_deref(),
                };
                let out = symbiont_abm::run(&input).map_err(|e| SweepError::Run {
                    point: *i,
                    mode: self.spec.modes[m].clone(),
                    message: e.to_string(),
                })?;
                let last = out.periods.last().ok_or(SweepError::Point {
                    point: *i,
                    message: "the run has no periods".into(),
                })?;
                Ok(RunRow {
                    point: *i,
                    replication: r,
                    mode: m,
                    seed: rseed,
                    metrics: METRICS.iter().map(|x| (x.get)(last)).collect(),
                })
            })
            .collect::<Result<_, SweepError>>()?;
        let per_point = nm * reps as usize;
        let points = prepared
            .iter()
            .enumerate()
            .map(|(p, (i, seed, _, _, values, _, _))| {
                let rows = &runs[p * per_point..(p + 1) * per_point];
                let mean = |metric: usize, mode: usize| {
                    rows.iter().filter(|r| r.mode == mode).map(|r| r.metrics[metric]).sum::<f64>()
                        / f64::from(reps)
                };
                let outputs = self
                    .outputs
                    .iter()
                    .map(|o| mean(o.metric, o.mode) - o.minus.map_or(0.0, |b| mean(o.metric, b)))
                    .collect();
                PointRow { point: *i, seed: *seed, values: values.clone(), outputs }
            })
            .collect();
        Ok(ChunkRows { points, runs })
    }
}

fn resolve_outputs(
    spec: &SweepSpec,
    at: &dyn Fn(Range<usize>, &str, String) -> SweepError,
) -> Result<Vec<Output>, SweepError> {
    let mode_ix = |m: &str| spec.modes.iter().position(|x| x == m);
    if spec.outputs.is_empty() {
        let mut out = Vec::new();
        for (mi, metric) in METRICS.iter().enumerate() {
            for (m, id) in spec.modes.iter().enumerate() {
                out.push(Output {
                    name: format!("{}@{id}", metric.key),
                    metric: mi,
                    mode: m,
                    minus: None,
                });
            }
            for (m, id) in spec.modes.iter().enumerate().skip(1) {
                out.push(Output {
                    name: format!("{}@{id}-{}", metric.key, spec.modes[0]),
                    metric: mi,
                    mode: m,
                    minus: Some(0),
                });
            }
        }
        return Ok(out);
    }
    spec.outputs
        .iter()
        .map(|o: &OutputSpec| {
            let metric = METRICS.iter().position(|m| m.key == o.metric).ok_or_else(|| {
                let keys: Vec<&str> = METRICS.iter().map(|m| m.key).collect();
                at(o.span.clone(), "sweep.outputs", format!("unknown metric `{}`; the metrics are {}", o.metric, keys.join(", ")))
            })?;
            let (mode, minus) = if let Some(m) = mode_ix(&o.mode) {
                (m, None)
            } else {
                // `a-b`: try every `-` (mode ids may contain one).
                o.mode
                    .match_indices('-')
                    .find_map(|(pos, _)| Some((mode_ix(&o.mode[..pos])?, Some(mode_ix(&o.mode[pos + 1..])?))))
                    .ok_or_else(|| {
                        at(
                            o.span.clone(),
                            "sweep.outputs",
                            format!("`{}` names no sweep mode (or `a-b` of two); the sweep's modes are {}", o.mode, spec.modes.join(", ")),
                        )
                    })?
            };
            Ok(Output { name: o.name.clone(), metric, mode, minus })
        })
        .collect()
}
