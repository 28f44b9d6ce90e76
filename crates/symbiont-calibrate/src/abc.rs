//! ABC-SMC: population Monte Carlo ABC (Beaumont, Cornuet, Marin and Robert 2009; Del Moral,
//! Doucet and Jasra 2012), with the adaptive parts of pyABC (Klinger, Rickert and Hasenauer
//! 2018): tolerances at a quantile of the previous generation's distances, a multivariate
//! normal perturbation kernel on the weighted covariance, importance weights, and a weighted
//! p-norm distance whose scales adapt to each generation (Prangle 2017).
//!
//! # One generation (`AbcState::step`)
//! 1. Proposals are numbered `k = 0, 1, 2, …` within the generation. Proposal `k` draws from
//!    the stream `derive(seed, [label("abc-propose"), g, k])`: from the prior in generation 0;
//!    later, a parent from the previous population by weight, moved by `N(0, Σ)`, redrawn
//!    while outside the prior's support. It is simulated under the seed
//!    `derive(seed, [label("abc-simulate"), g, k])`.
//! 2. Proposals go to the simulator in batches; the first `N` accepted (distance ≤ ε_g, in
//!    proposal order) are the new population. Because a proposal depends only on
//!    `(seed, g, k)` and the previous population, the posterior is the same on 1 or N
//!    threads and for any batch size (only the count of simulations run past the `N`-th
//!    acceptance, the rest of the last batch, depends on the batch size).
//! 3. Weights `w_i ∝ π(θ_i) / Σ_j W_j K(θ_i | θ_j)` (1/N in generation 0).
//! 4. The distance scales are refitted on every successful simulation up to the `N`-th
//!    acceptance (MAD or sd per statistic, pyABC's `all_particles_for_scale`), the
//!    population's distances recomputed under them, and `ε_{g+1}` set to their weighted
//!    `quantile`. The kernel for `g + 1` is `Σ = c · cov_w(θ)`.
//!
//! Generation 0 accepts every successful prior draw (ε₀ = ∞); pyABC instead spends a
//! calibration sample of `N` prior draws to set ε₀. Both then halve the tolerance-quantile.
//!
//! # Stopping
//! After a generation: ε_g ≤ `min_tolerance`; its acceptance rate < `min_acceptance`; the
//! simulations so far ≥ `budget`; `max_generations` reached. Within a generation: no
//! simulation beyond the budget, and no more than `N / min_acceptance` proposals; a generation
//! cut short is recorded (`complete = false`) and the previous population stays the posterior.
//!
//! # Checkpoints
//! [`AbcState`] is plain data (serde); every float is written losslessly ([`crate::exact`]).
//! No random generator is stored: every stream is derived from `(seed, g, k)`. A state
//! serialised after generation `g`, read back and stepped on gives the same posterior, bit
//! for bit, as a run that never stopped.

use std::fmt;

use nalgebra::DMatrix;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use symbiont_model::seed;

use crate::exact;
use crate::posterior::Posterior;
use crate::prior::{Dist, Prior, ln_joint, sample_joint};
use crate::problem::{Problem, ProblemError, SettingsError, bad_setting};
use crate::simulator::{ContractError, Simulator};
use crate::stats;
use crate::stream::Stream;

/// How wide the perturbation kernel is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum KernelScale {
    /// `Σ = factor · cov_w(θ)`; Beaumont et al. (2009) use 2.
    Factor {
        #[serde(with = "exact::one")]
        factor: f64,
    },
    /// `Σ = scaling · h² · cov_w(θ)` with Silverman's `h = (4 / (ESS (d + 2)))^(1/(d+4))`:
    /// pyABC's `MultivariateNormalTransition` default (scaling 1).
    Silverman {
        #[serde(with = "exact::one")]
        scaling: f64,
    },
}

/// How a statistic's adaptive scale is measured on a generation's simulations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScaleFn {
    /// Median absolute deviation from the median (pyABC's default).
    Mad,
    /// Standard deviation.
    Sd,
}

