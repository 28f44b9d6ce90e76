//! The method of simulated moments (McFadden 1989; Pakes and Pollard 1989; Gouriéroux and
//! Monfort 1996): a fast point estimate with standard errors, to set beside the ABC posterior.
//!
//! With `y` the observed statistics and `m̄_S(θ)` the mean of `S` simulations under common
//! random numbers (the same `S` seeds at every θ, so the objective is smooth in θ):
//!
//! 1. stage 1: minimise `Q₁(θ) = Σ_i w_i (y_i − m̄_i(θ))² / sd_i²`;
//! 2. at that estimate, `R` further simulations give the covariance `Ω_sim` of one
//!    simulation's statistics; the data's covariance `Ω_y` is `Ω_sim` (`weighting =
//!    "simulated"`: the model's own sampling noise), `diag(sd²)` (`"targets"`: the published
//!    uncertainty) or their sum (`"both"`);
//! 3. stage 2: minimise `Q(θ) = (y − m̄)ᵀ W (y − m̄)` with `W = (Ω_y + Ω_sim/S)⁻¹`, the
//!    inverse covariance of `y − m̄_S`;
//! 4. standard errors from the numerical Jacobian `G = ∂m̄/∂θ` (central differences on the
//!    same seeds) by the sandwich `V = B (Ω_y + Ω_sim/S) Bᵀ`, `B = (GᵀWG)⁻¹GᵀW`, with `Ω` and
//!    `G` at the final estimate. For `weighting = "simulated"` this is the textbook
//!    `(1 + 1/S) (GᵀΩ⁻¹G)⁻¹`; with more moments than parameters, `Q` at the optimum is
//!    Hansen's J statistic, χ² with `k − p` degrees of freedom under the model.
//!
//! The search runs in standardised coordinates `u = (θ − median) / sd` of the priors, and the
//! objective is `+∞` outside the priors' support. Seeds: `derive(seed, [label("msm-crn"), s])`
//! for the common random numbers, `derive(seed, [label("msm-omega"), r])` for `Ω`.

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};
use symbiont_model::seed;

use crate::exact;
use crate::optim::{self, CmaOptions};
use crate::prior::ln_joint;
use crate::problem::{Problem, ProblemError, SettingsError, bad_setting};
use crate::simulator::{ContractError, Simulator};

/// Which minimiser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Optimizer {
    NelderMead,
    CmaEs,
}

/// Where the data's covariance `Ω_y` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Weighting {
    Simulated,
    Targets,
    Both,
}

/// Settings of the method of simulated moments.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MsmSettings {
    /// `S`: simulations per moment evaluation (common random numbers).
    pub replications: usize,
    pub optimizer: Optimizer,
    /// Objective evaluations per stage.
    pub max_evaluations: usize,
    /// Convergence tolerance (standardised coordinates; relative in the objective).
    #[serde(with = "exact::one")]
    pub tolerance: f64,
    pub weighting: Weighting,
    /// `R`: simulations for `Ω_sim`.
    pub covariance_replications: usize,
    /// Jacobian step as a fraction of each prior's sd.
    #[serde(with = "exact::one")]
    pub jacobian_step: f64,
    /// Initial simplex step (Nelder-Mead) or σ (CMA-ES), in prior sds.
    #[serde(with = "exact::one")]
    pub initial_step: f64,
}

impl Default for MsmSettings {
    fn default() -> Self {
        MsmSettings {
            replications: 20,
            optimizer: Optimizer::NelderMead,
            max_evaluations: 400,
            tolerance: 1e-6,
            weighting: Weighting::Simulated,
            covariance_replications: 200,
            jacobian_step: 0.01,
            initial_step: 0.3,
        }
    }
}

