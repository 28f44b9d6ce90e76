//! E2: trajectory least squares. Levenberg-Marquardt (the `levenberg-marquardt` crate, a
//! MINPACK port) on residuals of the integrated system, with the exact Jacobian from forward
//! sensitivities integrated alongside the state in log space.

use std::cell::RefCell;

use levenberg_marquardt::{LeastSquaresProblem, LevenbergMarquardt, TerminationReason};
use nalgebra::{DMatrix, DVector, Dyn, Owned};

use crate::fit::{Estimate, FitError, Gof, InitialValues, ResidualScale};
use crate::ode::{Control, Dopri5, Integrator, OdeSystem, Tolerances};
use crate::system::Lv;

/// A trajectory-fitting problem on fixed data.
#[derive(Debug, Clone)]
pub(crate) struct E2Data {
    pub t: Vec<f64>,
    /// Observations, time-major: obs[k * n + i].
    pub obs: Vec<f64>,
    pub n: usize,
    pub scale: ResidualScale,
    pub initial: InitialValues,
    /// Which (r, a) entries are free.
    pub free: Vec<bool>,
    /// Per-unit means of the observations (for the standardised scale).
    pub means: Vec<f64>,
    pub tol: Tolerances,
}

impl E2Data {
    fn free_idx(&self) -> Vec<usize> {
        (0..self.free.len()).filter(|&k| self.free[k]).collect()
    }
    pub fn n_params(&self) -> usize {
        self.free.iter().filter(|&&f| f).count()
            + if self.initial == InitialValues::Free { self.n } else { 0 }
    }
}

/// Log-space LV with forward sensitivities. State: y (n), then S (n × p, row-major by unit):
/// S[i][k] = ∂ ln x_i / ∂θ_k.
struct SensLv<'a> {
    lv: &'a Lv,
    /// For each parameter: Some(index into (r, a)) or None for an initial value.
    params: &'a [Option<usize>],
    /// Parameter k is θ_k = coefficient / scale[k]. Interaction coefficients are scaled by the
    /// partner's mean level so that every sensitivity is of order one: economic series of size
    /// 1e13 would otherwise give sensitivities of 1e13 that wreck both the step-size control
    /// and the conditioning of LM's normal equations.
    scale: &'a [f64],
}

impl OdeSystem for SensLv<'_> {
    fn dim(&self) -> usize {
        let n = self.lv.n();
        n + n * self.params.len()
    }
    fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
        let n = self.lv.n();
        let p = self.params.len();
        // x_j = e^{y_j}; at most a few units, so a small stack buffer avoids allocation.
        let mut xs = [0.0f64; 16];
        for j in 0..n {
            xs[j] = y[j].exp();
        }
        for (i, d) in dy.iter_mut().enumerate().take(n) {
            let row = &self.lv.a[i * n..(i + 1) * n];
            *d = self.lv.r[i] + row.iter().zip(&xs).map(|(a, x)| a * x).sum::<f64>();
        }
        for i in 0..n {
            let row = &self.lv.a[i * n..(i + 1) * n];
            for (k, par) in self.params.iter().enumerate() {
                let mut d = 0.0;
                for j in 0..n {
                    d += row[j] * xs[j] * y[n + j * p + k];
                }
                if let Some(e) = *par {
                    if e == i {
                        d += 1.0;
                    } else if e >= n && (e - n) / n == i {
                        d += xs[(e - n) % n] * self.scale[k];
                    }
                }
                dy[n + i * p + k] = d;
            }
        }
    }
}

struct Cache {
    theta: Vec<f64>,
    resid: Option<DVector<f64>>,
    jac: Option<DMatrix<f64>>,
}

/// The LM problem: θ = free (r, a) entries, then ln x0 when initial values are free.
pub(crate) struct Problem<'a> {
    data: &'a E2Data,
    base: Lv,
    x0_fixed: Vec<f64>,
    params: Vec<Option<usize>>,
    scale: Vec<f64>,
    theta: DVector<f64>,
    cache: RefCell<Cache>,
    solver: RefCell<Dopri5>,
}

