//! A weighted posterior sample: the result of ABC-SMC (never a point).

use rand::RngExt;
use serde::{Deserialize, Serialize};
use symbiont_model::seed;

use crate::exact;
use crate::stats;
use crate::stream::Stream;

/// Particles with normalised importance weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Posterior {
    pub names: Vec<String>,
    /// `theta[i]` is particle `i`, ordered as `names`.
    #[serde(with = "exact::vec2")]
    pub theta: Vec<Vec<f64>>,
    /// Normalised weights (sum 1).
    #[serde(with = "exact::vec")]
    pub weights: Vec<f64>,
}

impl Posterior {
    /// Build from particles and (unnormalised) weights.
    pub fn new(names: Vec<String>, theta: Vec<Vec<f64>>, mut weights: Vec<f64>) -> Posterior {
        stats::normalise(&mut weights);
        Posterior { names, theta, weights }
    }

    pub fn len(&self) -> usize {
        self.theta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.theta.is_empty()
    }

    pub fn dim(&self) -> usize {
        self.names.len()
    }

    /// Column `j` of the particles.
    pub fn column(&self, j: usize) -> Vec<f64> {
        self.theta.iter().map(|t| t[j]).collect()
    }

    /// Weighted means.
    pub fn mean(&self) -> Vec<f64> {
        stats::weighted_means(&self.theta, &self.weights)
    }

    /// Weighted covariance (row-major), as `numpy.cov(aweights=w)`.
    pub fn cov(&self) -> Vec<f64> {
        stats::weighted_cov(&self.theta, &self.weights)
    }

    /// Weighted standard deviations.
    pub fn sd(&self) -> Vec<f64> {
        let d = self.dim();
        let c = self.cov();
        (0..d).map(|j| c[j * d + j].max(0.0).sqrt()).collect()
    }

    /// Weighted correlation matrix (row-major); 0 where a parameter does not vary.
    pub fn corr(&self) -> Vec<f64> {
        let d = self.dim();
        let c = self.cov();
        let mut r = vec![0.0; d * d];
        for a in 0..d {
            for b in 0..d {
                let s = (c[a * d + a] * c[b * d + b]).sqrt();
                r[a * d + b] = if a == b {
                    1.0
                } else if s > 0.0 {
                    (c[a * d + b] / s).clamp(-1.0, 1.0)
                } else {
                    0.0
                };
            }
        }
        r
    }

    /// Weighted quantile of parameter `j` (pyABC's convention).
    pub fn quantile(&self, j: usize, q: f64) -> f64 {
        stats::weighted_quantile(&self.column(j), &self.weights, q)
    }

    /// Effective sample size of the weights.
    pub fn ess(&self) -> f64 {
        stats::ess(&self.weights)
    }

    /// `n` equally weighted draws by systematic resampling, from a stream derived from
    /// `seed`; the same seed gives the same draws. For `simulate --posterior`: one draw per
    /// run, the same draw for every mode.
    pub fn resample(&self, n: usize, seed: u64) -> Vec<Vec<f64>> {
        if self.is_empty() || n == 0 {
            return Vec::new();
        }
        let mut rng = Stream::at(seed, &[seed::label("resample")]);
        let u0: f64 = rng.random::<f64>() / n as f64;
        let mut out = Vec::with_capacity(n);
        let (mut i, mut cum) = (0, self.weights[0]);
        for k in 0..n {
            let u = u0 + k as f64 / n as f64;
            while u > cum && i + 1 < self.len() {
                i += 1;
                cum += self.weights[i];
            }
            out.push(self.theta[i].clone());
        }
        // Systematic resampling keeps the particle order; shuffle so that draw k is not
        // correlated with k (runs are compared across modes by index).
        for k in (1..n).rev() {
            let j = rng.random_range(0..=k);
            out.swap(k, j);
        }
        out
    }
}
