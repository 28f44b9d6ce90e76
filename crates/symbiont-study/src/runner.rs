//! The Monte Carlo runner: modes × runs over derived seeds, parallel across runs, results
//! handed to a sink in a fixed order so that output is identical for any thread count.

use rayon::prelude::*;
use symbiont_abm::output::RunOutput;
use symbiont_abm::{Params, RunInput};
use symbiont_model::population::Population;
use symbiont_model::seed::{derive, label};
use symbiont_model::{ModeDef, Scenario};

use crate::StudyError;
use crate::structure::{RunStructure, entity_graph, measure};
use crate::summary::{Aggregator, StudySummary};

/// Which population each run simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PopulationMode {
    /// Every run draws its own population from (master seed, run index): the Monte Carlo
    /// covers the population, and the same run index sees the same population in every mode
    /// (common random numbers).
    #[default]
    PerRun,
    /// One population, drawn once from the master seed, for every run: the intervals cover
    /// the run's own randomness only.
    Fixed,
}

impl PopulationMode {
    pub fn word(self) -> &'static str {
        match self {
            PopulationMode::PerRun => "per-run",
            PopulationMode::Fixed => "fixed",
        }
    }
    /// What the intervals of a study include, in words.
    pub fn intervals_include(self) -> &'static str {
        match self {
            PopulationMode::PerRun => "the population drawn per run and each run's randomness",
            PopulationMode::Fixed => "each run's randomness on one fixed population",
        }
    }
}

/// Runs per mode whose network is measured by default.
pub const STRUCTURE_RUNS: u32 = 20;

/// What to run.
#[derive(Debug, Clone)]
pub struct StudyOptions {
    /// Indices into `scenario.modes`, in the order to report them.
    pub modes: Vec<usize>,
    pub runs: u32,
    /// Master seed: the population and every run's stream derive from it.
    pub seed: u64,
    /// Mechanism parameters of the engine.
    pub params: Params,
    /// The planner's sites per enterprise, for modes whose site choice is `planned`.
    pub planned_sites: Option<Vec<Option<u16>>>,
    /// Fit the macro symbiosis mode per run from the aggregate home and host series.
    pub macro_mode: bool,
    /// Which population each run simulates (default: one per run). A planned site choice
    /// needs the population the plan was made for, so a study with planned sites runs on the
    /// fixed population whatever this says ([`StudyOptions::effective_population`]).
    pub population: PopulationMode,
    /// Record the entity-level ties of the first `structure_runs` runs of each mode and measure
    /// the network they form ([`crate::structure`]; 0: off). The ties of each mode's first run
    /// reach the sink. Measuring costs about as much as the run itself, so the default
    /// ([`STRUCTURE_RUNS`]) keeps a study of 100 runs quick.
    pub structure_runs: u32,
}

impl StudyOptions {
    /// The scenario's own study settings: its compared modes, runs and seed.
    pub fn from_scenario(s: &Scenario) -> Self {
        StudyOptions {
            modes: s.study.compare.clone(),
            runs: s.study.runs,
            seed: s.study.seed,
            params: Params::default(),
            planned_sites: None,
            macro_mode: true,
            population: PopulationMode::PerRun,
            structure_runs: STRUCTURE_RUNS,
        }
    }

    /// The population mode the study actually uses: `Fixed` when planned sites are given.
    pub fn effective_population(&self) -> PopulationMode {
        if self.planned_sites.is_some() { PopulationMode::Fixed } else { self.population }
    }
}

/// One finished run, as handed to a sink.
#[derive(Debug)]
pub struct RunRecord<'a> {
    pub mode: &'a ModeDef,
    pub run: u32,
    pub seed: u64,
    pub output: &'a RunOutput,
    /// The run's network structure, when the study measures it.
    pub structure: Option<&'a RunStructure>,
    /// The run's network (entities and ties), when it is kept: the first run of each mode.
    pub network: Option<&'a symbiont_network::EntityGraph>,
}