/// The distance between simulated and observed statistics:
/// `(Σ_i (w_i |x_i − y_i| / s_i)^p)^(1/p)`, `w` the statistics' weights, `s` the scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum DistanceKind {
    /// Scales refitted after every generation (pyABC's `AdaptivePNormDistance`). A statistic
    /// whose scale is 0 (it did not vary) is left out of the distance, as pyABC does.
    Adaptive { scale: ScaleFn },
    /// Scales fixed at the observations' sd (pyABC's `PNormDistance` with weights 1/sd).
    Fixed,
}

/// Proposals per simulator call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum BatchSize {
    /// This many per call.
    Fixed { size: usize },
    /// As many as the acceptance rate so far (the previous generation's, at first) says are
    /// needed to fill the population, plus 10%: one or two calls per generation, for a
    /// cluster where a call is a job array. Computed from the state only, so still
    /// deterministic.
    Auto,
}

/// Settings of ABC-SMC.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AbcSettings {
    /// Particles per generation (`N`).
    pub particles: usize,
    pub batch: BatchSize,
    /// The tolerance of generation `g + 1` is this weighted quantile of generation `g`'s
    /// distances (pyABC's `QuantileEpsilon(alpha)`).
    #[serde(with = "exact::one")]
    pub quantile: f64,
    pub kernel: KernelScale,
    pub distance: DistanceKind,
    /// The p of the p-norm (≥ 1; `inf` for the maximum).
    #[serde(with = "exact::one")]
    pub p: f64,
    pub max_generations: usize,
    /// Stop once this many simulations have run (none beyond it).
    pub budget: Option<u64>,
    /// Stop after a generation whose tolerance is at or below this.
    #[serde(with = "exact::one")]
    pub min_tolerance: f64,
    /// Stop when a generation's acceptance rate falls below this; a generation is abandoned
    /// after `particles / min_acceptance` proposals. 0 turns it off (then set a budget).
    #[serde(with = "exact::one")]
    pub min_acceptance: f64,
    /// Perturb parameters with a log-uniform prior in `ln θ` (the kernel, its covariance and
    /// the importance weights all in that space, the prior's density carried over with its
    /// Jacobian): a kernel in `θ` over a prior spanning decades puts a few particles in the
    /// sparse tail and gives them most of the weight. `kernel_space = "natural"` turns it off.
    #[serde(default = "yes")]
    pub log_kernel: bool,
}

fn yes() -> bool {
    true
}

impl Default for AbcSettings {
    fn default() -> Self {
        AbcSettings {
            particles: 500,
            batch: BatchSize::Fixed { size: 64 },
            quantile: 0.5,
            kernel: KernelScale::Factor { factor: 2.0 },
            distance: DistanceKind::Adaptive { scale: ScaleFn::Mad },
            p: 2.0,
            max_generations: 20,
            budget: None,
            min_tolerance: 0.0,
            min_acceptance: 0.001,
            log_kernel: true,
        }
    }
}

impl AbcSettings {
    /// Check every setting; the error names the field and what was expected.
    pub fn check(&self) -> Result<(), SettingsError> {
        let bad = bad_setting;
        if self.particles < 2 {
            return bad("particles", "at least 2", self.particles.to_string());
        }
        if let BatchSize::Fixed { size: 0 } = self.batch {
            return bad("batch", "at least 1 proposal per batch", "0".into());
        }
        if !(self.quantile > 0.0 && self.quantile <= 1.0) {
            return bad("quantile", "a number in (0, 1]", self.quantile.to_string());
        }
        match self.kernel {
            KernelScale::Factor { factor: c } | KernelScale::Silverman { scaling: c }
                if !(c > 0.0 && c.is_finite()) =>
            {
                return bad("kernel_scale", "a finite number > 0", c.to_string());
            }
            _ => {}
        }
        if self.p.is_nan() || self.p < 1.0 {
            return bad("p", "a number >= 1 (or inf)", self.p.to_string());
        }
        if self.max_generations == 0 {
            return bad("max_generations", "at least 1", "0".into());
        }
        if self.budget == Some(0) {
            return bad("budget", "at least 1 simulation", "0".into());
        }
        if self.min_tolerance.is_nan() || self.min_tolerance < 0.0 {
            return bad("min_tolerance", "a number >= 0", self.min_tolerance.to_string());
        }
        if !(self.min_acceptance >= 0.0 && self.min_acceptance < 1.0) {
            return bad("min_acceptance", "a number in [0, 1)", self.min_acceptance.to_string());
        }
        if self.min_acceptance == 0.0 && self.budget.is_none() {
            return bad(
                "budget",
                "a budget when min_acceptance is 0 (otherwise a generation may never end)",
                "none".into(),
            );
        }
        Ok(())
    }
}