impl MsmSettings {
    pub fn check(&self) -> Result<(), SettingsError> {
        let bad = bad_setting;
        if self.replications == 0 {
            return bad("replications", "at least 1", "0".into());
        }
        if self.max_evaluations < 2 {
            return bad("max_evaluations", "at least 2", self.max_evaluations.to_string());
        }
        if self.tolerance.is_nan() || self.tolerance <= 0.0 {
            return bad("tolerance", "a number > 0", self.tolerance.to_string());
        }
        if self.covariance_replications < 2 {
            return bad(
                "covariance_replications",
                "at least 2",
                self.covariance_replications.to_string(),
            );
        }
        if !(self.jacobian_step > 0.0 && self.jacobian_step.is_finite()) {
            return bad("jacobian_step", "a number > 0", self.jacobian_step.to_string());
        }
        if !(self.initial_step > 0.0 && self.initial_step.is_finite()) {
            return bad("initial_step", "a number > 0", self.initial_step.to_string());
        }
        Ok(())
    }
}

/// The estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MsmResult {
    pub names: Vec<String>,
    #[serde(with = "exact::vec")]
    pub estimate: Vec<f64>,
    /// Standard errors; `None` when the moments do not identify the parameters there
    /// (`GᵀWG` singular), with the reason in `notes`.
    pub se: Option<Vec<f64>>,
    /// The estimate's covariance `V` (row-major), with `se`.
    pub covariance: Option<Vec<f64>>,
    /// The first-stage estimate.
    #[serde(with = "exact::vec")]
    pub stage1: Vec<f64>,
    /// The stage-2 objective at the estimate.
    #[serde(with = "exact::one")]
    pub objective: f64,
    /// Hansen's J: (statistic, degrees of freedom, p-value), when there are more moments
    /// than parameters.
    pub j_test: Option<(f64, usize, f64)>,
    /// `m̄_S` at the estimate.
    #[serde(with = "exact::vec")]
    pub moments: Vec<f64>,
    /// `G`, k × p row-major.
    #[serde(with = "exact::vec")]
    pub jacobian: Vec<f64>,
    pub evaluations: usize,
    pub simulations: u64,
    pub failures: u64,
    /// Whether both stages met the convergence test (not the evaluation cap).
    pub converged: bool,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MsmError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Problem(#[from] ProblemError),
    #[error(transparent)]
    Contract(#[from] ContractError),
    #[error("{what}: only {ok} of {of} simulations succeeded at θ = {theta:?}{first}")]
    Failed { what: &'static str, ok: usize, of: usize, theta: Vec<f64>, first: String },
    #[error(
        "the objective is infinite at the start {0:?} (every simulation failed, or outside the priors)"
    )]
    BadStart(Vec<f64>),
}

/// The successful statistic vectors at one θ, and the first failure's message.
type Runs = (Vec<Vec<f64>>, Option<String>);

struct Moments<'a, S: Simulator> {
    problem: &'a Problem,
    sim: &'a S,
    seed: u64,
    s: usize,
    simulations: u64,
    failures: u64,
    evaluations: usize,
}

