//! Estimating LV coefficients from annual series (METHODS §1.4): options, the common result
//! type, the bootstrap, and the entry points [`fit`] and [`fit_pair`].

use nalgebra::DMatrix;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use symbiont_model::mode::SymbiosisMode;

use crate::classify::{ClassifyOptions, Coef, ZeroRule};
use crate::e2::{self, E2Data};
use crate::equilibria::{Equilibria, equilibria};
use crate::ode::Tolerances;
use crate::regress::{self, RegProblem};
use crate::stats::{quantile, t_quantile};
use crate::system::Lv;

/// Which estimator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Estimator {
    /// E1: difference regression of growth rates on levels.
    #[default]
    E1,
    /// E2: trajectory least squares (Levenberg-Marquardt), started from E1.
    E2,
    /// E4: capacities fixed first, then regression for the interaction coefficients.
    E4,
}

/// Which coefficients exist (F1 and F2 free every entry; F3 fixes a_ii = 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Form {
    #[default]
    F1,
    F2,
    F3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GrowthRate {
    /// (x(t+1) − x(t)) / (x(t) Δt).
    #[default]
    Simple,
    /// ln(x(t+1)/x(t)) / Δt (gauseR).
    Log,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Timing {
    /// Regressors at the start of the interval.
    #[default]
    Lag,
    /// Regressors at the midpoint (x(t) + x(t+1))/2, the grey-model "background value".
    Midpoint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResidualScale {
    Raw,
    /// Multiplicative error.
    #[default]
    Log,
    /// Each series divided by its mean (gauseR's `lv_optim`).
    Standardised,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InitialValues {
    /// Estimated with the coefficients.
    #[default]
    Free,
    /// Fixed to the first observation.
    Fixed,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CapacityRule {
    /// Single-species logistic regression, N = −b0/b1.
    Logistic,
    /// N = factor × max(x).
    MaxTimes(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BootstrapKind {
    /// Resample residuals (per time point, all units together) around the fit.
    Residual,
    /// Resample blocks of consecutive time points (keeps autocorrelation).
    MovingBlock { block: usize },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BootstrapOptions {
    pub kind: BootstrapKind,
    pub draws: usize,
    pub seed: u64,
}

/// Every option of a fit. Stored in the result and printed with it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    pub estimator: Estimator,
    pub form: Form,
    pub growth: GrowthRate,
    pub timing: Timing,
    pub residual: ResidualScale,
    pub initial: InitialValues,
    pub capacity: CapacityRule,
    pub tol: Tolerances,
    pub classify: ClassifyOptions,
    /// Leave a pair unclassified when either coefficient's p-value exceeds this.
    pub require_significance: Option<f64>,
    pub bootstrap: Option<BootstrapOptions>,
    /// Confidence level of intervals.
    pub level: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            estimator: Estimator::E1,
            form: Form::F1,
            growth: GrowthRate::Simple,
            timing: Timing::Lag,
            residual: ResidualScale::Log,
            initial: InitialValues::Free,
            capacity: CapacityRule::Logistic,
            tol: Tolerances { rtol: 1e-9, atol: 1e-11, max_steps: 100_000 },
            classify: ClassifyOptions::default(),
            require_significance: None,
            bootstrap: None,
            level: 0.95,
        }
    }
}

/// Annual (or any) series of n units on common times.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub names: Vec<String>,
    pub t: Vec<f64>,
    /// x[unit][time].
    pub x: Vec<Vec<f64>>,
}

/// Problems with the data, naming the unit and time.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    #[error("need at least 2 units, got {0}")]
    TooFewUnits(usize),
    #[error("at most 16 units are supported, got {0}")]
    TooManyUnits(usize),
    #[error("unit {unit}: {got} values for {expected} times")]
    Length { unit: String, got: usize, expected: usize },
    #[error("times must increase strictly: {prev} is followed by {next}")]
    Times { prev: f64, next: f64 },
    #[error("{unit} at t = {t}: value {value} is not finite")]
    NotFinite { unit: String, t: f64, value: f64 },
    #[error("{unit} at t = {t}: value {} must be > 0 ({why})", symbiont_model::num_text(*value))]
    NonPositive { unit: String, t: f64, value: f64, why: &'static str },
    #[error("{got} names for {expected} units")]
    Names { got: usize, expected: usize },
    #[error("the unit {0:?} is named twice")]
    DuplicateName(String),
}

impl Series {
    pub fn new(names: Vec<String>, t: Vec<f64>, x: Vec<Vec<f64>>) -> Result<Series, DataError> {
        if x.len() < 2 {
            return Err(DataError::TooFewUnits(x.len()));
        }
        if x.len() > 16 {
            return Err(DataError::TooManyUnits(x.len()));
        }
        if names.len() != x.len() {
            return Err(DataError::Names { got: names.len(), expected: x.len() });
        }
        if let Some(k) = (0..names.len()).find(|&k| names[..k].contains(&names[k])) {
            return Err(DataError::DuplicateName(names[k].clone()));
        }
        for w in t.windows(2) {
            if w[1].is_nan() || w[0].is_nan() || w[1] <= w[0] {
                return Err(DataError::Times { prev: w[0], next: w[1] });
            }
        }
        for (i, xi) in x.iter().enumerate() {
            if xi.len() != t.len() {
                return Err(DataError::Length {
                    unit: names[i].clone(),
                    got: xi.len(),
                    expected: t.len(),
                });
            }
            for (k, &v) in xi.iter().enumerate() {
                if !v.is_finite() {
                    return Err(DataError::NotFinite { unit: names[i].clone(), t: t[k], value: v });
                }
            }
        }
        Ok(Series { names, t, x })
    }
    pub fn n(&self) -> usize {
        self.x.len()
    }
    pub fn len(&self) -> usize {
        self.t.len()
    }
    pub fn is_empty(&self) -> bool {
        self.t.is_empty()
    }
    fn require_positive(&self, why: &'static str) -> Result<(), DataError> {
        for (i, xi) in self.x.iter().enumerate() {
            for (k, &v) in xi.iter().enumerate() {
                if v <= 0.0 {
                    return Err(DataError::NonPositive {
                        unit: self.names[i].clone(),
                        t: self.t[k],
                        value: v,
                        why,
                    });
                }
            }
        }
        Ok(())
    }
}

/// Why a fit produced no estimate. Values explained to the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("{what} is not identified: {reason}")]
    NotIdentified { what: String, reason: String },
    #[error("the fit did not converge: {reason}")]
    NotConverged { reason: String },
    #[error("option conflict: {0}")]
    Options(String),
}

/// Goodness of fit, on the space the estimator minimises.
#[derive(Debug, Clone, PartialEq)]
pub struct Gof {
    pub space: &'static str,
    /// R² per unit.
    pub r2: Vec<f64>,
    pub rmse: f64,
    /// Gaussian AIC: m·ln(RSS/m) + 2k (summed over the per-unit regressions for E1/E4).
    pub aic: f64,
    pub rss: f64,
    pub n_obs: usize,
    pub n_params: usize,
}

/// An estimate in F2 with its covariance over the (r, a) index space (r_i at i, a_ij at
/// n + i·n + j).
#[derive(Debug, Clone)]
pub(crate) struct Estimate {
    pub lv: Lv,
    pub free: Vec<bool>,
    pub cov: Option<DMatrix<f64>>,
    pub p: Vec<Option<f64>>,
    pub df: usize,
    pub x0: Option<(Vec<f64>, Option<Vec<f64>>)>,
    pub gof: Gof,
    pub notes: Vec<String>,
    pub converged: Option<bool>,
}

/// One reported parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// "F2", "F1", "F3" or "x0": which form the name belongs to.
    pub group: &'static str,
    pub name: String,
    pub estimate: f64,
    pub se: Option<f64>,
    pub p: Option<f64>,
    /// Wald interval est ± t·se.
    pub ci: Option<(f64, f64)>,
    /// Bootstrap percentile interval.
    pub boot_ci: Option<(f64, f64)>,
}

/// The mode of one pair (i < j) with its bootstrap distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct PairMode {
    pub i: usize,
    pub j: usize,
    /// Effect of j on i and of i on j (σ when capacities exist, else a scaled a_ij).
    pub e_ij: Coef,
    pub e_ji: Coef,
    pub mode: Option<SymbiosisMode>,
    /// Why `mode` is None.
    pub unclassified: Option<String>,
    /// Share of bootstrap draws in each mode, largest first.
    pub probability: Vec<(SymbiosisMode, f64)>,
}