impl<'a> Problem<'a> {
    pub fn new(data: &'a E2Data, start: &Lv, x0: &[f64]) -> Problem<'a> {
        let n = data.n;
        let idx = data.free_idx();
        let mut params: Vec<Option<usize>> = idx.iter().map(|&k| Some(k)).collect();
        let mut scale: Vec<f64> =
            idx.iter().map(|&k| if k < n { 1.0 } else { 1.0 / data.means[(k - n) % n] }).collect();
        let mut theta: Vec<f64> = idx
            .iter()
            .zip(&scale)
            .map(|(&k, sc)| if k < n { start.r[k] } else { start.a[k - n] / sc })
            .collect();
        if data.initial == InitialValues::Free {
            params.extend((0..n).map(|_| None));
            scale.extend((0..n).map(|_| 1.0));
            theta.extend(x0.iter().map(|v| v.ln()));
        }
        Problem {
            data,
            base: start.clone(),
            x0_fixed: x0.to_vec(),
            params,
            scale,
            theta: DVector::from_vec(theta),
            cache: RefCell::new(Cache { theta: Vec::new(), resid: None, jac: None }),
            solver: RefCell::new(Dopri5::new(data.tol).with_error_dims(data.n)),
        }
    }

    /// The system and initial state at θ.
    pub fn unpack(&self, theta: &[f64]) -> (Lv, Vec<f64>) {
        let n = self.data.n;
        let mut lv = self.base.clone();
        let mut x0 = self.x0_fixed.clone();
        let mut init = 0;
        for (k, p) in self.params.iter().enumerate() {
            match *p {
                Some(e) if e < n => lv.r[e] = theta[k],
                Some(e) => lv.a[e - n] = theta[k] * self.scale[k],
                None => {
                    x0[init] = theta[k].exp();
                    init += 1;
                }
            }
        }
        (lv, x0)
    }

    fn evaluate(&self) {
        let theta: Vec<f64> = self.theta.iter().copied().collect();
        {
            let c = self.cache.borrow();
            if c.theta == theta && c.resid.is_some() {
                return;
            }
        }
        let d = self.data;
        let n = d.n;
        let p = self.params.len();
        let m = d.t.len();
        let (lv, x0) = self.unpack(&theta);
        let sys = SensLv { lv: &lv, params: &self.params, scale: &self.scale };
        let dim = sys.dim();
        let mut y0 = vec![0.0; dim];
        let mut init = 0;
        for i in 0..n {
            y0[i] = x0[i].ln();
        }
        for (k, par) in self.params.iter().enumerate() {
            if par.is_none() {
                y0[n + init * p + k] = 1.0;
                init += 1;
            }
        }
        let mut out = vec![0.0; dim * m];
        // Growth far beyond the data is a failed trial point, not a solution.
        let cap: Vec<f64> = (0..n)
            .map(|i| (0..m).map(|k| d.obs[k * n + i]).fold(f64::MIN_POSITIVE, f64::max).ln() + 20.0)
            .collect();
        let mut hook = |_t: f64, y: &[f64]| {
            if (0..n).any(|i| y[i] > cap[i]) { Control::Stop } else { Control::Continue }
        };
        let ok = y0.iter().all(|v| v.is_finite())
            && self
                .solver
                .borrow_mut()
                .integrate(&sys, d.t[0], &y0, &d.t, &mut out, &mut hook)
                .is_ok();
        let mut c = self.cache.borrow_mut();
        c.theta = theta;
        if !ok {
            // A large, finite residual makes LM reject the trial step and shrink its region.
            c.resid = Some(DVector::from_element(n * m, 1e10));
            c.jac = Some(DMatrix::zeros(n * m, p));
            return;
        }
        let mut resid = DVector::zeros(n * m);
        let mut jac = DMatrix::zeros(n * m, p);
        for k in 0..m {
            let row = &out[k * dim..(k + 1) * dim];
            for i in 0..n {
                let y = row[i];
                let x = y.exp();
                let o = d.obs[k * n + i];
                let (res, dscale) = match d.scale {
                    ResidualScale::Raw => (x - o, x),
                    ResidualScale::Log => (y - o.ln(), 1.0),
                    ResidualScale::Standardised => ((x - o) / d.means[i], x / d.means[i]),
                };
                resid[k * n + i] = res;
                for q in 0..p {
                    jac[(k * n + i, q)] = dscale * row[n + i * p + q];
                }
            }
        }
        c.resid = Some(resid);
        c.jac = Some(jac);
    }
}

impl LeastSquaresProblem<f64, Dyn, Dyn> for Problem<'_> {
    type ResidualStorage = Owned<f64, Dyn>;
    type JacobianStorage = Owned<f64, Dyn, Dyn>;
    type ParameterStorage = Owned<f64, Dyn>;

    fn set_params(&mut self, x: &DVector<f64>) {
        self.theta.copy_from(x);
    }
    fn params(&self) -> DVector<f64> {
        self.theta.clone()
    }
    fn residuals(&self) -> Option<DVector<f64>> {
        self.evaluate();
        self.cache.borrow().resid.clone()
    }
    fn jacobian(&self) -> Option<DMatrix<f64>> {
        self.evaluate();
        self.cache.borrow().jac.clone()
    }
}

/// Result of one E2 fit, in the common `Estimate` shape plus what the bootstrap needs.
pub(crate) struct E2Fit {
    pub est: Estimate,
    /// Fitted values on the residual scale, time-major.
    pub fitted_scaled: Vec<f64>,
    pub resid: Vec<f64>,
}