impl<S: Simulator> Moments<'_, S> {
    /// Simulate each θ under `seeds`; per θ, the successful statistic vectors.
    fn run(&mut self, thetas: &[Vec<f64>], seeds: &[u64]) -> Result<Vec<Runs>, MsmError> {
        let k = self.problem.observed.len();
        let batch: Vec<(Vec<f64>, u64)> =
            thetas.iter().flat_map(|t| seeds.iter().map(move |&s| (t.clone(), s))).collect();
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let res = self.sim.simulate(&batch);
        if res.len() != batch.len() {
            return Err(ContractError::BatchLength { expected: batch.len(), got: res.len() }.into());
        }
        self.simulations += batch.len() as u64;
        let mut out: Vec<Runs> = thetas.iter().map(|_| (Vec::new(), None)).collect();
        for (i, r) in res.into_iter().enumerate() {
            let slot = &mut out[i / seeds.len()];
            match r {
                Ok(v) if v.len() != k => {
                    return Err(ContractError::StatLength { expected: k, got: v.len() }.into());
                }
                Ok(v) if v.iter().all(|x| x.is_finite()) => slot.0.push(v),
                Ok(v) => {
                    self.failures += 1;
                    slot.1.get_or_insert(format!("a non-finite statistic {v:?}"));
                }
                Err(e) => {
                    self.failures += 1;
                    slot.1.get_or_insert(e.to_string());
                }
            }
        }
        Ok(out)
    }

    fn crn_seeds(&self) -> Vec<u64> {
        (0..self.s as u64).map(|s| seed::derive(self.seed, &[seed::label("msm-crn"), s])).collect()
    }

    /// `m̄_S` at each θ (`None` where a simulation failed or θ is outside the priors).
    fn means(&mut self, thetas: &[Vec<f64>]) -> Result<Vec<Option<Vec<f64>>>, MsmError> {
        let inside: Vec<bool> =
            thetas.iter().map(|t| ln_joint(&self.problem.priors, t) > f64::NEG_INFINITY).collect();
        let run: Vec<Vec<f64>> =
            thetas.iter().zip(&inside).filter(|(_, ok)| **ok).map(|(t, _)| t.clone()).collect();
        self.evaluations += thetas.len();
        let seeds = self.crn_seeds();
        let mut got = self.run(&run, &seeds)?.into_iter();
        Ok(inside
            .iter()
            .map(|&ok| {
                if !ok {
                    return None;
                }
                let (v, _) = got.next()?;
                if v.len() < self.s {
                    return None;
                }
                Some(mean(&v))
            })
            .collect())
    }

    /// `Ω_sim` at θ from `R` simulations.
    fn omega(&mut self, theta: &[f64], r: usize) -> Result<DMatrix<f64>, MsmError> {
        let seeds: Vec<u64> = (0..r as u64)
            .map(|i| seed::derive(self.seed, &[seed::label("msm-omega"), i]))
            .collect();
        let (v, first) = self.run(&[theta.to_vec()], &seeds)?.pop().unwrap_or_default();
        if v.len() < 2 {
            return Err(MsmError::Failed {
                what: "the moments' covariance",
                ok: v.len(),
                of: r,
                theta: theta.to_vec(),
                first: first.map(|f| format!("; first failure: {f}")).unwrap_or_default(),
            });
        }
        let k = v[0].len();
        let m = mean(&v);
        let mut c = DMatrix::zeros(k, k);
        for x in &v {
            for a in 0..k {
                for b in 0..k {
                    c[(a, b)] += (x[a] - m[a]) * (x[b] - m[b]);
                }
            }
        }
        Ok(c / (v.len() - 1) as f64)
    }
}

fn mean(v: &[Vec<f64>]) -> Vec<f64> {
    let k = v[0].len();
    (0..k).map(|i| v.iter().map(|x| x[i]).sum::<f64>() / v.len() as f64).collect()
}

fn quad(d: &[f64], w: &DMatrix<f64>) -> f64 {
    let k = d.len();
    let mut s = 0.0;
    for a in 0..k {
        for b in 0..k {
            s += d[a] * w[(a, b)] * d[b];
        }
    }
    s
}

/// Invert a symmetric positive semi-definite matrix, adding a ridge when it is singular
/// (a statistic that does not vary); the ridge is reported in `notes`.
fn inverse_spd(m: &DMatrix<f64>, notes: &mut Vec<String>, what: &str) -> DMatrix<f64> {
    let k = m.nrows();
    let scale = (0..k).map(|i| m[(i, i)].abs()).sum::<f64>() / k as f64;
    let scale = if scale > 0.0 { scale } else { 1.0 };
    let mut ridge = 0.0;
    for attempt in 0..12 {
        let mut a = m.clone();
        for i in 0..k {
            a[(i, i)] += ridge;
        }
        if let Some(c) = a.cholesky() {
            if ridge > 0.0 {
                notes.push(format!(
                    "{what} is singular; a ridge of {ridge:.3e} was added to invert it"
                ));
            }
            return c.inverse();
        }
        ridge = scale * 10f64.powi(attempt - 12);
    }
    notes.push(format!("{what} could not be inverted; identity weights used"));
    DMatrix::identity(k, k)
}