/// Why the sampler stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StopReason {
    MaxGenerations,
    Budget,
    MinTolerance,
    MinAcceptance,
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StopReason::MaxGenerations => "the maximum number of generations",
            StopReason::Budget => "the simulation budget",
            StopReason::MinTolerance => "the minimum tolerance",
            StopReason::MinAcceptance => "the minimum acceptance rate",
        })
    }
}

/// What went wrong (input errors and broken contracts; a failed simulation is not one).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AbcError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Problem(#[from] ProblemError),
    #[error(transparent)]
    Contract(#[from] ContractError),
    #[error(
        "generation {generation}, proposal {attempt}: no perturbed particle inside the prior's support in {tries} tries"
    )]
    Stuck { generation: usize, attempt: u64, tries: usize },
    #[error("the sampler has stopped ({0}); nothing more to run")]
    Stopped(StopReason),
    #[error("no generation completed, so there is no posterior")]
    NoPosterior,
}

/// A population of accepted particles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Population {
    #[serde(with = "exact::vec2")]
    pub theta: Vec<Vec<f64>>,
    /// Normalised importance weights.
    #[serde(with = "exact::vec")]
    pub weights: Vec<f64>,
    /// Distances under the latest distance function (the one of the next generation).
    #[serde(with = "exact::vec")]
    pub distances: Vec<f64>,
    /// The simulated statistics of each particle.
    #[serde(with = "exact::vec2")]
    pub stats: Vec<Vec<f64>>,
    /// The proposal index `k` that produced each particle.
    pub attempt: Vec<u64>,
}

/// The record of one generation: what a user reads before trusting the posterior.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generation {
    pub index: usize,
    /// The tolerance ε of this generation (∞ for generation 0).
    #[serde(with = "exact::one")]
    pub epsilon: f64,
    /// Particles accepted (the population size unless cut short).
    pub particles: usize,
    /// Proposals up to and including the `N`-th acceptance (all proposals when cut short).
    pub attempts: u64,
    /// Simulations run (attempts plus the rest of the last batch).
    pub simulations: u64,
    /// Simulations that failed or gave a non-finite statistic (rejected).
    pub failures: u64,
    /// The first failure's message, if any.
    pub first_failure: Option<String>,
    /// `particles / attempts`.
    #[serde(with = "exact::one")]
    pub acceptance_rate: f64,
    /// Effective sample size of the weights.
    #[serde(with = "exact::one")]
    pub ess: f64,
    /// Simulations of the whole calibration so far.
    pub total_simulations: u64,
    /// The distance's per-statistic factors `w_i / s_i` used in this generation.
    #[serde(with = "exact::vec")]
    pub scale_weights: Vec<f64>,
    /// Whether the population was filled.
    pub complete: bool,
}

/// The sampler: plain data, advanced one generation at a time by [`AbcState::step`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AbcState {
    problem: Problem,
    settings: AbcSettings,
    seed: u64,
    /// The next generation to run.
    generation: usize,
    population: Option<Population>,
    /// Per-statistic factors `w_i / s_i` of the next generation's distance.
    #[serde(with = "exact::vec")]
    scale_weights: Vec<f64>,
    /// The next generation's tolerance.
    #[serde(with = "exact::one")]
    epsilon: f64,
    history: Vec<Generation>,
    total_simulations: u64,
    stop: Option<StopReason>,
}

/// How many times a proposal is redrawn before giving up on the prior's support.
const MAX_TRIES: usize = 10_000;