/// A fitted system and everything reported about it.
#[derive(Debug, Clone)]
pub struct Fit {
    pub names: Vec<String>,
    pub options: FitOptions,
    pub lv: Lv,
    pub params: Vec<Param>,
    /// True when the effects used for modes are σ_ij (F1); false when they are
    /// a_ij·mean(x_j)/|r_i| because some unit has no finite capacity.
    pub effects_are_sigma: bool,
    pub modes: Vec<PairMode>,
    pub equilibria: Equilibria,
    pub gof: Gof,
    pub notes: Vec<String>,
    pub dropped: Vec<String>,
    pub converged: Option<bool>,
    pub x0: Option<Vec<f64>>,
    /// Bootstrap draws attempted and those that produced an estimate.
    pub draws: usize,
    pub draws_ok: usize,
    /// The bootstrap values of each coefficient, aligned with `params`, in draw order (empty
    /// without a bootstrap, and for the `x0` group, which is not redrawn).
    pub draws_by_param: Vec<Vec<f64>>,
}

impl Fit {
    /// The mode of the pair (i, j), i < j.
    pub fn pair(&self, i: usize, j: usize) -> Option<&PairMode> {
        self.modes.iter().find(|m| m.i == i && m.j == j)
    }
}

/// What [`fit_pair`] returns: the mode of (home, host), its bootstrap probability, the fit.
#[derive(Debug, Clone)]
pub struct PairFit {
    pub mode: Option<SymbiosisMode>,
    /// Share of bootstrap draws agreeing with `mode` (None without a bootstrap).
    pub probability: Option<f64>,
    pub fit: Fit,
}

