//! Parameter sweeps and sensitivity analysis over Symbiont scenarios.
//!
//! - [`spec::SweepSpec`] is a checked `SWEEP.toml`: a base scenario, parameters addressed by a
//!   [`path::ParamPath`] into the scenario's TOML tree with a [`dist::ParamDist`], the design,
//!   replications, modes and outputs. Problems are located at file:line:column.
//! - [`design::Design`] gives any point of a full factorial, random, Latin hypercube, Saltelli
//!   (on the Joe-Kuo [`sobol::Sobol`] sequence) or Morris design on its own, in the unit cube.
//! - [`bound::BoundSweep`] binds a spec to its base scenario: each point's scenario is the base with
//!   the point's values set and re-parsed, so every point is validated like any scenario. Point
//!   `i`'s seed is [`bound::point_seed`]`(seed, i)`; replication `r` runs under
//!   `symbiont_study::runner::run_seed(point_seed, r)`, the same for every mode.
//! - [`parts::SweepDir`] streams finished chunks of points to Parquet part files (atomic
//!   renames), resumes by listing complete parts, and merges them in point order. [`Shard`]
//!   picks a deterministic slice of the chunks, so shards merge to the one-machine tables.
//! - [`discover`] and [`robust`] answer the decision questions over a merged sweep (a
//!   typed request in, tables and a report part out): under which conditions a
//!   [`condition::Condition`] on the outcomes holds (PRIM, CART and feature scores of
//!   `symbiont-discover`), and which mode is robust across the design points (regret,
//!   satisficing, signal-to-noise). [`outcomes`] reads the folder for both.
//! - [`sensitivity`] computes Sobol first-order and total indices with bootstrap intervals
//!   and Morris `mu*`, `mu` and `sigma` for any output.
//!
//! ```
//! use symbiont_sweep::{bound::BoundSweep, spec::SweepSpec};
//! let text = r#"
//! [sweep]
//! name = "demo"
//! scenario = "default"
//! seed = 1
//! replications = 1
//! modes = ["network"]
//! outputs = ["entered@network"]
//! [design]
//! kind = "lhs"
//! samples = 4
//! [set]
//! "study.horizon_periods" = 2
//! [[parameter]]
//! path = "environment.host_openness"
//! dist = "uniform"
//! low = 0.4
//! high = 0.7
//! "#;
//! let spec = SweepSpec::parse(text, "SWEEP.toml").unwrap();
//! let plan = BoundSweep::new(spec, text, "SWEEP.toml", symbiont_model::DEFAULT_SCENARIO, "default").unwrap();
//! assert_eq!(plan.points(), 4);
//! let (scenario, _, values) = plan.point_scenario(0).unwrap();
//! assert_eq!(scenario.environment.host_openness, values[0]);
//! ```

pub mod bound;
pub mod calibration;
pub mod condition;
pub mod design;
pub mod discover;
pub mod dist;
pub mod outcomes;
pub mod parts;
pub mod path;
pub mod robust;
pub mod sensitivity;
pub mod sobol;
pub mod spec;
pub mod tables;

use std::ops::Range;
use std::path::PathBuf;

/// Why a sweep cannot be read, run or written.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{origin}:{line}:{column}: {}{message}", if field.is_empty() { String::new() } else { format!("{field}: ") })]
    Spec { origin: String, line: usize, column: usize, field: String, message: String },
    #[error("the base scenario {origin} is invalid:\n{message}")]
    Base { origin: String, message: String },
    #[error("design point {point}: {message}")]
    Point { point: u64, message: String },
    #[error("design point {point}, mode `{mode}`: the run failed: {message}")]
    Run { point: u64, mode: String, message: String },
    #[error("cannot write or read {}: {message}", path.display())]
    Io { path: PathBuf, message: String },
    #[error("{message}")]
    Folder { message: String },
    #[error("--where \"{text}\": column {column}: {message}")]
    Condition { text: String, column: usize, message: String },
    #[error("{field}: {message}")]
    Request { field: String, message: String },
    #[error(
        "{chunks} chunk(s) of points are not done yet (points {ranges}); run the missing shards, or rerun `symbiont sweep run` to complete them"
    )]
    Missing { chunks: u64, ranges: String },
}

/// Slice `k` of `n` (0-based) of a sweep: a contiguous, deterministic run of chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// The whole sweep.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parse `K/N` with `0 <= K < N`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a shard `K/N` with 0 <= K < N (e.g. 0/4)");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            k.trim().parse::<u64>().map_err(|_| bad())?,
            n.trim().parse::<u64>().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// This shard's chunks out of `chunks`.
    pub fn chunks(self, chunks: u64) -> Range<u64> {
        let at = |k: u64| (u128::from(chunks) * u128::from(k) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }
}