/// The seed of proposal `k` of generation `g`'s simulation.
pub fn simulation_seed(master: u64, g: usize, k: u64) -> u64 {
    seed::derive(master, &[seed::label("abc-simulate"), g as u64, k])
}

fn proposal_rng(master: u64, g: usize, k: u64) -> Stream {
    Stream::at(master, &[seed::label("abc-propose"), g as u64, k])
}

/// The perturbation kernel fitted on a population: a weighted mixture of `N(u_j, Σ)` in the
/// working space `u` (`u = ln θ` for the parameters in `log`, `u = θ` for the others).
struct Kernel {
    d: usize,
    /// Lower Cholesky factor of Σ, row-major.
    chol: Vec<f64>,
    parents: Vec<Vec<f64>>,
    cum: Vec<f64>,
    ln_w: Vec<f64>,
    log: Vec<bool>,
}

impl Kernel {
    fn fit(pop: &Population, scale: KernelScale, log: Vec<bool>) -> Kernel {
        let d = pop.theta[0].len();
        let parents: Vec<Vec<f64>> = pop.theta.iter().map(|t| to_work(t, &log)).collect();
        let mut cov = stats::weighted_cov(&parents, &pop.weights);
        let factor = match scale {
            KernelScale::Factor { factor } => factor,
            KernelScale::Silverman { scaling } => {
                let n = stats::ess(&pop.weights);
                let h = (4.0 / (n * (d as f64 + 2.0))).powf(1.0 / (d as f64 + 4.0));
                scaling * h * h
            }
        };
        for c in cov.iter_mut() {
            *c *= factor;
        }
        let chol = cholesky_with_ridge(&cov, d, &parents);
        let mut cum = Vec::with_capacity(pop.weights.len());
        let mut s = 0.0;
        for &w in &pop.weights {
            s += w;
            cum.push(s);
        }
        let ln_w = pop.weights.iter().map(|w| w.ln()).collect();
        Kernel { d, chol, parents, cum, ln_w, log }
    }

    /// A proposal, in θ.
    fn draw(&self, rng: &mut Stream) -> Vec<f64> {
        let mut u = self.draw_work(rng);
        for (x, &l) in u.iter_mut().zip(&self.log) {
            if l {
                *x = x.exp();
            }
        }
        u
    }

    /// `ln` of the proposal density at θ (up to a constant), and of the prior's density in
    /// the working space: `ln π(θ) + Σ_log ln θ_a`.
    fn ln_weight(&self, priors: &[Prior], theta: &[f64]) -> f64 {
        let jac: f64 = theta.iter().zip(&self.log).filter(|(_, l)| **l).map(|(x, _)| x.ln()).sum();
        ln_joint(priors, theta) + jac - self.ln_mixture(&to_work(theta, &self.log))
    }

    fn draw_work(&self, rng: &mut Stream) -> Vec<f64> {
        let total = *self.cum.last().unwrap_or(&1.0);
        let u: f64 = rand::RngExt::random::<f64>(rng) * total;
        let j = self.cum.partition_point(|&c| c <= u).min(self.parents.len() - 1);
        let z: Vec<f64> = (0..self.d).map(|_| StandardNormal.sample(rng)).collect();
        let mut x = self.parents[j].clone();
        for (a, xa) in x.iter_mut().enumerate() {
            let row = &self.chol[a * self.d..=a * self.d + a];
            *xa += row.iter().zip(&z).map(|(l, z)| l * z).sum::<f64>();
        }
        x
    }