/// Fit two series on years 0, 1, 2, … and return the mode of the pair. The simple entry point
/// for other engines (the simulation's aggregate home and host series).
pub fn fit_pair(first: &[f64], second: &[f64], opts: &FitOptions) -> Result<PairFit, FitError> {
    let t: Vec<f64> = (0..first.len()).map(|k| k as f64).collect();
    let s = Series::new(vec!["1".into(), "2".into()], t, vec![first.to_vec(), second.to_vec()])?;
    let fit = fit(&s, opts)?;
    let pm = fit.pair(0, 1).expect("two units have one pair");
    let mode = pm.mode;
    let probability = mode.and_then(|m| {
        (fit.draws_ok > 0).then(|| pm.probability.iter().find(|p| p.0 == m).map_or(0.0, |p| p.1))
    });
    Ok(PairFit { mode, probability, fit })
}

/// Effects used for classification: σ if F1 exists, else a_ij·mean(x_j)/|r_i|.
fn effects(lv: &Lv, means: &[f64]) -> (Vec<f64>, bool) {
    let n = lv.n();
    match lv.to_f1() {
        Ok(f1) => (f1.sigma, true),
        Err(_) => {
            let mut e = vec![0.0; n * n];
            for i in 0..n {
                for j in 0..n {
                    if i != j {
                        let ri = lv.r[i].abs().max(1e-300);
                        e[i * n + j] = lv.a(i, j) * means[j] / ri;
                    }
                }
            }
            (e, false)
        }
    }
}

