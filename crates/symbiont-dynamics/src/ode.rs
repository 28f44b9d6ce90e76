//! The ODE boundary: a small trait for right-hand sides and a Dormand-Prince 5(4) integrator
//! with dense output behind it.
//!
//! We write the integrator ourselves rather than wrap `differential-equations` 0.7 because every
//! caller here needs the same three things that crate makes awkward on the hot path: a reusable
//! workspace (no allocation per step: the 2-state LV right-hand side runs millions of times in a
//! bootstrap), a per-step hook that can stop the run (unbounded growth is detected there), and
//! dense output at arbitrary observation times for the forward sensitivities of the fitter.
//! DOPRI5 with Hairer's continuous extension is forty lines of well-known coefficients; it is
//! tested against closed forms in `testmodels` and against scipy in `bench/`. Swapping in another
//! solver means implementing [`Integrator`].

/// A first-order system y' = f(t, y) of fixed dimension.
pub trait OdeSystem {
    /// Number of state variables.
    fn dim(&self) -> usize;
    /// Write f(t, y) into `dy`. Must not allocate: it is called on every stage of every step.
    fn rhs(&self, t: f64, y: &[f64], dy: &mut [f64]);
}

/// Error-control tolerances: a step is accepted when the scaled error norm is ≤ 1, with scale
/// `atol + rtol·max(|y|, |y_new|)` per component.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerances {
    pub rtol: f64,
    pub atol: f64,
    /// Upper bound on accepted + rejected steps.
    pub max_steps: usize,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances { rtol: 1e-8, atol: 1e-10, max_steps: 200_000 }
    }
}

/// Why an integration stopped early. These are values, reported to the user.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum OdeError {
    #[error("step size underflow at t = {t} (the solution is probably blowing up)")]
    StepTooSmall { t: f64 },
    #[error("more than {max_steps} steps before t = {t}")]
    TooManySteps { t: f64, max_steps: usize },
    #[error("the right-hand side became non-finite at t = {t}")]
    NonFinite { t: f64 },
    #[error("stopped by the step hook at t = {t}")]
    Stopped { t: f64 },
}

/// Counters of one integration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub accepted: usize,
    pub rejected: usize,
    pub rhs_evals: usize,
}

/// What the per-step hook tells the integrator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Continue,
    Stop,
}

/// An integrator: fills `out` (row-major, one row of `dim` values per entry of `t_out`) from
/// dense output. `t_out` must be non-decreasing and start at or after `t0`. `hook` sees every
/// accepted step `(t, y)` and may stop the run.
pub trait Integrator {
    fn integrate<S: OdeSystem>(
        &mut self,
        sys: &S,
        t0: f64,
        y0: &[f64],
        t_out: &[f64],
        out: &mut [f64],
        hook: &mut dyn FnMut(f64, &[f64]) -> Control,
    ) -> Result<Stats, OdeError>;
}

// Dormand-Prince 5(4) coefficients (Hairer, Nørsett & Wanner; `dopri5.f`).
const C2: f64 = 1.0 / 5.0;
const C3: f64 = 3.0 / 10.0;
const C4: f64 = 4.0 / 5.0;
const C5: f64 = 8.0 / 9.0;
const A21: f64 = 1.0 / 5.0;
const A31: f64 = 3.0 / 40.0;
const A32: f64 = 9.0 / 40.0;
const A41: f64 = 44.0 / 45.0;
const A42: f64 = -56.0 / 15.0;
const A43: f64 = 32.0 / 9.0;
const A51: f64 = 19372.0 / 6561.0;
const A52: f64 = -25360.0 / 2187.0;
const A53: f64 = 64448.0 / 6561.0;
const A54: f64 = -212.0 / 729.0;
const A61: f64 = 9017.0 / 3168.0;
const A62: f64 = -355.0 / 33.0;
const A63: f64 = 46732.0 / 5247.0;
const A64: f64 = 49.0 / 176.0;
const A65: f64 = -5103.0 / 18656.0;
const A71: f64 = 35.0 / 384.0;
const A73: f64 = 500.0 / 1113.0;
const A74: f64 = 125.0 / 192.0;
const A75: f64 = -2187.0 / 6784.0;
const A76: f64 = 11.0 / 84.0;
const E1: f64 = 71.0 / 57600.0;
const E3: f64 = -71.0 / 16695.0;
const E4: f64 = 71.0 / 1920.0;
const E5: f64 = -17253.0 / 339200.0;
const E6: f64 = 22.0 / 525.0;
const E7: f64 = -1.0 / 40.0;
const D1: f64 = -12715105075.0 / 11282082432.0;
const D3: f64 = 87487479700.0 / 32700410799.0;
const D4: f64 = -10690763975.0 / 1880347072.0;
const D5: f64 = 701980252875.0 / 199316789632.0;
const D6: f64 = -1453857185.0 / 822651844.0;
const D7: f64 = 69997945.0 / 29380423.0;