/// Receives finished runs in a fixed order (mode by mode, run by run).
pub trait Sink {
    fn write_run(&mut self, record: &RunRecord<'_>) -> Result<(), StudyError>;
}

/// A sink that keeps nothing (for summaries only).
#[derive(Debug, Default)]
pub struct NullSink;

impl Sink for NullSink {
    fn write_run(&mut self, _: &RunRecord<'_>) -> Result<(), StudyError> {
        Ok(())
    }
}

/// A run whose outcomes are not finite fails, naming the first metric and period.
fn check_finite(mode: &str, run: u32, out: &RunOutput) -> Result<(), StudyError> {
    for p in &out.periods {
        for m in crate::metrics::METRICS {
            let v = (m.get)(p);
            if !v.is_finite() {
                return Err(StudyError::NonFinite {
                    mode: mode.to_string(),
                    run,
                    metric: m.key,
                    period: p.period,
                    value: v,
                });
            }
        }
    }
    Ok(())
}

/// The seed of run `run`: the same for every mode (common random numbers), so modes are
/// compared under the same shocks, and adding a mode changes no other mode's results.
pub fn run_seed(master: u64, run: u32) -> u64 {
    derive(master, &[label("run"), u64::from(run)])
}

/// The seed of run `run`'s population under [`PopulationMode::PerRun`]: the same for every
/// mode, independent of the run's own stream.
pub fn population_seed(master: u64, run: u32) -> u64 {
    derive(master, &[label("population"), u64::from(run)])
}

/// Run the study: every mode in `opts.modes` for `opts.runs` runs. Runs execute in parallel
/// on the current rayon pool in chunks; each chunk's results go to `sink` and the summary in
/// job order. `progress(done, total)` is called after every run.
pub fn run_study(
    scenario: &Scenario,
    population: &Population,
    opts: &StudyOptions,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<StudySummary, StudyError> {
    run_jobs(scenario, &|_| scenario, Some(population), opts, sink, progress)
}

/// Run the study over draws of the scenario (e.g. from a calibration's posterior): run `r`
/// of every mode simulates `draws[r]` on its own population, so the modes are compared under
/// the same parameters and the same shocks. `opts.runs` must equal `draws.len()`; the
/// summary's years, modes and labels are those of `draws[0]`.
pub fn run_study_over_draws(
    draws: &[Scenario],
    opts: &StudyOptions,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<StudySummary, StudyError> {
    let Some(first) = draws.first() else { return Err(StudyError::NoRuns) };
    if opts.runs as usize != draws.len() || opts.planned_sites.is_some() {
        return Err(StudyError::Draws { runs: opts.runs, draws: draws.len() });
    }
    run_jobs(first, &|r| &draws[r as usize], None, opts, sink, progress)
}

/// The scenario of each run.
type ScenarioOf<'a> = dyn Fn(u32) -> &'a Scenario + Sync + 'a;

fn run_jobs<'a>(
    scenario: &'a Scenario,
    scenario_of: &ScenarioOf<'a>,
    population: Option<&Population>,
    opts: &StudyOptions,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<StudySummary, StudyError> {
    if opts.modes.is_empty() {
        return Err(StudyError::NoModes);
    }
    if opts.runs == 0 {
        return Err(StudyError::NoRuns);
    }
    for &m in &opts.modes {
        if m >= scenario.modes.len() {
            return Err(StudyError::UnknownMode(m));
        }
    }
    let jobs: Vec<(usize, u32)> =
        opts.modes.iter().flat_map(|&m| (0..opts.runs).map(move |r| (m, r))).collect();
    let total = jobs.len();
    let mut agg = Aggregator::new(scenario, opts);
    // Enough jobs per chunk to keep every thread busy, few enough to bound memory.
    let chunk = (rayon::current_num_threads() * 4).max(4);
    let mut done = 0;
    let shared = population.filter(|_| opts.effective_population() == PopulationMode::Fixed);
    for part in jobs.chunks(chunk) {
        type Done = (RunOutput, Option<RunStructure>, Option<symbiont_network::EntityGraph>);
        let outputs: Vec<Result<Done, StudyError>> = part
            .par_iter()
            .map(|&(m, r)| {
                let scenario = scenario_of(r);
                let own;
                let population = match shared {
                    Some(p) => p,
                    None => {
                        own = symbiont_abm::population::generate(
                            scenario,
                            population_seed(opts.seed, r),
                        );
                        &own
                    }
                };
                let input = RunInput {
                    scenario,
                    population,
                    levers: &scenario.modes[m].levers,
                    params: &opts.params,
                    seed: run_seed(opts.seed, r),
                    planned_sites: opts.planned_sites.as_deref(),
                };
                let mode = || scenario.modes[m].id.clone();
                if r >= opts.structure_runs {
                    let out = symbiont_abm::run(&input)
                        .map_err(|e| StudyError::Run { mode: mode(), source: e })?;
                    check_finite(&scenario.modes[m].id, r, &out)?;
                    return Ok((out, None, None));
                }
                let mut out = symbiont_abm::run_with_ties(&input)
                    .map_err(|e| StudyError::Run { mode: mode(), source: e })?;
                check_finite(&scenario.modes[m].id, r, &out)?;
                let g = entity_graph(scenario, population, &out.ties)
                    .map_err(|e| StudyError::Network { mode: mode(), run: r, source: e })?;
                let st = measure(&g, input.seed);
                // The ties live on in the graph of each mode's first run only.
                out.ties = Vec::new();
                Ok((out, Some(st), (r == 0).then_some(g)))
            })
            .collect();
        for (&(m, r), out) in part.iter().zip(outputs) {
            let (out, st, network) = out?;
            let record = RunRecord {
                mode: &scenario_of(r).modes[m],
                run: r,
                seed: run_seed(opts.seed, r),
                output: &out,
                structure: st.as_ref(),
                network: network.as_ref(),
            };
            sink.write_run(&record)?;
            agg.push(m, &out);
            if let Some(st) = &st {
                agg.push_structure(m, st);
            }
            done += 1;
            progress(done, total);
        }
    }
    Ok(agg.finish())
}