fn modes_of(lv: &Lv, means: &[f64], p: &[Option<f64>], opts: &FitOptions) -> (Vec<PairMode>, bool) {
    let n = lv.n();
    let (e, sigma) = effects(lv, means);
    let mut out = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let pij = p.get(n + i * n + j).copied().flatten();
            let pji = p.get(n + j * n + i).copied().flatten();
            let e_ij = Coef { value: e[i * n + j], p: pij };
            let e_ji = Coef { value: e[j * n + i], p: pji };
            let mut unclassified = None;
            if let Some(alpha) = opts.require_significance {
                let insig = |p: Option<f64>| p.is_none_or(|p| p.is_nan() || p > alpha);
                if insig(pij) || insig(pji) {
                    unclassified = Some(format!(
                        "not classified: a coefficient is not significant at {alpha} \
                         (p = {}, {})",
                        fmt_p(pij),
                        fmt_p(pji)
                    ));
                }
            }
            if matches!(opts.classify.zero, ZeroRule::PValue(_))
                && (pij.is_none() || pji.is_none())
                && unclassified.is_none()
            {
                unclassified = Some(
                    "not classified: the p-value rule needs standard errors, and this fit has none"
                        .into(),
                );
            }
            let mode = unclassified.is_none().then(|| opts.classify.classify(e_ij, e_ji));
            out.push(PairMode { i, j, e_ij, e_ji, mode, unclassified, probability: Vec::new() });
        }
    }
    (out, sigma)
}

/// A mode's label with unit names instead of "1" and "2", e.g. `parasitism (lynx gains)`.
pub fn mode_label(m: SymbiosisMode, first: &str, second: &str) -> String {
    use symbiont_model::mode::Which;
    let nm = |w: Which| if w == Which::First { first } else { second };
    match m {
        SymbiosisMode::Commensalism { beneficiary } => {
            format!("commensalism ({} gains)", nm(beneficiary))
        }
        SymbiosisMode::Parasitism { beneficiary } => {
            format!("parasitism ({} gains)", nm(beneficiary))
        }
        SymbiosisMode::AsymmetricMutualism { larger } => {
            format!("asymmetric mutualism ({} gains more)", nm(larger))
        }
        SymbiosisMode::Amensalism { harmed } => format!("amensalism ({} harmed)", nm(harmed)),
        m => m.to_string(),
    }
}

fn fmt_p(p: Option<f64>) -> String {
    p.map_or("n/a".into(), |p| format!("{p:.3}"))
}

/// Parameter values of a system, named, in the groups reported (no SEs).
fn param_values(
    lv: &Lv,
    free: &[bool],
    form: Form,
    x0: Option<&[f64]>,
) -> Vec<(&'static str, String, f64)> {
    let n = lv.n();
    let mut out = Vec::new();
    for (i, _) in free.iter().enumerate().take(n).filter(|f| *f.1) {
        out.push(("F2", format!("r[{}]", i + 1), lv.r[i]));
    }
    for i in 0..n {
        for j in 0..n {
            if free[n + i * n + j] {
                out.push(("F2", format!("a[{},{}]", i + 1, j + 1), lv.a(i, j)));
            }
        }
    }
    match form {
        Form::F3 => {
            if let Ok(f3) = lv.to_f3() {
                out.push(("F3", "alpha".into(), f3.alpha));
                out.push(("F3", "beta".into(), f3.beta));
                out.push(("F3", "gamma".into(), f3.gamma));
                out.push(("F3", "delta".into(), f3.delta));
            }
        }
        Form::F1 | Form::F2 => {
            if let Ok(f1) = lv.to_f1() {
                for i in 0..n {
                    out.push(("F1", format!("N[{}]", i + 1), f1.capacity[i]));
                }
                for i in 0..n {
                    for j in 0..n {
                        if i != j {
                            out.push((
                                "F1",
                                format!("sigma[{},{}]", i + 1, j + 1),
                                f1.sigma[i * n + j],
                            ));
                        }
                    }
                }
            }
        }
    }
    if let Some(x0) = x0 {
        for (i, v) in x0.iter().enumerate() {
            out.push(("x0", format!("x0[{}]", i + 1), *v));
        }
    }
    out
}

