//! Probability distributions as *data*: the scenario names them, the engines sample them.
//!
//! The model crate holds no random-number code (DESIGN §3); sampling lives where a seeded
//! stream is passed in (`symbiont-study`, `symbiont-abm`). Parameters are checked here, at
//! the edge, so that no engine ever meets an impossible distribution.

/// A univariate distribution with checked parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    /// Always the same value.
    Constant(f64),
    /// Uniform on `[low, high]`, `low < high`.
    Uniform { low: f64, high: f64 },
    /// Normal with `sd > 0`.
    Normal { mean: f64, sd: f64 },
    /// Lognormal given by its median (`exp(mu)`, > 0) and the sd of the log (`sigma` > 0).
    LogNormal { median: f64, sigma: f64 },
    /// Beta on (0, 1) with shape parameters `alpha, beta > 0`.
    Beta { alpha: f64, beta: f64 },
    /// Triangular on `[low, high]` with its `mode` inside.
    Triangular { low: f64, mode: f64, high: f64 },
}

impl Dist {
    /// The mean of the distribution.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Constant(x) => x,
            Dist::Uniform { low, high } => 0.5 * (low + high),
            Dist::Normal { mean, .. } => mean,
            Dist::LogNormal { median, sigma } => median * (0.5 * sigma * sigma).exp(),
            Dist::Beta { alpha, beta } => alpha / (alpha + beta),
            Dist::Triangular { low, mode, high } => (low + mode + high) / 3.0,
        }
    }

    /// The smallest and largest values it can take (may be infinite).
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Dist::Constant(x) => (x, x),
            Dist::Uniform { low, high } | Dist::Triangular { low, high, .. } => (low, high),
            Dist::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Dist::LogNormal { .. } => (0.0, f64::INFINITY),
            Dist::Beta { .. } => (0.0, 1.0),
        }
    }

    /// A short human description, e.g. `lognormal(median 2e7, sigma 1)`.
    pub fn describe(&self) -> String {
        use crate::diag::num_text as n;
        match *self {
            Dist::Constant(x) => n(x),
            Dist::Uniform { low, high } => format!("uniform({}, {})", n(low), n(high)),
            Dist::Normal { mean, sd } => format!("normal(mean {}, sd {})", n(mean), n(sd)),
            Dist::LogNormal { median, sigma } => {
                format!("lognormal(median {}, sigma {})", n(median), n(sigma))
            }
            Dist::Beta { alpha, beta } => format!("beta({}, {})", n(alpha), n(beta)),
            Dist::Triangular { low, mode, high } => {
                format!("triangular({}, {}, {})", n(low), n(mode), n(high))
            }
        }
    }
}