    /// `ln Σ_j W_j exp(−½ |L⁻¹(u − u_j)|²)`, without the normal's constant (the same for
    /// every particle, so it cancels in the normalised weights).
    fn ln_mixture(&self, theta: &[f64]) -> f64 {
        let d = self.d;
        let mut y = [0.0f64; 16];
        let mut heap = Vec::new();
        let y: &mut [f64] = if d <= 16 {
            &mut y[..d]
        } else {
            heap.resize(d, 0.0);
            &mut heap
        };
        // One pass: a running maximum with the sum rescaled when it moves.
        let (mut max, mut sum) = (f64::NEG_INFINITY, 0.0);
        for (p, &lw) in self.parents.iter().zip(&self.ln_w) {
            let mut q = 0.0;
            for a in 0..d {
                let row = &self.chol[a * d..a * d + a];
                let mut s = theta[a] - p[a];
                for (l, yb) in row.iter().zip(y.iter()) {
                    s -= l * yb;
                }
                let v = s / self.chol[a * d + a];
                y[a] = v;
                q += v * v;
            }
            let t = lw - 0.5 * q;
            if t > max {
                sum = sum * (max - t).exp() + 1.0;
                max = t;
            } else {
                sum += (t - max).exp();
            }
        }
        max + sum.ln()
    }
}

/// θ in the kernel's working space.
fn to_work(theta: &[f64], log: &[bool]) -> Vec<f64> {
    theta.iter().zip(log).map(|(&x, &l)| if l { x.ln() } else { x }).collect()
}

/// Cholesky of a covariance, adding a growing ridge when it is singular (a parameter that no
/// longer varies), so that the kernel stays a proper density.
fn cholesky_with_ridge(cov: &[f64], d: usize, theta: &[Vec<f64>]) -> Vec<f64> {
    let mean_diag = (0..d).map(|a| cov[a * d + a]).sum::<f64>() / d as f64;
    let base = if mean_diag > 0.0 {
        mean_diag
    } else {
        // Every particle equal: size the ridge by the values themselves.
        let m = theta.iter().flat_map(|t| t.iter()).map(|v| v * v).sum::<f64>()
            / (theta.len() * d) as f64;
        if m > 0.0 { m } else { 1.0 }
    };
    let mut ridge = 0.0;
    for attempt in 0..16 {
        let mut m = DMatrix::from_row_slice(d, d, cov);
        for a in 0..d {
            m[(a, a)] += ridge;
        }
        if let Some(c) = m.cholesky() {
            let l = c.l();
            let mut out = vec![0.0; d * d];
            for a in 0..d {
                for b in 0..=a {
                    out[a * d + b] = l[(a, b)];
                }
            }
            if (0..d).all(|a| out[a * d + a] > 0.0) {
                return out;
            }
        }
        ridge = base * 10f64.powi(attempt - 12);
    }
    // Unreachable in practice (a ridge of 1e3 × the scale is positive definite); fall back to
    // a diagonal kernel of that scale rather than fail.
    let mut out = vec![0.0; d * d];
    for a in 0..d {
        out[a * d + a] = base.sqrt();
    }
    out
}

/// The weighted p-norm distance.
fn distance(x: &[f64], y: &[f64], w: &[f64], p: f64) -> f64 {
    let it = x.iter().zip(y).zip(w).filter(|(_, w)| **w > 0.0).map(|((a, b), w)| w * (a - b).abs());
    if p.is_infinite() {
        it.fold(0.0, f64::max)
    } else if p == 2.0 {
        it.map(|v| v * v).sum::<f64>().sqrt()
    } else if p == 1.0 {
        it.sum()
    } else {
        it.map(|v| v.powf(p)).sum::<f64>().powf(1.0 / p)
    }
}

/// The adaptive factors `w_i / s_i` from a generation's simulated statistics.
fn fit_scale_weights(sample: &[Vec<f64>], user: &[f64], scale: ScaleFn) -> Vec<f64> {
    (0..user.len())
        .map(|i| {
            let col: Vec<f64> = sample.iter().map(|s| s[i]).collect();
            let s = match scale {
                ScaleFn::Mad => stats::mad(&col),
                ScaleFn::Sd => stats::sd(&col),
            };
            if s > 0.0 && s.is_finite() { user[i] / s } else { 0.0 }
        })
        .collect()
}

