//! Priors: uniform, log-uniform, normal and beta distributions, each optionally truncated to
//! `[lo, hi]`, with log densities, CDFs and quantiles, seeded sampling and support checks.
//!
//! Sampling goes through the quantile function, `x = Q(F(lo) + u (F(hi) − F(lo)))` with one
//! uniform `u` per draw, so a truncated prior costs the same as a plain one and a draw
//! consumes exactly one number of the stream (proposals stay aligned across settings). Normal
//! draws in the upper tail are taken on the mirrored side, where the CDF keeps its precision.

use std::fmt;

use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};
use statrs::function::{beta as sbeta, erf};

use crate::exact;

/// A base distribution, before truncation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Dist {
    /// Uniform on `[low, high]`.
    Uniform {
        #[serde(with = "exact::one")]
        low: f64,
        #[serde(with = "exact::one")]
        high: f64,
    },
    /// Uniform in the logarithm on `[low, high]`, `0 < low < high`.
    LogUniform {
        #[serde(with = "exact::one")]
        low: f64,
        #[serde(with = "exact::one")]
        high: f64,
    },
    /// Normal with mean and standard deviation.
    Normal {
        #[serde(with = "exact::one")]
        mean: f64,
        #[serde(with = "exact::one")]
        sd: f64,
    },
    /// Beta(a, b) on `[0, 1]` (a share, a probability).
    Beta {
        #[serde(with = "exact::one")]
        a: f64,
        #[serde(with = "exact::one")]
        b: f64,
    },
}

/// Why a prior cannot be built: the field and what it should have been.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct PriorError {
    /// The offending field: `low`, `high`, `sd`, `a`, `b`, `truncate`.
    pub field: &'static str,
    /// What is wrong, e.g. "empty support: low = 3 is not below high = 1".
    pub message: String,
    /// The expected form, e.g. "sd > 0".
    pub expected: String,
}

impl PriorError {
    fn new(field: &'static str, message: String, expected: &str) -> Self {
        PriorError { field, message, expected: expected.to_string() }
    }
}

/// The serialized form of a prior: the distribution and its truncation. The derived
/// quantities are recomputed (and rechecked) on reading.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PriorData {
    #[serde(flatten)]
    dist: Dist,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "exact_pair")]
    truncate: Option<(f64, f64)>,
}

mod exact_pair {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        x: &Option<(f64, f64)>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match x {
            Some((a, b)) => crate::exact::vec::serialize(&[*a, *b], s),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<(f64, f64)>, D::Error> {
        #[derive(Deserialize)]
        struct W(#[serde(with = "crate::exact::vec")] Vec<f64>);
        match Option::<W>::deserialize(d)? {
            Some(W(v)) if v.len() == 2 => Ok(Some((v[0], v[1]))),
            Some(_) => Err(serde::de::Error::custom("truncate must be [lo, hi]")),
            None => Ok(None),
        }
    }
}

/// A checked prior: a distribution, optionally truncated, with its support and mass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PriorData", into = "PriorData")]
pub struct Prior {
    dist: Dist,
    truncate: Option<(f64, f64)>,
    /// The support after truncation.
    lo: f64,
    hi: f64,
    /// Base CDF at the support's ends and its log mass there (0 when not truncated).
    cdf_lo: f64,
    cdf_hi: f64,
    ln_mass: f64,
}

impl From<Prior> for PriorData {
    fn from(p: Prior) -> Self {
        PriorData { dist: p.dist, truncate: p.truncate }
    }
}

impl TryFrom<PriorData> for Prior {
    type Error = PriorError;
    fn try_from(d: PriorData) -> Result<Self, PriorError> {
        Prior::new(d.dist, d.truncate)
    }
}

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

fn finite(field: &'static str, x: f64) -> Result<f64, PriorError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(PriorError::new(
            field,
            format!("{field} = {x} is not a finite number"),
            "a finite number",
        ))
    }
}

/// The standard normal CDF (`erfc`, accurate in both tails).
pub(crate) fn phi(z: f64) -> f64 {
    0.5 * erf::erfc(-z / std::f64::consts::SQRT_2)
}

/// The standard normal quantile.
pub(crate) fn phi_inv(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    -std::f64::consts::SQRT_2 * erf::erfc_inv(2.0 * p)
}