/// Delta-method SE of a function of (r, a) with covariance `cov`.
fn delta_se(
    lv: &Lv,
    cov: &DMatrix<f64>,
    free: &[bool],
    f: &dyn Fn(&Lv) -> Option<f64>,
) -> Option<f64> {
    let n = lv.n();
    let dim = n + n * n;
    let mut g = vec![0.0; dim];
    for k in (0..dim).filter(|&k| free[k]) {
        let base = if k < n { lv.r[k] } else { lv.a[k - n] };
        let h = 1e-6 * base.abs().max(1e-8);
        let mut up = lv.clone();
        let mut dn = lv.clone();
        if k < n {
            up.r[k] += h;
            dn.r[k] -= h;
        } else {
            up.a[k - n] += h;
            dn.a[k - n] -= h;
        }
        g[k] = (f(&up)? - f(&dn)?) / (2.0 * h);
    }
    let mut v = 0.0;
    for a in 0..dim {
        for b in 0..dim {
            v += g[a] * cov[(a, b)] * g[b];
        }
    }
    (v >= 0.0 && v.is_finite()).then(|| v.sqrt())
}

fn value_of(lv: &Lv, form: Form, name: &str) -> Option<f64> {
    let free = vec![true; lv.n() + lv.n() * lv.n()];
    param_values(lv, &free, form, None).into_iter().find(|p| p.1 == name).map(|p| p.2)
}

fn build_params(est: &Estimate, form: Form, level: f64) -> Vec<Param> {
    let x0 = est.x0.as_ref().map(|x| x.0.as_slice());
    let tq = t_quantile(level, est.df);
    param_values(&est.lv, &est.free, form, x0)
        .into_iter()
        .map(|(group, name, estimate)| {
            let (se, p) = if group == "x0" {
                let i: usize = name[3..name.len() - 1].parse().unwrap_or(1) - 1;
                (est.x0.as_ref().and_then(|x| x.1.as_ref()).map(|s| s[i]), None)
            } else if let Some(cov) = &est.cov {
                let se = delta_se(&est.lv, cov, &est.free, &|lv: &Lv| value_of(lv, form, &name));
                let p = se.map(|s| crate::stats::t_pvalue(estimate / s, est.df));
                (se, p)
            } else {
                (None, None)
            };
            let ci = se.map(|s| (estimate - tq * s, estimate + tq * s));
            Param { group, name, estimate, se, p, ci, boot_ci: None }
        })
        .collect()
}

/// Fit the series with the options.
pub fn fit(s: &Series, opts: &FitOptions) -> Result<Fit, FitError> {
    fit_from(s, opts, None)
}

