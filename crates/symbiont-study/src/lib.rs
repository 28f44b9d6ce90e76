//! Runs a scenario through the engines: Monte Carlo over modes and runs, summaries with 95%
//! intervals, the micro and macro symbiosis modes, and the tidy tables of a run folder.
//!
//! - [`runner::run_study`] runs every mode of [`runner::StudyOptions`] for `runs` runs in
//!   parallel (rayon) over derived seeds and hands finished runs to a [`runner::Sink`] in a
//!   fixed order, so output is identical on 1 thread or many.
//! - [`summary`] aggregates runs as they arrive (nothing is kept per run but the end states):
//!   per-period bands, end-of-horizon bands, micro modes per pair of unit kinds from benefit
//!   streams, and the macro mode fitted by `symbiont-dynamics` to the aggregate series.
//! - [`rundir`] writes the run folder: `periods`, `flows`, `benefits` (streamed), `summary`,
//!   `series`, `symbiosis` as CSV and/or Parquet, and `manifest.json`.
//! - [`sensitivity`] swaps one lever at a time from a comparison mode into a base mode and
//!   reports the key outcomes at both settings (`sensitivity.csv`, the report's tornado charts).
//!
//! ```
//! use symbiont_study::runner::{NullSink, StudyOptions, run_study};
//! let scenario = symbiont_model::parse_scenario(
//!     include_str!("../../../scenarios/small.toml"), "small.toml").unwrap();
//! let population = symbiont_abm::population::generate(&scenario, scenario.study.seed);
//! let mut opts = StudyOptions::from_scenario(&scenario);
//! opts.runs = 4;
//! let summary = run_study(&scenario, &population, &opts, &mut NullSink, &mut |_, _| {}).unwrap();
//! assert_eq!(summary.modes.len(), 4);
//! ```

pub mod metrics;
pub mod planned;
pub mod ranking;
pub mod rundir;
pub mod runner;
pub mod sensitivity;
pub mod size;
pub mod stats;
pub mod structure;
pub mod summary;
pub mod tables;
pub mod trade;

use std::path::PathBuf;

/// Why a study could not run or could not be written.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    #[error("no modes to compare")]
    NoModes,
    #[error("the number of runs must be at least 1")]
    NoRuns,
    #[error(
        "a study over {draws} parameter draws needs as many runs (it has {runs}) and no planned sites"
    )]
    Draws { runs: u32, draws: usize },
    #[error("{0}")]
    TooLarge(String),
    #[error("mode(s) {modes} choose sites by the planner: {message}")]
    Plan { modes: String, message: String },
    #[error("mode index {0} is not in the scenario")]
    UnknownMode(usize),
    #[error("mode `{mode}` cannot run: {source}")]
    Run {
        mode: String,
        #[source]
        source: symbiont_abm::AbmError,
    },
    #[error("cannot write {}: {message}", path.display())]
    Io { path: PathBuf, message: String },
    #[error("the network of mode `{mode}`, run {run}: {source}")]
    Network {
        mode: String,
        run: u32,
        #[source]
        source: symbiont_network::NetworkError,
    },
    #[error(
        "mode `{mode}`, run {run}: {metric} is not a finite number in period {period} ({value}); \
         a parameter or scenario value is too large for the model (nothing was written as finished)"
    )]
    NonFinite { mode: String, run: u32, metric: &'static str, period: u32, value: f64 },
    #[error("table {table}: {message}")]
    Schema { table: String, message: String },
}
