//! Trajectories of an LV system: integrated in log space, so that every unit stays
//! non-negative by construction, with unbounded growth detected and reported as a value.

use crate::ode::{Control, Dopri5, Integrator, OdeError, OdeSystem, Tolerances};
use crate::system::Lv;

/// F2 in linear coordinates, `x_i' = x_i (r_i + Σ a_ij x_j)`. Used by benchmarks and tests;
/// trajectories for users go through [`simulate`], which works in log space.
#[derive(Debug, Clone, Copy)]
pub struct LinearLv<'a>(pub &'a Lv);

impl OdeSystem for LinearLv<'_> {
    fn dim(&self) -> usize {
        self.0.n()
    }
    fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
        for (i, d) in dy.iter_mut().enumerate() {
            *d = y[i] * self.0.per_capita(i, y);
        }
    }
}

/// F2 in log coordinates on a support set: `y_k = ln x_{s_k}`,
/// `y_k' = r_{s_k} + Σ_l a_{s_k s_l} e^{y_l}`. Units outside the support are exactly 0 and stay 0.
#[derive(Debug, Clone)]
pub struct LogLv<'a> {
    pub lv: &'a Lv,
    pub support: Vec<usize>,
}

impl OdeSystem for LogLv<'_> {
    fn dim(&self) -> usize {
        self.support.len()
    }
    fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
        let n = self.lv.n();
        for (k, &i) in self.support.iter().enumerate() {
            let row = &self.lv.a[i * n..(i + 1) * n];
            let mut s = self.lv.r[i];
            for (l, &j) in self.support.iter().enumerate() {
                s += row[j] * y[l].exp();
            }
            dy[k] = s;
        }
    }
}

/// Options of a simulation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimOptions {
    pub tol: Tolerances,
    /// A unit exceeding `blowup_factor` × its reference scale (max of its start and, when it
    /// exists, its capacity) counts as unbounded growth.
    pub blowup_factor: f64,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            tol: Tolerances { rtol: 1e-8, atol: 1e-10, max_steps: 200_000 },
            blowup_factor: 1e6,
        }
    }
}

/// How a simulation ended.
#[derive(Debug, Clone, PartialEq)]
pub enum SimEnd {
    /// Reached the last requested time.
    Completed,
    /// A unit grew without bound: the run stopped at `t`, where unit `unit` (0-based) was at
    /// `value`. Rows after `t` in the trajectory are absent.
    UnboundedGrowth { t: f64, unit: usize, value: f64 },
    /// The integrator failed (step underflow, too many steps).
    Failed(OdeError),
}

impl SimEnd {
    /// A sentence for the user.
    pub fn explain(&self, names: &[String]) -> String {
        match self {
            SimEnd::Completed => "completed".into(),
            SimEnd::UnboundedGrowth { t, unit, value } => format!(
                "unbounded growth: {} reached {value:.3e} at t = {t:.3}; the system has no finite \
                 stable state from this start (in mutualism this happens when σ12·σ21 ≥ 1), so the \
                 run was stopped instead of integrating to overflow",
                names.get(*unit).map_or("unit", |s| s.as_str())
            ),
            SimEnd::Failed(e) => format!("integration failed: {e}"),
        }
    }
}

/// A simulated trajectory: `x[k]` is the state at `t[k]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    pub t: Vec<f64>,
    pub x: Vec<Vec<f64>>,
    pub outcome: SimEnd,
}

/// Simulate `lv` from `x0` and report the state at each time in `t_out` (non-decreasing,
/// starting at or after `t0`). Negative or non-finite starts are rejected by the caller's
/// parsing; here they are clamped to 0 (a unit at 0 is absent and stays absent).
pub fn simulate(lv: &Lv, x0: &[f64], t0: f64, t_out: &[f64], opts: &SimOptions) -> Trajectory {
    let n = lv.n();
    let support: Vec<usize> = (0..n).filter(|&i| x0[i] > 0.0 && x0[i].is_finite()).collect();
    let y0: Vec<f64> = support.iter().map(|&i| x0[i].ln()).collect();
    // Reference scales for the blow-up test, in log space.
    let f1 = lv.to_f1().ok();
    let limits: Vec<f64> = support
        .iter()
        .map(|&i| {
            let cap = f1.as_ref().map_or(0.0, |f| f.capacity[i]);
            (x0[i].max(cap) * opts.blowup_factor).ln()
        })
        .collect();
    let sys = LogLv { lv, support: support.clone() };
    let m = support.len();
    let mut out = vec![0.0; m * t_out.len()];
    let mut blow: Option<(f64, usize, f64)> = None;
    let mut hook = |t: f64, y: &[f64]| {
        for (k, (&yk, &lim)) in y.iter().zip(&limits).enumerate() {
            if yk > lim {
                blow = Some((t, support[k], yk.exp()));
                return Control::Stop;
            }
        }
        Control::Continue
    };
    let mut solver = Dopri5::new(opts.tol);
    let res = if m == 0 {
        Ok(Default::default())
    } else {
        solver.integrate(&sys, t0, &y0, t_out, &mut out, &mut hook)
    };
    let (outcome, rows) = match res {
        Ok(_) => (SimEnd::Completed, t_out.len()),
        Err(e) => {
            let t_stop = match e {
                OdeError::StepTooSmall { t }
                | OdeError::TooManySteps { t, .. }
                | OdeError::NonFinite { t }
                | OdeError::Stopped { t } => t,
            };
            let rows = t_out.iter().take_while(|&&t| t <= t_stop).count();
            let outcome = match (blow, e) {
                (Some((t, unit, value)), _) => SimEnd::UnboundedGrowth { t, unit, value },
                // A step-size collapse while growing is finite-time blow-up.
                (None, OdeError::StepTooSmall { t } | OdeError::NonFinite { t }) => {
                    let last = &out[rows.saturating_sub(1) * m..rows.max(1) * m];
                    let (k, v) =
                        last.iter().enumerate().fold((0, f64::NEG_INFINITY), |b, (k, &v)| {
                            if v > b.1 { (k, v) } else { b }
                        });
                    SimEnd::UnboundedGrowth {
                        t,
                        unit: support.get(k).copied().unwrap_or(0),
                        value: v.exp(),
                    }
                }
                (None, e) => SimEnd::Failed(e),
            };
            (outcome, rows)
        }
    };
    let x = (0..rows)
        .map(|r| {
            if t_out[r] <= t0 {
                // The start exactly as given (exp(ln x0) can differ in the last bit).
                return x0
                    .iter()
                    .map(|&v| if v > 0.0 && v.is_finite() { v } else { 0.0 })
                    .collect();
            }
            let mut row = vec![0.0; n];
            for (k, &i) in support.iter().enumerate() {
                row[i] = out[r * m + k].exp();
            }
            row
        })
        .collect();
    Trajectory { t: t_out[..rows].to_vec(), x, outcome }
}