/// Fit, with E2 started from a given system and initial state instead of from E1 (for
/// restarts and continuation). Other estimators ignore `start`.
pub fn fit_from(
    s: &Series,
    opts: &FitOptions,
    start: Option<(&Lv, &[f64])>,
) -> Result<Fit, FitError> {
    let n = s.n();
    let means: Vec<f64> = s.x.iter().map(|x| x.iter().sum::<f64>() / x.len() as f64).collect();
    let mut dropped = Vec::new();
    let mut notes = Vec::new();
    if s.len() < 3 {
        return Err(FitError::NotIdentified {
            what: "the system".into(),
            reason: format!("{} time points; growth regressions need at least 3", s.len()),
        });
    }
    let (est, boot): (Estimate, Resampler<'_>) = match opts.estimator {
        Estimator::E1 | Estimator::E4 => {
            let prob = if opts.estimator == Estimator::E1 {
                regress::e1_problem(s, opts, &mut dropped)
            } else {
                if opts.form == Form::F3 {
                    return Err(FitError::Options("E4 fixes capacities, and F3 has none".into()));
                }
                let cap = regress::capacities(s, opts, &mut dropped)?;
                notes.push(format!(
                    "E4: capacities fixed first at {}",
                    cap.iter()
                        .zip(&s.names)
                        .map(|(c, nm)| format!("N({nm}) = {c:.4e}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                regress::e4_problem(s, opts, &cap, &mut dropped)
            };
            let (est, fits) = regress::solve(&prob, &s.names)?;
            let boot = reg_bootstrap(prob, fits, opts, s.names.clone(), s.len() - 1);
            (est, boot)
        }
        Estimator::E2 => {
            if opts.residual == ResidualScale::Log {
                s.require_positive("log residuals take the log of every observation")?;
            }
            s.require_positive(
                "the fit starts from E1's growth rates and integrates in log space",
            )?;
            let mut start_opts = *opts;
            start_opts.growth = GrowthRate::Log;
            start_opts.estimator = Estimator::E1;
            let mut d2 = Vec::new();
            let given = start;
            let start_e1 = match given {
                Some((lv, _)) => Ok(lv.clone()),
                None => regress::solve(&regress::e1_problem(s, &start_opts, &mut d2), &s.names)
                    .map(|e| e.0.lv),
            }
            .map_err(|e| FitError::NotIdentified {
                what: "the E1 start of the trajectory fit".into(),
                reason: e.to_string(),
            })?;
            let dim = n + n * n;
            let free: Vec<bool> = (0..dim)
                .map(|k| !(opts.form == Form::F3 && k >= n && (k - n) / n == (k - n) % n))
                .collect();
            let mut obs = Vec::with_capacity(n * s.len());
            for k in 0..s.len() {
                for i in 0..n {
                    obs.push(s.x[i][k]);
                }
            }
            let data = E2Data {
                t: s.t.clone(),
                obs,
                n,
                scale: opts.residual,
                initial: opts.initial,
                free,
                means: means.clone(),
                tol: opts.tol,
            };
            let mut x0: Vec<f64> = (0..n).map(|i| s.x[i][0]).collect();
            let mut start = start_e1;
            if let Some((lv, x)) = given {
                start = lv.clone();
                if opts.initial == InitialValues::Free {
                    x0 = x.to_vec();
                }
            }
            let f = e2::fit(&data, &start, &x0, &s.names)?;
            let boot = e2_bootstrap(data, &f, opts);
            (f.est, boot)
        }
    };
    notes.extend(est.notes.iter().cloned());
    let (mut modes, effects_are_sigma) = modes_of(&est.lv, &means, &est.p, opts);
    if est.cov.is_none() {
        // Coefficients that the data do not pin down give no mode worth printing.
        for m in &mut modes {
            m.mode = None;
            m.unclassified = Some(
                "not identified: the coefficients are not determined by these data \
                 (rank-deficient Jacobian)"
                    .into(),
            );
        }
    }
    if !effects_are_sigma {
        notes.push(
            "some unit has no finite capacity (a_ii ≥ 0), so σ is undefined; modes use the \
             scaled effect a_ij·mean(x_j)/|r_i| instead"
                .into(),
        );
    }
    if let ZeroRule::Band(_) = opts.classify.zero {
        // A band on point estimates ignores their uncertainty: say when that matters.
        let alt = FitOptions {
            classify: ClassifyOptions { zero: ZeroRule::PValue(0.05), ..opts.classify },
            require_significance: None,
            ..*opts
        };
        let (alt_modes, _) = modes_of(&est.lv, &means, &est.p, &alt);
        for (m, a) in modes.iter().zip(alt_modes) {
            let weak = |c: Coef| c.p.is_some_and(|p| p > 0.05);
            if (weak(m.e_ij) || weak(m.e_ji))
                && m.mode.is_some()
                && a.mode.is_some()
                && a.mode != m.mode
            {
                notes.push(format!(
                    "the mode of {} ~ {} rests on coefficients that are not significant (p = {}, \
                     {}); with the p-value rule at 0.05 it would be {}",
                    s.names[m.i],
                    s.names[m.j],
                    fmt_p(m.e_ij.p),
                    fmt_p(m.e_ji.p),
                    a.mode.map_or("unclassified".into(), |x| mode_label(
                        x,
                        &s.names[m.i],
                        &s.names[m.j]
                    ))
                ));
            }
        }
    }
    let mut params = build_params(&est, opts.form, opts.level);
    let mut draws = 0;
    let mut draws_ok = 0;
    let mut draws_by_param: Vec<Vec<f64>> = vec![Vec::new(); params.len()];
    if opts.bootstrap.is_some() && est.cov.is_none() {
        notes.push("bootstrap skipped: the point estimate is not identified".into());
    }
    if let Some(b) = opts.bootstrap.filter(|_| est.cov.is_some()) {
        let mut rng = ChaCha8Rng::seed_from_u64(b.seed);
        let values = &mut draws_by_param;
        let mut counts: Vec<Vec<(SymbiosisMode, usize)>> = vec![Vec::new(); modes.len()];
        for _ in 0..b.draws {
            draws += 1;
            let Some((lv, pv)) = boot(&mut rng) else { continue };
            draws_ok += 1;
            for (k, p) in params.iter().enumerate() {
                if p.group != "x0"
                    && let Some(v) = value_of(&lv, opts.form, &p.name)
                {
                    values[k].push(v);
                }
            }
            // Each draw is classified with its own p-values (the p-value rule needs them).
            let (dm, _) = modes_of(&lv, &means, &pv, opts);
            for (c, m) in counts.iter_mut().zip(dm) {
                if let Some(mode) = m.mode {
                    match c.iter_mut().find(|x| x.0 == mode) {
                        Some(x) => x.1 += 1,
                        None => c.push((mode, 1)),
                    }
                }
            }
        }
        let lo = (1.0 - opts.level) / 2.0;
        for (p, v) in params.iter_mut().zip(values.iter()) {
            if v.len() >= 2 {
                p.boot_ci = quantile(v, lo).zip(quantile(v, 1.0 - lo));
            }
        }
        for (m, c) in modes.iter_mut().zip(counts) {
            let mut pr: Vec<(SymbiosisMode, f64)> =
                c.into_iter().map(|(mode, k)| (mode, k as f64 / draws_ok.max(1) as f64)).collect();
            pr.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            m.probability = pr;
        }
        if draws_ok < draws {
            notes.push(format!(
                "{} of {draws} bootstrap draws gave no estimate and were left out",
                draws - draws_ok
            ));
        }
    }
    let equilibria = equilibria(&est.lv);
    if n == 2
        && let Ok(f1) = est.lv.to_f1()
        && f1.sigma[1] > 0.0
        && f1.sigma[2] > 0.0
        && f1.sigma[1] * f1.sigma[2] >= 1.0
    {
        notes.push(format!(
            "σ12·σ21 = {:.3} ≥ 1: mutualism without a finite equilibrium; the fitted system \
             grows without bound",
            f1.sigma[1] * f1.sigma[2]
        ));
    }
    Ok(Fit {
        names: s.names.clone(),
        options: *opts,
        x0: est.x0.as_ref().map(|x| x.0.clone()),
        lv: est.lv,
        params,
        effects_are_sigma,
        modes,
        equilibria,
        gof: est.gof,
        notes,
        dropped,
        converged: est.converged,
        draws,
        draws_ok,
        draws_by_param,
    })
}

/// One bootstrap draw: a refit on resampled data (system and p-values), or None when the
/// draw gives no estimate.
type Resampler<'a> = Box<dyn Fn(&mut ChaCha8Rng) -> Option<(Lv, Vec<Option<f64>>)> + 'a>;

/// Indices 0..m drawn as moving blocks of length `block`, m in total.
fn block_indices(rng: &mut ChaCha8Rng, m: usize, block: usize) -> Vec<usize> {
    let block = block.clamp(1, m);
    let mut out = Vec::with_capacity(m);
    while out.len() < m {
        let start = rng.random_range(0..=m - block);
        out.extend((start..start + block).take(m - out.len()));
    }
    out
}

fn reg_bootstrap<'a>(
    prob: RegProblem,
    fits: Vec<crate::stats::Ols>,
    opts: &FitOptions,
    names: Vec<String>,
    intervals: usize,
) -> Resampler<'a> {
    let kind = opts.bootstrap.map(|b| b.kind);
    Box::new(move |rng: &mut ChaCha8Rng| {
        let mut p = prob.clone();
        match kind {
            None | Some(BootstrapKind::Residual) => {
                // Fixed design: y* = Xb + e*, e* drawn per interval for all units at once.
                let draw: Vec<usize> =
                    (0..intervals).map(|_| rng.random_range(0..intervals)).collect();
                for (u, f) in p.units.iter_mut().zip(&fits) {
                    let pos = |iv: usize| u.intervals.iter().position(|&x| x == iv);
                    for row in 0..u.intervals.len() {
                        // The residual of the drawn interval (the same for every unit), or this
                        // row's own if that interval was dropped for this unit.
                        let src = pos(draw[u.intervals[row]]).unwrap_or(row);
                        u.y[row] = f.fitted[row] + f.resid[src];
                    }
                }
            }
            Some(BootstrapKind::MovingBlock { block }) => {
                let idx = block_indices(rng, intervals, block);
                for u in p.units.iter_mut() {
                    let rows: Vec<usize> = idx
                        .iter()
                        .filter_map(|iv| u.intervals.iter().position(|x| x == iv))
                        .collect();
                    u.x = u.x.select_rows(rows.iter());
                    u.y = u.y.select_rows(rows.iter());
                    u.intervals = rows.iter().map(|&r| u.intervals[r]).collect();
                }
            }
        }
        regress::solve(&p, &names).ok().map(|e| (e.0.lv, e.0.p))
    })
}

fn e2_bootstrap<'a>(data: E2Data, f: &e2::E2Fit, opts: &FitOptions) -> Resampler<'a> {
    let kind = opts.bootstrap.map(|b| b.kind);
    let fitted = f.fitted_scaled.clone();
    let resid = f.resid.clone();
    let start = f.est.lv.clone();
    let x0 = f.est.x0.as_ref().map(|x| x.0.clone()).unwrap_or_default();
    let names: Vec<String> = (0..data.n).map(|i| format!("{}", i + 1)).collect();
    Box::new(move |rng: &mut ChaCha8Rng| {
        let n = data.n;
        let m = data.t.len();
        // Time points whose residual vectors are reused.
        let idx: Vec<usize> = match kind {
            Some(BootstrapKind::MovingBlock { block }) => block_indices(rng, m, block),
            _ => (0..m).map(|_| rng.random_range(0..m)).collect(),
        };
        let mut d = data.clone();
        for k in 0..m {
            for i in 0..n {
                let v = fitted[k * n + i] + resid[idx[k] * n + i];
                d.obs[k * n + i] = match d.scale {
                    ResidualScale::Raw => v,
                    ResidualScale::Log => v.exp(),
                    ResidualScale::Standardised => v * d.means[i],
                };
            }
        }
        if d.initial == InitialValues::Fixed && (0..n).any(|i| d.obs[i] <= 0.0) {
            return None;
        }
        let x0b: Vec<f64> =
            if d.initial == InitialValues::Fixed { d.obs[..n].to_vec() } else { x0.clone() };
        e2::fit(&d, &start, &x0b, &names).ok().map(|f| (f.est.lv, f.est.p))
    })
}
