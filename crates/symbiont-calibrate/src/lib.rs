//! The calibration engine: estimate a model's uncertain parameters from observed data, as a
//! weighted posterior sample (ABC-SMC) or a point with standard errors (the method of
//! simulated moments), with the diagnostics that say what the data pin down.
//!
//! # Map
//! - [`prior`]: [`Prior`]: uniform, log-uniform, normal, beta, each optionally truncated;
//!   log densities, quantiles, seeded draws, located validation errors ([`PriorError`]).
//! - [`target`]: target expressions (`host_jobs@2021 / operating@2021`,
//!   `share * invested@{year}`, `sum(entered@2015..2019)`) compiled to [`Expr`] over a list of
//!   model outputs ([`Reference`]s) and parameters.
//! - [`spec`]: the calibration TOML (`[calibration]`, `[[prior]]`, `[[target]]`, `[abc]`,
//!   `[msm]`) parsed into a checked [`CalibrationSpec`], every problem located at once; metric
//!   names, years and parameter paths are checked against a [`Context`] the caller fills.
//!   [`CalibrationSpec::simulator`] turns a model simulator (θ → outputs) into a target
//!   simulator (θ → summary statistics, with the explicit observation model and noise).
//! - [`simulator`]: the [`Simulator`] trait, a batch of `(θ, seed)` in, statistics out;
//!   [`Parallel`] runs a per-item function on the rayon pool.
//! - [`abc`]: ABC-SMC as a step function over plain, serializable state ([`AbcState::step`]
//!   runs one generation; checkpoint between steps); [`recover`] for recovery checks.
//! - [`msm`]: the method of simulated moments ([`msm()`]), on [`optim`]'s Nelder-Mead or
//!   CMA-ES with common random numbers, sandwich standard errors and Hansen's J.
//! - [`diagnostics`]: parameter summaries and contraction, the identifiability table,
//!   posterior predictive checks, simulation-based-calibration ranks and interval coverage.
//! - [`posterior`]: [`Posterior`], the weighted sample: moments, quantiles, correlations, and
//!   seeded resampling (one draw per run for a mode comparison over the posterior).
//!
//! The engine is pure: no files, no clock, no global randomness. Every random number comes
//! from the calibration's seed through `symbiont_model::seed::derive`, by generation and
//! proposal, so the same seed gives the same posterior on 1 or N threads, and a resumed run
//! the same posterior as an uninterrupted one. Parameter names are opaque here (they are
//! `symbiont sweep` parameter paths in a calibration of the going-out model).
//!
//! # Example
//! A normal mean with known variance: prior N(0, 2²), the mean of 20 observations, 1.1.
//! The exact posterior is N(1.086, 0.222²).
//!
//! ```
//! use symbiont_calibrate::*;
//! use rand_distr::{Distribution, StandardNormal};
//!
//! let problem = Problem::new(
//!     vec!["mu".into()],
//!     vec![Prior::of(Dist::Normal { mean: 0.0, sd: 2.0 }).unwrap()],
//!     vec![1.1],
//! )
//! .with_sd(vec![1.0 / 20f64.sqrt()]);
//! let model = Parallel(|theta: &[f64], seed: u64| -> Result<Vec<f64>, String> {
//!     let z: f64 = StandardNormal.sample(&mut Stream::new(seed));
//!     Ok(vec![theta[0] + z / 20f64.sqrt()])
//! });
//! let settings = AbcSettings { particles: 200, max_generations: 6, ..Default::default() };
//! let mut abc = AbcState::new(problem, settings, 7).unwrap();
//! while abc.stopped().is_none() {
//!     let generation = abc.step(&model).unwrap(); // checkpoint `abc` (serde) here
//!     assert!(generation.ess > 50.0);
//! }
//! let post = abc.posterior().unwrap();
//! assert!((post.mean()[0] - 1.086).abs() < 0.1);
//! let summary = summarize(&post, &abc.problem().priors);
//! assert!(summary[0].contraction < 0.2); // posterior sd / prior sd
//! ```

pub mod abc;
pub mod diagnostics;
mod exact;
pub mod msm;
pub mod optim;
pub mod posterior;
pub mod prior;
pub mod problem;
mod reader;
pub mod simulator;
pub mod spec;
pub mod stats;
pub mod stream;
pub mod target;
mod text;

pub use abc::{
    AbcError, AbcSettings, AbcState, BatchSize, DistanceKind, Generation, KernelScale, Population,
    ScaleFn, StopReason, recover, simulation_seed,
};
pub use diagnostics::{
    IdentRow, Identified, ParamRecovery, ParamSummary, PredictiveRow, Replicate, Thresholds,
    identifiability, predictive, recovery, summarize,
};
pub use msm::{MsmError, MsmResult, MsmSettings, Optimizer, Weighting, msm};
pub use posterior::Posterior;
pub use prior::{Dist, Prior, PriorError};
pub use problem::{Problem, ProblemError, SettingsError};
pub use simulator::{ContractError, Parallel, Serial, Simulator};
pub use spec::{
    CalibrationSpec, Context, Noise, ParamSpec, Role, Summary, TargetError, TargetSimulator,
    TargetSpec,
};
pub use stream::Stream;
pub use target::{Expr, Reference};