/// Fit from a start.
pub(crate) fn fit(
    data: &E2Data,
    start: &Lv,
    x0: &[f64],
    names: &[String],
) -> Result<E2Fit, FitError> {
    let n = data.n;
    let m = data.t.len();
    let p = data.n_params();
    if n * m <= p {
        return Err(FitError::NotIdentified {
            what: "the trajectory fit".into(),
            reason: format!("{} observations for {p} parameters", n * m),
        });
    }
    let problem = Problem::new(data, start, x0);
    let lm = LevenbergMarquardt::new()
        // Tight enough that a restart from the optimum moves no parameter by 1e-6 relative,
        // loose enough not to spend ODE solves polishing digits the data cannot support.
        .with_ftol(1e-12)
        .with_xtol(1e-10)
        .with_gtol(1e-12)
        .with_patience(400);
    let (problem, report) = lm.minimize(problem);
    let converged = matches!(
        report.termination,
        TerminationReason::Converged { .. }
            | TerminationReason::Orthogonal
            | TerminationReason::ResidualsZero
            | TerminationReason::NoImprovementPossible(_)
    );
    let theta: Vec<f64> = problem.theta.iter().copied().collect();
    let resid = problem.residuals().expect("evaluated");
    let jac = problem.jacobian().expect("evaluated");
    if resid.iter().any(|r| *r >= 1e10) {
        return Err(FitError::NotConverged {
            reason: "the integrated trajectory blew up or failed at the final parameters".into(),
        });
    }
    let (lv, x0hat) = problem.unpack(&theta);
    let rss = resid.norm_squared();
    let mobs = n * m;
    let df = mobs - p;
    let s2 = rss / df as f64;
    let mut notes = Vec::new();
    if !converged {
        notes.push(format!(
            "Levenberg-Marquardt stopped without convergence: {:?}",
            report.termination
        ));
    }
    // Covariance s²(JᵀJ)⁻¹ through the SVD of J, with a rank check.
    let svd = jac.clone().svd(false, true);
    let sv = &svd.singular_values;
    let cond = sv.max() / sv.min();
    let n_rate = (0..data.free.len()).filter(|&k| data.free[k]).count();
    let dim = n + n * n;
    let mut cov_full = None;
    let mut x0_se = None;
    let mut pval = vec![None; dim];
    if cond.is_finite() && cond < 1e10 {
        let vt = svd.v_t.as_ref().expect("V computed");
        // Covariance of θ, then of the coefficients (θ_k · scale_k).
        let sc = &problem.scale;
        let cov = DMatrix::from_fn(p, p, |a, b| {
            s2 * sc[a]
                * sc[b]
                * (0..p).map(|l| vt[(l, a)] * vt[(l, b)] / (sv[l] * sv[l])).sum::<f64>()
        });
        let mut c = DMatrix::zeros(dim, dim);
        let idx: Vec<usize> = (0..dim).filter(|&k| data.free[k]).collect();
        for (a, &ia) in idx.iter().enumerate() {
            for (b, &ib) in idx.iter().enumerate() {
                c[(ia, ib)] = cov[(a, b)];
            }
            let se = cov[(a, a)].sqrt();
            pval[ia] = Some(crate::stats::t_pvalue(theta[a] * sc[a] / se, df));
        }
        if data.initial == InitialValues::Free {
            x0_se = Some((0..n).map(|i| x0hat[i] * cov[(n_rate + i, n_rate + i)].sqrt()).collect());
        }
        cov_full = Some(c);
    } else {
        notes.push(format!(
            "the trajectory Jacobian is rank-deficient (condition number {cond:.1e}): some \
             parameters are not identified by these data; no standard errors are given"
        ));
    }
    // Goodness of fit on the residual scale.
    let fitted_scaled: Vec<f64> = (0..mobs)
        .map(|q| {
            let o = data.obs[q];
            let i = q % n;
            match data.scale {
                ResidualScale::Raw => o + resid[q],
                ResidualScale::Log => o.ln() + resid[q],
                ResidualScale::Standardised => o / data.means[i] + resid[q],
            }
        })
        .collect();
    let r2 = (0..n)
        .map(|i| {
            let ys: Vec<f64> =
                (0..m).map(|k| fitted_scaled[k * n + i] - resid[k * n + i]).collect();
            let mean = ys.iter().sum::<f64>() / m as f64;
            let tss: f64 = ys.iter().map(|y| (y - mean).powi(2)).sum();
            let rs: f64 = (0..m).map(|k| resid[k * n + i].powi(2)).sum();
            1.0 - rs / tss
        })
        .collect();
    let gof = Gof {
        space: match data.scale {
            ResidualScale::Raw => "levels (raw)",
            ResidualScale::Log => "log levels",
            ResidualScale::Standardised => "levels / series mean",
        },
        r2,
        rmse: (rss / mobs as f64).sqrt(),
        aic: mobs as f64 * (rss / mobs as f64).max(f64::MIN_POSITIVE).ln() + 2.0 * p as f64,
        rss,
        n_obs: mobs,
        n_params: p,
    };
    let _ = names;
    Ok(E2Fit {
        est: Estimate {
            lv,
            free: data.free.clone(),
            cov: cov_full,
            p: pval,
            df,
            x0: Some((x0hat, x0_se)),
            gof,
            notes,
            converged: Some(converged),
        },
        fitted_scaled,
        resid: resid.iter().copied().collect(),
    })
}