/// Dormand-Prince 5(4) with PI step control and 4th-order dense output. Keeps its buffers
/// between calls: reuse one instance for many integrations of the same dimension.
#[derive(Debug, Clone)]
pub struct Dopri5 {
    pub tol: Tolerances,
    /// Only the first `error_dims` components enter the error norm (all when `None`). Forward
    /// sensitivities appended to a state are integrated on the state's steps without
    /// controlling their own error ("partial error control", as CVODES offers).
    pub error_dims: Option<usize>,
    k: [Vec<f64>; 7],
    y: Vec<f64>,
    ytmp: Vec<f64>,
    ynew: Vec<f64>,
    cont: [Vec<f64>; 5],
}

impl Dopri5 {
    pub fn new(tol: Tolerances) -> Self {
        Dopri5 {
            tol,
            error_dims: None,
            k: Default::default(),
            y: Vec::new(),
            ytmp: Vec::new(),
            ynew: Vec::new(),
            cont: Default::default(),
        }
    }

    /// Control the error of the first `n` components only (see [`Dopri5::error_dims`]).
    pub fn with_error_dims(mut self, n: usize) -> Self {
        self.error_dims = Some(n);
        self
    }

    fn resize(&mut self, n: usize) {
        for v in self.k.iter_mut().chain(self.cont.iter_mut()) {
            v.resize(n, 0.0);
        }
        self.y.resize(n, 0.0);
        self.ytmp.resize(n, 0.0);
        self.ynew.resize(n, 0.0);
    }

    /// Hairer's starting step guess.
    fn initial_step<S: OdeSystem>(&mut self, sys: &S, t0: f64, span: f64) -> f64 {
        let n = self.error_dims.unwrap_or(self.y.len()).min(self.y.len());
        let (rtol, atol) = (self.tol.rtol, self.tol.atol);
        let mut dnf = 0.0;
        let mut dny = 0.0;
        for i in 0..n {
            let sk = atol + rtol * self.y[i].abs();
            dnf += (self.k[0][i] / sk).powi(2);
            dny += (self.y[i] / sk).powi(2);
        }
        let mut h = if dnf <= 1e-10 || dny <= 1e-10 { 1e-6 } else { (dny / dnf).sqrt() * 0.01 };
        h = h.min(span);
        for i in 0..self.y.len() {
            self.ytmp[i] = self.y[i] + h * self.k[0][i];
        }
        let (k0, rest) = self.k.split_at_mut(1);
        sys.rhs(t0 + h, &self.ytmp, &mut rest[0]);
        let mut der2 = 0.0;
        for i in 0..n {
            let sk = atol + rtol * self.y[i].abs();
            der2 += ((rest[0][i] - k0[0][i]) / sk).powi(2);
        }
        let der2 = der2.sqrt() / h;
        let der12 = der2.max(dnf.sqrt());
        let h1 = if der12 <= 1e-15 { (h * 1e-3).max(1e-6) } else { (0.01 / der12).powf(0.2) };
        (100.0 * h).min(h1).min(span)
    }
}