impl AbcState {
    /// A sampler before its first generation.
    pub fn new(problem: Problem, settings: AbcSettings, seed: u64) -> Result<AbcState, AbcError> {
        problem.check()?;
        settings.check()?;
        let scale_weights = match settings.distance {
            DistanceKind::Fixed => {
                problem.weights.iter().zip(&problem.sd).map(|(w, s)| w / s).collect()
            }
            // Generation 0 accepts every successful draw; its distances are never compared.
            DistanceKind::Adaptive { .. } => problem.weights.clone(),
        };
        Ok(AbcState {
            problem,
            settings,
            seed,
            generation: 0,
            population: None,
            scale_weights,
            epsilon: f64::INFINITY,
            history: Vec::new(),
            total_simulations: 0,
            stop: None,
        })
    }

    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    pub fn settings(&self) -> &AbcSettings {
        &self.settings
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Per-generation records, oldest first.
    pub fn history(&self) -> &[Generation] {
        &self.history
    }

    /// The last complete population.
    pub fn population(&self) -> Option<&Population> {
        self.population.as_ref()
    }

    /// Why the sampler stopped, once it has.
    pub fn stopped(&self) -> Option<StopReason> {
        self.stop
    }

    /// The tolerance the next generation will use.
    pub fn next_epsilon(&self) -> f64 {
        self.epsilon
    }

    pub fn total_simulations(&self) -> u64 {
        self.total_simulations
    }

    /// The weighted posterior sample (the last complete population).
    pub fn posterior(&self) -> Result<Posterior, AbcError> {
        let pop = self.population.as_ref().ok_or(AbcError::NoPosterior)?;
        Ok(Posterior::new(self.problem.names.clone(), pop.theta.clone(), pop.weights.clone()))
    }

    /// Run generations until a stopping rule fires; `observe` sees each generation's record
    /// (for progress and checkpoints).
    pub fn run<S: Simulator>(
        &mut self,
        sim: &S,
        mut observe: impl FnMut(&AbcState, &Generation),
    ) -> Result<Posterior, AbcError> {
        while self.stop.is_none() {
            let g = self.step(sim)?;
            observe(self, &g);
        }
        self.posterior()
    }

    fn propose(&self, kernel: Option<&Kernel>, g: usize, k: u64) -> Result<Vec<f64>, AbcError> {
        let mut rng = proposal_rng(self.seed, g, k);
        let priors: &[Prior] = &self.problem.priors;
        let Some(kernel) = kernel else {
            return Ok(sample_joint(priors, &mut rng));
        };
        for _ in 0..MAX_TRIES {
            let theta = kernel.draw(&mut rng);
            if ln_joint(priors, &theta) > f64::NEG_INFINITY {
                return Ok(theta);
            }
        }
        Err(AbcError::Stuck { generation: g, attempt: k, tries: MAX_TRIES })
    }

    /// The perturbation kernel of the next generation (none before generation 1).
    fn kernel(&self) -> Option<Kernel> {
        let log: Vec<bool> = self
            .problem
            .priors
            .iter()
            .map(|p| self.settings.log_kernel && matches!(p.dist(), Dist::LogUniform { .. }))
            .collect();
        self.population.as_ref().map(|p| Kernel::fit(p, self.settings.kernel, log))
    }

    /// The index of the next generation.
    pub fn next_generation(&self) -> usize {
        self.generation
    }

    /// The proposals `k` in `range` of the next generation, each with its simulation seed:
    /// exactly what [`AbcState::step`] will propose and simulate under those indices. A
    /// generation can so be simulated elsewhere in slices (an array job), and stepped with a
    /// simulator that looks the results up by seed.
    pub fn proposals(&self, range: std::ops::Range<u64>) -> Result<Vec<(Vec<f64>, u64)>, AbcError> {
        let g = self.generation;
        let kernel = self.kernel();
        range
            .into_par_iter()
            .map(|k| Ok((self.propose(kernel.as_ref(), g, k)?, simulation_seed(self.seed, g, k))))
            .collect()
    }

    /// Run one generation. Errors only on broken contracts; a stop is recorded in the state.
    pub fn step<S: Simulator>(&mut self, sim: &S) -> Result<Generation, AbcError> {
        if let Some(r) = self.stop {
            return Err(AbcError::Stopped(r));
        }
        let g = self.generation;
        let n = self.settings.particles;
        let k_stats = self.problem.observed.len();
        let eps = self.epsilon;
        let kernel = self.kernel();

        let max_attempts = if self.settings.min_acceptance > 0.0 {
            (n as f64 / self.settings.min_acceptance).ceil() as u64
        } else {
            u64::MAX
        };
        let budget_left =
            self.settings.budget.map_or(u64::MAX, |b| b.saturating_sub(self.total_simulations));
        let prev_rate = self.history.last().map_or(1.0, |h| h.acceptance_rate.max(1e-6));

        let mut accepted: Vec<(u64, Vec<f64>, Vec<f64>, f64)> = Vec::with_capacity(n);
        let mut scale_sample: Vec<Vec<f64>> = Vec::new();
        let (mut issued, mut attempts, mut failures) = (0u64, 0u64, 0u64);
        let mut first_failure: Option<String> = None;
        let mut cut: Option<StopReason> = None;
        while accepted.len() < n {
            let want = match self.settings.batch {
                BatchSize::Fixed { size } => size as u64,
                BatchSize::Auto => {
                    let rate = if attempts > 0 && !accepted.is_empty() {
                        accepted.len() as f64 / attempts as f64
                    } else {
                        prev_rate
                    };
                    (((n - accepted.len()) as f64 / rate) * 1.1).ceil().max(8.0) as u64
                }
            };
            let size = want.min(budget_left - issued).min(max_attempts.saturating_sub(issued));
            if size == 0 {
                cut = Some(if issued >= budget_left {
                    StopReason::Budget
                } else {
                    StopReason::MinAcceptance
                });
                break;
            }
            let batch: Vec<(Vec<f64>, u64)> = (issued..issued + size)
                .into_par_iter()
                .map(|k| {
                    Ok((self.propose(kernel.as_ref(), g, k)?, simulation_seed(self.seed, g, k)))
                })
                .collect::<Result<_, AbcError>>()?;
            let results = sim.simulate(&batch);
            if results.len() != batch.len() {
                return Err(ContractError::BatchLength {
                    expected: batch.len(),
                    got: results.len(),
                }
                .into());
            }
            for (i, ((theta, _), res)) in batch.into_iter().zip(results).enumerate() {
                let k = issued + i as u64;
                if accepted.len() >= n {
                    continue; // simulated past the N-th acceptance: counted, not used
                }
                attempts = k + 1;
                let stats = match res {
                    Ok(s) if s.len() != k_stats => {
                        return Err(
                            ContractError::StatLength { expected: k_stats, got: s.len() }.into()
                        );
                    }
                    Ok(s) if s.iter().all(|v| v.is_finite()) => s,
                    Ok(s) => {
                        failures += 1;
                        if first_failure.is_none() {
                            first_failure = Some(format!("a non-finite statistic: {s:?}"));
                        }
                        continue;
                    }
                    Err(e) => {
                        failures += 1;
                        if first_failure.is_none() {
                            first_failure = Some(e.to_string());
                        }
                        continue;
                    }
                };
                let d =
                    distance(&stats, &self.problem.observed, &self.scale_weights, self.settings.p);
                if d <= eps {
                    accepted.push((k, theta, stats.clone(), d));
                }
                scale_sample.push(stats);
            }
            issued += size;
        }
        self.total_simulations += issued;
        let particles = accepted.len();
        let acceptance_rate = if attempts > 0 { particles as f64 / attempts as f64 } else { 0.0 };
        let mut record = Generation {
            index: g,
            epsilon: eps,
            particles,
            attempts,
            simulations: issued,
            failures,
            first_failure,
            acceptance_rate,
            ess: 0.0,
            total_simulations: self.total_simulations,
            scale_weights: self.scale_weights.clone(),
            complete: cut.is_none(),
        };
        if let Some(reason) = cut {
            drop(kernel);
            self.history.push(record.clone());
            self.stop = Some(reason);
            self.generation += 1;
            return Ok(record);
        }

        // Importance weights.
        let priors = &self.problem.priors;
        let mut weights: Vec<f64> = match &kernel {
            None => vec![1.0; particles],
            Some(kern) => {
                let lw: Vec<f64> = accepted
                    .par_iter()
                    .map(|(_, theta, _, _)| kern.ln_weight(priors, theta))
                    .collect();
                let m = lw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                lw.iter().map(|l| (l - m).exp()).collect()
            }
        };
        drop(kernel);
        stats::normalise(&mut weights);
        record.ess = stats::ess(&weights);

        // The next generation's distance and tolerance.
        if let DistanceKind::Adaptive { scale } = self.settings.distance {
            self.scale_weights = fit_scale_weights(&scale_sample, &self.problem.weights, scale);
        }
        let mut pop = Population {
            theta: Vec::with_capacity(particles),
            weights,
            distances: Vec::with_capacity(particles),
            stats: Vec::with_capacity(particles),
            attempt: Vec::with_capacity(particles),
        };
        for (k, theta, s, _) in accepted {
            pop.distances.push(distance(
                &s,
                &self.problem.observed,
                &self.scale_weights,
                self.settings.p,
            ));
            pop.theta.push(theta);
            pop.stats.push(s);
            pop.attempt.push(k);
        }
        self.epsilon =
            stats::weighted_quantile(&pop.distances, &pop.weights, self.settings.quantile);
        self.population = Some(pop);
        self.history.push(record.clone());
        self.generation += 1;

        self.stop = if eps <= self.settings.min_tolerance {
            Some(StopReason::MinTolerance)
        } else if acceptance_rate < self.settings.min_acceptance {
            Some(StopReason::MinAcceptance)
        } else if self.settings.budget.is_some_and(|b| self.total_simulations >= b) {
            Some(StopReason::Budget)
        } else if self.generation >= self.settings.max_generations {
            Some(StopReason::MaxGenerations)
        } else {
            None
        };
        Ok(record)
    }
}

/// A recovery check (simulation-based calibration): `replicates` times, draw θ from the
/// prior, simulate data at θ, calibrate to those data with ABC-SMC, and keep (θ, posterior).
/// Replicate `r` draws θ from `derive(seed, [label("recover-truth"), r])`, simulates its data
/// under `derive(seed, [label("recover-data"), r])` (a draw whose simulation fails is replaced
/// by the next, `[…, r, attempt]`) and runs ABC under `derive(seed, [label("recover-abc"), r])`.
/// `observe(r, &state)` sees each finished replicate.
pub fn recover<S: Simulator>(
    problem: &Problem,
    settings: &AbcSettings,
    seed: u64,
    replicates: usize,
    sim: &S,
    mut observe: impl FnMut(usize, &AbcState),
) -> Result<Vec<crate::diagnostics::Replicate>, AbcError> {
    problem.check()?;
    settings.check()?;
    let mut out = Vec::with_capacity(replicates);
    for r in 0..replicates as u64 {
        let mut found = None;
        for attempt in 0..100u64 {
            let mut rng = Stream::at(seed, &[seed::label("recover-truth"), r, attempt]);
            let truth = sample_joint(&problem.priors, &mut rng);
            let data_seed = seed::derive(seed, &[seed::label("recover-data"), r, attempt]);
            let mut res = sim.simulate(&[(truth.clone(), data_seed)]);
            if res.len() != 1 {
                return Err(ContractError::BatchLength { expected: 1, got: res.len() }.into());
            }
            if let Some(Ok(y)) = res.pop() {
                if y.len() != problem.observed.len() {
                    return Err(ContractError::StatLength {
                        expected: problem.observed.len(),
                        got: y.len(),
                    }
                    .into());
                }
                if y.iter().all(|v| v.is_finite()) {
                    found = Some((truth, y));
                    break;
                }
            }
        }
        let Some((truth, y)) = found else {
            return Err(AbcError::NoPosterior);
        };
        let mut p = problem.clone();
        p.observed = y;
        let mut state =
            AbcState::new(p, *settings, seed::derive(seed, &[seed::label("recover-abc"), r]))?;
        let posterior = state.run(sim, |_, _| {})?;
        observe(r as usize, &state);
        out.push(crate::diagnostics::Replicate { truth, posterior });
    }
    Ok(out)
}