/// Estimate θ by simulated moments.
pub fn msm<S: Simulator>(
    problem: &Problem,
    settings: &MsmSettings,
    seed: u64,
    sim: &S,
) -> Result<MsmResult, MsmError> {
    problem.check()?;
    settings.check()?;
    let p = problem.dim();
    let k = problem.observed.len();
    let centre: Vec<f64> = problem.priors.iter().map(|pr| pr.median()).collect();
    let scale: Vec<f64> = problem.priors.iter().map(|pr| pr.sd()).collect();
    let to_theta = |u: &[f64]| -> Vec<f64> {
        u.iter().zip(&centre).zip(&scale).map(|((u, c), s)| c + s * u).collect()
    };
    let mut mo = Moments {
        problem,
        sim,
        seed,
        s: settings.replications,
        simulations: 0,
        failures: 0,
        evaluations: 0,
    };
    let mut notes = Vec::new();

    let w1 = DMatrix::from_diagonal(&nalgebra::DVector::from_iterator(
        k,
        problem.weights.iter().zip(&problem.sd).map(|(w, s)| w / (s * s)),
    ));
    let y = problem.observed.clone();

    let minimise = |mo: &mut Moments<'_, S>,
                    w: &DMatrix<f64>,
                    u0: &[f64],
                    stage: u64|
     -> Result<optim::OptResult, MsmError> {
        let mut err: Option<MsmError> = None;
        let mut f = |us: &[Vec<f64>]| -> Vec<f64> {
            let thetas: Vec<Vec<f64>> = us.iter().map(|u| to_theta(u)).collect();
            match mo.means(&thetas) {
                Ok(ms) => ms
                    .into_iter()
                    .map(|m| match m {
                        Some(m) => {
                            quad(&y.iter().zip(&m).map(|(a, b)| a - b).collect::<Vec<_>>(), w)
                        }
                        None => f64::INFINITY,
                    })
                    .collect(),
                Err(e) => {
                    err.get_or_insert(e);
                    vec![f64::INFINITY; us.len()]
                }
            }
        };
        let r = match settings.optimizer {
            Optimizer::NelderMead => optim::nelder_mead(
                &mut f,
                u0,
                &vec![settings.initial_step; p],
                settings.tolerance,
                settings.max_evaluations,
            ),
            Optimizer::CmaEs => {
                let feasible =
                    |u: &[f64]| ln_joint(&problem.priors, &to_theta(u)) > f64::NEG_INFINITY;
                let opts = CmaOptions {
                    sigma: settings.initial_step,
                    population: None,
                    tol: settings.tolerance,
                    max_evaluations: settings.max_evaluations,
                    seed: seed::derive(seed, &[seed::label("msm-cma"), stage]),
                };
                optim::cma_es(&mut f, &feasible, u0, &opts)
            }
        };
        if let Some(e) = err {
            return Err(e);
        }
        if !r.f.is_finite() {
            return Err(MsmError::BadStart(to_theta(u0)));
        }
        Ok(r)
    };

    let r1 = minimise(&mut mo, &w1, &vec![0.0; p], 1)?;
    let theta1 = to_theta(&r1.x);
    let diag_sd = DMatrix::from_diagonal(&nalgebra::DVector::from_iterator(
        k,
        problem.sd.iter().map(|s| s * s),
    ));
    let noise = |om: &DMatrix<f64>| -> DMatrix<f64> {
        let s = settings.replications as f64;
        match settings.weighting {
            Weighting::Simulated => om * (1.0 + 1.0 / s),
            Weighting::Targets => &diag_sd + om / s,
            Weighting::Both => om * (1.0 + 1.0 / s) + &diag_sd,
        }
    };
    let omega1 = mo.omega(&theta1, settings.covariance_replications)?;
    let w2 = inverse_spd(
        &noise(&omega1),
        &mut notes,
        "the moments' covariance at the first-stage estimate",
    );
    let r2 = minimise(&mut mo, &w2, &r1.x, 2)?;
    let theta2 = to_theta(&r2.x);

    // Jacobian on the same seeds, central where both sides are inside the priors.
    let mut pts = vec![theta2.clone()];
    let mut hs = Vec::with_capacity(p);
    for j in 0..p {
        let h = settings.jacobian_step * scale[j];
        hs.push(h);
        for sign in [1.0, -1.0] {
            let mut t = theta2.clone();
            t[j] += sign * h;
            pts.push(t);
        }
    }
    let ms = mo.means(&pts)?;
    let Some(m0) = ms[0].clone() else {
        return Err(MsmError::Failed {
            what: "the moments at the estimate",
            ok: 0,
            of: settings.replications,
            theta: theta2,
            first: String::new(),
        });
    };
    let mut g = DMatrix::zeros(k, p);
    for j in 0..p {
        let (plus, minus) = (&ms[1 + 2 * j], &ms[2 + 2 * j]);
        for i in 0..k {
            g[(i, j)] = match (plus, minus) {
                (Some(a), Some(b)) => (a[i] - b[i]) / (2.0 * hs[j]),
                (Some(a), None) => (a[i] - m0[i]) / hs[j],
                (None, Some(b)) => (m0[i] - b[i]) / hs[j],
                (None, None) => f64::NAN,
            };
        }
        if plus.is_none() || minus.is_none() {
            notes.push(format!(
                "`{}`: one-sided derivative (the estimate is at the edge of its prior)",
                problem.names[j]
            ));
        }
    }
    let omega2 = mo.omega(&theta2, settings.covariance_replications)?;
    let sigma_y = noise(&omega2);
    let mut se = None;
    let mut covariance = None;
    if g.iter().all(|v| v.is_finite()) {
        let gtw = g.transpose() * &w2;
        let h = &gtw * &g;
        let eig = h.clone().symmetric_eigen();
        let (emax, emin) = eig
            .eigenvalues
            .iter()
            .fold((0.0f64, f64::INFINITY), |(a, b), &v| (a.max(v.abs()), b.min(v.abs())));
        if emin > emax * 1e-12
            && emin > 0.0
            && let Some(hinv) = h.clone().try_inverse()
        {
            let bm = &hinv * &gtw;
            let v = &bm * &sigma_y * bm.transpose();
            se = Some((0..p).map(|j| v[(j, j)].max(0.0).sqrt()).collect());
            covariance = Some(v.transpose().as_slice().to_vec());
        }
        if se.is_none() {
            let weak: Vec<&str> = (0..p)
                .filter(|&j| {
                    (0..k).map(|i| g[(i, j)].abs()).fold(0.0, f64::max) * scale[j]
                        < 1e-9 * (1.0 + y.iter().map(|v| v.abs()).fold(0.0, f64::max))
                })
                .map(|j| problem.names[j].as_str())
                .collect();
            notes.push(if weak.is_empty() {
                "not identified: GᵀWG is singular (parameters trade off exactly in these moments)"
                    .to_string()
            } else {
                format!("not identified: the moments do not move with {}", weak.join(", "))
            });
        }
    } else {
        notes.push(
            "the Jacobian could not be computed (simulations failed beside the estimate)".into(),
        );
    }
    let d: Vec<f64> = y.iter().zip(&m0).map(|(a, b)| a - b).collect();
    let objective = quad(&d, &w2);
    let j_test = (k > p).then(|| {
        let df = k - p;
        let pval = ChiSquared::new(df as f64).map_or(f64::NAN, |c| 1.0 - c.cdf(objective));
        (objective, df, pval)
    });
    Ok(MsmResult {
        names: problem.names.clone(),
        estimate: theta2,
        se,
        covariance,
        stage1: theta1,
        objective,
        j_test,
        moments: m0,
        jacobian: g.transpose().as_slice().to_vec(),
        evaluations: mo.evaluations,
        simulations: mo.simulations,
        failures: mo.failures,
        converged: r1.converged && r2.converged,
        notes,
    })
}