impl Integrator for Dopri5 {
    fn integrate<S: OdeSystem>(
        &mut self,
        sys: &S,
        t0: f64,
        y0: &[f64],
        t_out: &[f64],
        out: &mut [f64],
        hook: &mut dyn FnMut(f64, &[f64]) -> Control,
    ) -> Result<Stats, OdeError> {
        let n = sys.dim();
        assert_eq!(y0.len(), n, "y0 has the system's dimension");
        assert_eq!(out.len(), n * t_out.len(), "out holds one row per output time");
        self.resize(n);
        self.y.copy_from_slice(y0);
        let mut stats = Stats::default();
        let mut next_out = 0;
        // Outputs at t0 itself come straight from y0.
        while next_out < t_out.len() && t_out[next_out] <= t0 {
            out[next_out * n..(next_out + 1) * n].copy_from_slice(y0);
            next_out += 1;
        }
        let Some(&t_end) = t_out.last() else { return Ok(stats) };
        if next_out == t_out.len() {
            return Ok(stats);
        }
        let span = t_end - t0;
        let mut t = t0;
        sys.rhs(t, &self.y, &mut self.k[0]);
        stats.rhs_evals += 1;
        let mut h = self.initial_step(sys, t0, span);
        stats.rhs_evals += 1;
        let (rtol, atol) = (self.tol.rtol, self.tol.atol);
        let mut err_old: f64 = 1e-4;
        let mut last_rejected = false;
        loop {
            if stats.accepted + stats.rejected >= self.tol.max_steps {
                return Err(OdeError::TooManySteps { t, max_steps: self.tol.max_steps });
            }
            if h.abs() < 1e-14 * t.abs().max(1.0) {
                return Err(OdeError::StepTooSmall { t });
            }
            let last = t + h >= t_end;
            if last {
                h = t_end - t;
            }
            let [k1, k2, k3, k4, k5, k6, k7] = &mut self.k;
            let y = &self.y;
            let yt = &mut self.ytmp;
            for i in 0..n {
                yt[i] = y[i] + h * A21 * k1[i];
            }
            sys.rhs(t + C2 * h, yt, k2);
            for i in 0..n {
                yt[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
            }
            sys.rhs(t + C3 * h, yt, k3);
            for i in 0..n {
                yt[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
            }
            sys.rhs(t + C4 * h, yt, k4);
            for i in 0..n {
                yt[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
            }
            sys.rhs(t + C5 * h, yt, k5);
            for i in 0..n {
                yt[i] = y[i]
                    + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
            }
            sys.rhs(t + h, yt, k6);
            let yn = &mut self.ynew;
            for i in 0..n {
                yn[i] = y[i]
                    + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
            }
            sys.rhs(t + h, yn, k7);
            stats.rhs_evals += 6;
            let mut err = 0.0;
            let mut finite = true;
            let ne = self.error_dims.unwrap_or(n).min(n);
            for i in 0..n {
                finite &= yn[i].is_finite() && k7[i].is_finite();
            }
            for i in 0..ne {
                let e = h
                    * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
                let sk = atol + rtol * y[i].abs().max(yn[i].abs());
                err += (e / sk).powi(2);
            }
            let err = (err / ne.max(1) as f64).sqrt();
            if !finite || !err.is_finite() {
                // Retry with a much smaller step; a persistent non-finite value is reported.
                stats.rejected += 1;
                if h.abs() < 1e-10 * span.abs().max(1.0) {
                    return Err(OdeError::NonFinite { t });
                }
                h *= 0.1;
                last_rejected = true;
                continue;
            }
            // PI controller (Hairer's beta = 0.04).
            let fac11 = err.powf(0.2 - 0.04 * 0.75);
            let mut fac = fac11 / err_old.powf(0.04) / 0.9;
            fac = fac.clamp(1.0 / 10.0, 1.0 / 0.2);
            let h_new = h / fac;
            if err <= 1.0 {
                stats.accepted += 1;
                err_old = err.max(1e-4);
                // Dense output coefficients for [t, t + h].
                let [c1, c2, c3, c4, c5] = &mut self.cont;
                for i in 0..n {
                    let dy = yn[i] - y[i];
                    let bspl = h * k1[i] - dy;
                    c1[i] = y[i];
                    c2[i] = dy;
                    c3[i] = bspl;
                    c4[i] = dy - h * k7[i] - bspl;
                    c5[i] = h
                        * (D1 * k1[i]
                            + D3 * k3[i]
                            + D4 * k4[i]
                            + D5 * k5[i]
                            + D6 * k6[i]
                            + D7 * k7[i]);
                }
                let t_new = if last { t_end } else { t + h };
                while next_out < t_out.len() && t_out[next_out] <= t_new {
                    let th = (t_out[next_out] - t) / h;
                    let th1 = 1.0 - th;
                    let row = &mut out[next_out * n..(next_out + 1) * n];
                    for i in 0..n {
                        row[i] = c1[i] + th * (c2[i] + th1 * (c3[i] + th * (c4[i] + th1 * c5[i])));
                    }
                    next_out += 1;
                }
                // FSAL: k7 becomes k1 of the next step.
                std::mem::swap(k1, k7);
                std::mem::swap(&mut self.y, &mut self.ynew);
                t = t_new;
                if hook(t, &self.y) == Control::Stop {
                    return Err(OdeError::Stopped { t });
                }
                if next_out >= t_out.len() || last {
                    return Ok(stats);
                }
                h = if last_rejected { h_new.min(h) } else { h_new };
                last_rejected = false;
            } else {
                stats.rejected += 1;
                last_rejected = true;
                h /= (fac11 / 0.9).min(1.0 / 0.2);
            }
        }
    }
}

/// Test models with exact solutions, shared by the tests and the benchmarks (diffsol's habit).
pub mod testmodels {
    use super::OdeSystem;

    /// The logistic equation x' = r x (1 − x/K), with its closed form.
    #[derive(Debug, Clone, Copy)]
    pub struct Logistic {
        pub r: f64,
        pub k: f64,
    }

    impl Logistic {
        /// x(t) = K / (1 + (K/x0 − 1) e^{−r t}).
        pub fn exact(&self, x0: f64, t: f64) -> f64 {
            self.k / (1.0 + (self.k / x0 - 1.0) * (-self.r * t).exp())
        }
    }

    impl OdeSystem for Logistic {
        fn dim(&self) -> usize {
            1
        }
        fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
            dy[0] = self.r * y[0] * (1.0 - y[0] / self.k);
        }
    }

    /// Predator-prey F3: u' = (α − β v) u, v' = (−γ + δ u) v. Its first integral
    /// H = δu − γ ln u + βv − α ln v is constant along every orbit.
    #[derive(Debug, Clone, Copy)]
    pub struct PredatorPrey {
        pub alpha: f64,
        pub beta: f64,
        pub gamma: f64,
        pub delta: f64,
    }

    impl PredatorPrey {
        pub fn invariant(&self, u: f64, v: f64) -> f64 {
            self.delta * u - self.gamma * u.ln() + self.beta * v - self.alpha * v.ln()
        }
    }

    impl OdeSystem for PredatorPrey {
        fn dim(&self) -> usize {
            2
        }
        fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
            dy[0] = (self.alpha - self.beta * y[1]) * y[0];
            dy[1] = (-self.gamma + self.delta * y[0]) * y[1];
        }
    }
}