impl Dist {
    fn check(&self) -> Result<(), PriorError> {
        match *self {
            Dist::Uniform { low, high } => {
                finite("low", low)?;
                finite("high", high)?;
                if low >= high {
                    return Err(PriorError::new(
                        "high",
                        format!("empty support: low = {low} is not below high = {high}"),
                        "low < high",
                    ));
                }
            }
            Dist::LogUniform { low, high } => {
                finite("low", low)?;
                finite("high", high)?;
                if low <= 0.0 {
                    return Err(PriorError::new(
                        "low",
                        format!("a log-uniform prior needs low > 0, got {low}"),
                        "0 < low < high",
                    ));
                }
                if low >= high {
                    return Err(PriorError::new(
                        "high",
                        format!("empty support: low = {low} is not below high = {high}"),
                        "0 < low < high",
                    ));
                }
            }
            Dist::Normal { mean, sd } => {
                finite("mean", mean)?;
                finite("sd", sd)?;
                if sd <= 0.0 {
                    return Err(PriorError::new(
                        "sd",
                        format!("sd must be > 0, got {sd}"),
                        "sd > 0",
                    ));
                }
            }
            Dist::Beta { a, b } => {
                for (field, v) in [("a", a), ("b", b)] {
                    finite(field, v)?;
                    if v <= 0.0 {
                        return Err(PriorError::new(
                            field,
                            format!("{field} must be > 0, got {v}"),
                            &format!("{field} > 0"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The support of the untruncated distribution.
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Dist::Uniform { low, high } | Dist::LogUniform { low, high } => (low, high),
            Dist::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Dist::Beta { .. } => (0.0, 1.0),
        }
    }

    /// Log density (untruncated); `-inf` outside the support.
    pub fn ln_pdf(&self, x: f64) -> f64 {
        let (lo, hi) = self.support();
        if !(x >= lo && x <= hi) {
            return f64::NEG_INFINITY;
        }
        match *self {
            Dist::Uniform { low, high } => -(high - low).ln(),
            Dist::LogUniform { low, high } => -x.ln() - (high.ln() - low.ln()).ln(),
            Dist::Normal { mean, sd } => {
                let z = (x - mean) / sd;
                -0.5 * z * z - sd.ln() - LN_SQRT_2PI
            }
            Dist::Beta { a, b } => {
                // x^(a-1) with x = 0 and a = 1 is 1, not 0 * -inf.
                let t = |e: f64, v: f64| if e == 0.0 { 0.0 } else { e * v.ln() };
                t(a - 1.0, x) + t(b - 1.0, 1.0 - x) - sbeta::ln_beta(a, b)
            }
        }
    }

    /// The CDF (untruncated).
    pub fn cdf(&self, x: f64) -> f64 {
        let (lo, hi) = self.support();
        if x <= lo {
            return 0.0;
        }
        if x >= hi {
            return 1.0;
        }
        match *self {
            Dist::Uniform { low, high } => (x - low) / (high - low),
            Dist::LogUniform { low, high } => (x.ln() - low.ln()) / (high.ln() - low.ln()),
            Dist::Normal { mean, sd } => phi((x - mean) / sd),
            Dist::Beta { a, b } => sbeta::beta_reg(a, b, x),
        }
    }

    /// The quantile (untruncated), `p` in `[0, 1]`.
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(0.0, 1.0);
        match *self {
            Dist::Uniform { low, high } => low + (high - low) * p,
            Dist::LogUniform { low, high } => (low.ln() + (high.ln() - low.ln()) * p).exp(),
            Dist::Normal { mean, sd } => mean + sd * phi_inv(p),
            Dist::Beta { a, b } => sbeta::inv_beta_reg(a, b, p),
        }
    }

    /// Closed-form mean and standard deviation (untruncated).
    fn moments(&self) -> (f64, f64) {
        match *self {
            Dist::Uniform { low, high } => ((low + high) / 2.0, (high - low) / 12f64.sqrt()),
            Dist::LogUniform { low, high } => {
                let l = high.ln() - low.ln();
                let m = (high - low) / l;
                let m2 = (high * high - low * low) / (2.0 * l);
                (m, (m2 - m * m).max(0.0).sqrt())
            }
            Dist::Normal { mean, sd } => (mean, sd),
            Dist::Beta { a, b } => {
                let s = a + b;
                (a / s, (a * b / (s * s * (s + 1.0))).sqrt())
            }
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Dist::Uniform { .. } => "uniform",
            Dist::LogUniform { .. } => "loguniform",
            Dist::Normal { .. } => "normal",
            Dist::Beta { .. } => "beta",
        }
    }
}

impl Prior {
    /// Check a distribution and its truncation. Errors name the field and what was expected.
    pub fn new(dist: Dist, truncate: Option<(f64, f64)>) -> Result<Prior, PriorError> {
        dist.check()?;
        let (blo, bhi) = dist.support();
        let (lo, hi) = match truncate {
            None => (blo, bhi),
            Some((tlo, thi)) => {
                if tlo.is_nan() || thi.is_nan() || tlo >= thi {
                    return Err(PriorError::new(
                        "truncate",
                        format!("empty support: truncation [{tlo}, {thi}] is not an interval"),
                        "[lo, hi] with lo < hi",
                    ));
                }
                let (lo, hi) = (tlo.max(blo), thi.min(bhi));
                if lo >= hi {
                    return Err(PriorError::new(
                        "truncate",
                        format!(
                            "empty support: truncation [{tlo}, {thi}] does not meet the {} support [{blo}, {bhi}]",
                            dist.name()
                        ),
                        "an interval that overlaps the distribution's support",
                    ));
                }
                (lo, hi)
            }
        };
        let mut p = Prior { dist, truncate, lo, hi, cdf_lo: 0.0, cdf_hi: 1.0, ln_mass: 0.0 };
        if truncate.is_some() {
            p.cdf_lo = dist.cdf(lo);
            p.cdf_hi = dist.cdf(hi);
            let mass = p.mass();
            if mass.is_nan() || mass <= 0.0 {
                return Err(PriorError::new(
                    "truncate",
                    format!(
                        "empty support: truncation to [{lo}, {hi}] leaves no probability under the {} prior",
                        dist.name()
                    ),
                    "an interval with probability > 0",
                ));
            }
            p.ln_mass = mass.ln();
        }
        Ok(p)
    }

    /// An untruncated prior.
    pub fn of(dist: Dist) -> Result<Prior, PriorError> {
        Prior::new(dist, None)
    }

    /// Probability of the truncation interval under the base distribution (1 if untruncated).
    /// For a normal in its upper tail the mass is taken from the mirrored side.
    fn mass(&self) -> f64 {
        if let (Dist::Normal { mean, sd }, true) = (self.dist, self.upper_tail()) {
            return phi((mean - self.lo) / sd) - phi((mean - self.hi) / sd);
        }
        self.cdf_hi - self.cdf_lo
    }

    /// A normal truncated above its mean, where `1 − Φ` loses digits: sample mirrored.
    fn upper_tail(&self) -> bool {
        matches!(self.dist, Dist::Normal { mean, .. } if self.truncate.is_some() && self.lo > mean)
    }

    pub fn dist(&self) -> Dist {
        self.dist
    }

    pub fn truncation(&self) -> Option<(f64, f64)> {
        self.truncate
    }

    /// The support `[lo, hi]` (after truncation).
    pub fn support(&self) -> (f64, f64) {
        (self.lo, self.hi)
    }

    /// Whether `x` has positive density.
    pub fn contains(&self, x: f64) -> bool {
        self.ln_pdf(x) > f64::NEG_INFINITY
    }

    /// Log density; `-inf` outside the support.
    pub fn ln_pdf(&self, x: f64) -> f64 {
        if !(x >= self.lo && x <= self.hi) {
            return f64::NEG_INFINITY;
        }
        self.dist.ln_pdf(x) - self.ln_mass
    }

    /// The CDF of the (truncated) prior.
    pub fn cdf(&self, x: f64) -> f64 {
        if x <= self.lo {
            return 0.0;
        }
        if x >= self.hi {
            return 1.0;
        }
        if self.truncate.is_none() {
            return self.dist.cdf(x);
        }
        ((self.dist.cdf(x) - self.cdf_lo) / (self.cdf_hi - self.cdf_lo)).clamp(0.0, 1.0)
    }

    /// The quantile of the (truncated) prior, `u` in `[0, 1]`.
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        if self.truncate.is_none() {
            return self.dist.quantile(u);
        }
        if let (Dist::Normal { mean, sd }, true) = (self.dist, self.upper_tail()) {
            // Mirror: X = 2·mean − Y with Y on [2·mean − hi, 2·mean − lo], below the mean.
            let a = phi((mean - self.hi) / sd);
            let b = phi((mean - self.lo) / sd);
            let y = mean + sd * phi_inv(a + (1.0 - u) * (b - a));
            return (2.0 * mean - y).clamp(self.lo, self.hi);
        }
        let p = self.cdf_lo + u * (self.cdf_hi - self.cdf_lo);
        self.dist.quantile(p).clamp(self.lo, self.hi)
    }

    /// One draw, consuming one uniform of `rng`.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // (0, 1) excluding 0, so that an unbounded quantile stays finite.
        let u: f64 = (rng.random::<u64>() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        self.quantile(u.max(f64::EPSILON / 2.0))
    }

    /// The median.
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// Mean and standard deviation: closed forms for untruncated priors and for truncated
    /// uniform and normal; otherwise the quantile midpoint rule over 4096 points (exact to
    /// about 1e-4 relative, far below what contraction ratios are read at).
    pub fn moments(&self) -> (f64, f64) {
        match (self.truncate, self.dist) {
            (None, d) => d.moments(),
            (Some(_), Dist::Uniform { .. }) => {
                ((self.lo + self.hi) / 2.0, (self.hi - self.lo) / 12f64.sqrt())
            }
            (Some(_), Dist::LogUniform { .. }) => {
                Dist::LogUniform { low: self.lo, high: self.hi }.moments()
            }
            (Some(_), Dist::Normal { mean, sd }) => {
                let (a, b) = ((self.lo - mean) / sd, (self.hi - mean) / sd);
                let pdf = |z: f64| {
                    if z.is_finite() { (-0.5 * z * z - LN_SQRT_2PI).exp() } else { 0.0 }
                };
                let zpdf = |z: f64| if z.is_finite() { z * pdf(z) } else { 0.0 };
                let m = self.mass();
                let d = (pdf(a) - pdf(b)) / m;
                let var = 1.0 + (zpdf(a) - zpdf(b)) / m - d * d;
                (mean + sd * d, sd * var.max(0.0).sqrt())
            }
            (Some(_), Dist::Beta { .. }) => {
                const M: usize = 4096;
                let (mut s1, mut s2) = (0.0, 0.0);
                for i in 0..M {
                    let x = self.quantile((i as f64 + 0.5) / M as f64);
                    s1 += x;
                    s2 += x * x;
                }
                let m = s1 / M as f64;
                (m, (s2 / M as f64 - m * m).max(0.0).sqrt())
            }
        }
    }

    /// The standard deviation (contraction is posterior sd over this).
    pub fn sd(&self) -> f64 {
        self.moments().1
    }
}

impl fmt::Display for Prior {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.dist {
            Dist::Uniform { low, high } => write!(f, "uniform({low}, {high})")?,
            Dist::LogUniform { low, high } => write!(f, "loguniform({low}, {high})")?,
            Dist::Normal { mean, sd } => write!(f, "normal({mean}, {sd})")?,
            Dist::Beta { a, b } => write!(f, "beta({a}, {b})")?,
        }
        if let Some((lo, hi)) = self.truncate {
            write!(f, " on [{lo}, {hi}]")?;
        }
        Ok(())
    }
}

/// The joint prior of independent parameters: log density and one draw per parameter.
pub fn ln_joint(priors: &[Prior], theta: &[f64]) -> f64 {
    let mut s = 0.0;
    for (p, &x) in priors.iter().zip(theta) {
        let l = p.ln_pdf(x);
        if l == f64::NEG_INFINITY {
            return l;
        }
        s += l;
    }
    s
}

/// One joint draw (one uniform per parameter, in order).
pub fn sample_joint<R: Rng + ?Sized>(priors: &[Prior], rng: &mut R) -> Vec<f64> {
    priors.iter().map(|p| p.sample(rng)).collect()
}
