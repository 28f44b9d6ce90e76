//! What a user reads before trusting a posterior.
//!
//! - [`summarize`]: per parameter, the weighted mean, sd, quantiles and the **contraction**
//!   `posterior sd / prior sd` (1: the data taught nothing; near 0: pinned down).
//! - [`identifiability`]: each parameter classed by its contraction, with the pairs that trade
//!   off (strong posterior correlation), at the thresholds of [`Thresholds`].
//! - [`predictive`]: posterior predictive check: each target's simulated quantiles beside the
//!   observed value, and where the observation falls in them.
//! - [`recovery`]: simulation-based calibration over replicates with known parameters: the
//!   rank of each true value in its posterior (uniform if the posteriors are calibrated,
//!   tested by χ²), and the coverage of the central 50% and 90% intervals with the 95%
//!   binomial band around the nominal rate.
//!
//! The generation table (ESS, acceptance rate, tolerance, simulations) is
//! [`crate::abc::AbcState::history`].

use serde::{Deserialize, Serialize};
use statrs::distribution::{Binomial, ChiSquared, ContinuousCDF, DiscreteCDF};

use crate::exact;
use crate::posterior::Posterior;
use crate::prior::Prior;
use crate::stats;

/// One parameter's posterior.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamSummary {
    pub name: String,
    #[serde(with = "exact::one")]
    pub mean: f64,
    #[serde(with = "exact::one")]
    pub sd: f64,
    /// The 5%, 25%, 50%, 75% and 95% weighted quantiles.
    #[serde(with = "exact::vec")]
    pub quantiles: Vec<f64>,
    #[serde(with = "exact::one")]
    pub prior_sd: f64,
    /// Posterior sd / prior sd.
    #[serde(with = "exact::one")]
    pub contraction: f64,
}

/// The quantile levels of [`ParamSummary::quantiles`] and [`PredictiveRow::quantiles`].
pub const LEVELS: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// Summaries of every parameter.
pub fn summarize(post: &Posterior, priors: &[Prior]) -> Vec<ParamSummary> {
    let mean = post.mean();
    let sd = post.sd();
    (0..post.dim())
        .map(|j| {
            let prior_sd = priors[j].sd();
            ParamSummary {
                name: post.names[j].clone(),
                mean: mean[j],
                sd: sd[j],
                quantiles: LEVELS.iter().map(|&q| post.quantile(j, q)).collect(),
                prior_sd,
                contraction: sd[j] / prior_sd,
            }
        })
        .collect()
}

/// Thresholds of the identifiability table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Contraction below this: pinned down (default 0.5: the data halved the prior's sd).
    #[serde(with = "exact::one")]
    pub pinned: f64,
    /// Contraction at or above this: not identified (default 0.9: within 10% of the prior).
    #[serde(with = "exact::one")]
    pub not_identified: f64,
    /// |posterior correlation| at or above this: the pair trades off (default 0.5).
    #[serde(with = "exact::one")]
    pub trade_off: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { pinned: 0.5, not_identified: 0.9, trade_off: 0.5 }
    }
}

/// How well the targets determine a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Identified {
    PinnedDown,
    Weakly,
    NotIdentified,
}

impl Identified {
    pub fn label(self) -> &'static str {
        match self {
            Identified::PinnedDown => "pinned down",
            Identified::Weakly => "weakly identified",
            Identified::NotIdentified => "not identified",
        }
    }
}

/// A row of the identifiability table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentRow {
    pub name: String,
    #[serde(with = "exact::one")]
    pub contraction: f64,
    pub status: Identified,
    /// Parameters it trades off against, with the posterior correlation (strongest first).
    pub trades_off_with: Vec<(String, f64)>,
}

/// The identifiability table (correlations from the posterior).
pub fn identifiability(
    post: &Posterior,
    summaries: &[ParamSummary],
    t: &Thresholds,
) -> Vec<IdentRow> {
    let d = post.dim();
    let corr = post.corr();
    summaries
        .iter()
        .enumerate()
        .map(|(a, s)| {
            let status = if s.contraction < t.pinned {
                Identified::PinnedDown
            } else if s.contraction >= t.not_identified {
                Identified::NotIdentified
            } else {
                Identified::Weakly
            };
            let mut pairs: Vec<(String, f64)> = (0..d)
                .filter(|&b| b != a && corr[a * d + b].abs() >= t.trade_off)
                .map(|b| (post.names[b].clone(), corr[a * d + b]))
                .collect();
            pairs.sort_by(|x, y| y.1.abs().total_cmp(&x.1.abs()));
            IdentRow {
                name: s.name.clone(),
                contraction: s.contraction,
                status,
                trades_off_with: pairs,
            }
        })
        .collect()
}

/// Plain-text identifiability table, for terminals and snapshots.
pub fn render_identifiability(rows: &[IdentRow], t: &Thresholds) -> String {
    let w = rows.iter().map(|r| r.name.len()).max().unwrap_or(9).max(9);
    let mut out = format!("{:<w$}  contraction  {:<17}  trades off with\n", "parameter", "status");
    for r in rows {
        let pairs = if r.trades_off_with.is_empty() {
            "-".to_string()
        } else {
            r.trades_off_with
                .iter()
                .map(|(n, c)| format!("{n} ({c:+.2})"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!(
            "{:<w$}  {:>11.3}  {:<17}  {pairs}\n",
            r.name,
            r.contraction,
            r.status.label()
        ));
    }
    out.push_str(&format!(
        "contraction = posterior sd / prior sd; pinned down below {}, not identified at {} or above; a pair trades off at |correlation| >= {}\n",
        t.pinned, t.not_identified, t.trade_off
    ));
    out
}

/// One target of a posterior predictive check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictiveRow {
    pub name: String,
    #[serde(with = "exact::one")]
    pub observed: f64,
    /// Simulated quantiles at [`LEVELS`].
    #[serde(with = "exact::vec")]
    pub quantiles: Vec<f64>,
    /// Share of simulations below the observed value (ties count half): near 0 or 1 means the
    /// fitted model cannot reproduce the target.
    #[serde(with = "exact::one")]
    pub percentile: f64,
    /// Whether the observation lies within the simulated 90% band.
    pub inside_90: bool,
    /// Simulations that gave a value.
    pub draws: usize,
}

/// Posterior predictive check: `sims[r]` is the statistic vector simulated at posterior draw
/// `r` (equally weighted draws, e.g. from [`Posterior::resample`]).
pub fn predictive(names: &[String], observed: &[f64], sims: &[Vec<f64>]) -> Vec<PredictiveRow> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let col: Vec<f64> = sims.iter().map(|s| s[i]).filter(|v| v.is_finite()).collect();
            let w = vec![1.0; col.len()];
            let quantiles: Vec<f64> =
                LEVELS.iter().map(|&q| stats::weighted_quantile(&col, &w, q)).collect();
            let y = observed[i];
            let below = col
                .iter()
                .map(|&v| {
                    if v < y {
                        1.0
                    } else if v == y {
                        0.5
                    } else {
                        0.0
                    }
                })
                .sum::<f64>();
            let percentile = if col.is_empty() { f64::NAN } else { below / col.len() as f64 };
            PredictiveRow {
                name: name.clone(),
                observed: y,
                inside_90: y >= quantiles[0] && y <= quantiles[4],
                quantiles,
                percentile,
                draws: col.len(),
            }
        })
        .collect()
}

/// One replicate of a recovery check: the parameters the data were simulated from, and the
/// posterior calibrated to those data.
#[derive(Debug, Clone, PartialEq)]
pub struct Replicate {
    pub truth: Vec<f64>,
    pub posterior: Posterior,
}

/// A central interval's coverage over the replicates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    #[serde(with = "exact::one")]
    pub nominal: f64,
    /// Replicates whose interval held the truth.
    pub covered: usize,
    pub replicates: usize,
    /// The 95% binomial band of `covered` under the nominal rate: a calibrated posterior lands
    /// outside it one time in twenty.
    pub band: (usize, usize),
    pub within: bool,
}

impl Coverage {
    pub fn rate(&self) -> f64 {
        self.covered as f64 / self.replicates as f64
    }
}

/// A parameter's recovery: ranks, their uniformity test and interval coverage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamRecovery {
    pub name: String,
    /// Per replicate, the posterior mass below the true value (the normalised SBC rank, in
    /// [0, 1]; ties count half). Uniform when the posteriors are calibrated.
    #[serde(with = "exact::vec")]
    pub ranks: Vec<f64>,
    /// Counts of the ranks in `bins` equal bins.
    pub histogram: Vec<usize>,
    /// Pearson's χ² of the histogram against uniform, its degrees of freedom and p-value.
    #[serde(with = "exact::one")]
    pub chi2: f64,
    pub df: usize,
    #[serde(with = "exact::one")]
    pub p_value: f64,
    pub coverage_50: Coverage,
    pub coverage_90: Coverage,
}

/// The 95% central band of a Binomial(n, p) count: the smallest `lo` and largest `hi` with
/// P(X < lo) ≤ 2.5% and P(X > hi) ≤ 2.5%.
pub fn binomial_band(n: usize, p: f64) -> (usize, usize) {
    let Ok(b) = Binomial::new(p, n as u64) else { return (0, n) };
    let mut lo = 0;
    while lo < n && b.cdf(lo as u64) <= 0.025 {
        lo += 1;
    }
    let mut hi = n;
    while hi > 0 && 1.0 - b.cdf(hi as u64 - 1) <= 0.025 {
        hi -= 1;
    }
    (lo, hi)
}

fn coverage(nominal: f64, hits: usize, n: usize) -> Coverage {
    let band = binomial_band(n, nominal);
    Coverage {
        nominal,
        covered: hits,
        replicates: n,
        band,
        within: hits >= band.0 && hits <= band.1,
    }
}

/// Recovery statistics over replicates, with ranks binned into `bins` bins for the χ² test
/// (about 5 or more expected per bin: `bins ≤ replicates / 5`).
pub fn recovery(names: &[String], reps: &[Replicate], bins: usize) -> Vec<ParamRecovery> {
    let n = reps.len();
    let bins = bins.max(2);
    names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let mut ranks = Vec::with_capacity(n);
            let (mut c50, mut c90) = (0, 0);
            for r in reps {
                let truth = r.truth[j];
                let post = &r.posterior;
                let below: f64 = post
                    .theta
                    .iter()
                    .zip(&post.weights)
                    .map(|(t, w)| {
                        if t[j] < truth {
                            *w
                        } else if t[j] == truth {
                            0.5 * w
                        } else {
                            0.0
                        }
                    })
                    .sum();
                ranks.push(below.clamp(0.0, 1.0));
                let q = |a: f64| post.quantile(j, a);
                if truth >= q(0.25) && truth <= q(0.75) {
                    c50 += 1;
                }
                if truth >= q(0.05) && truth <= q(0.95) {
                    c90 += 1;
                }
            }
            let mut histogram = vec![0usize; bins];
            for &u in &ranks {
                histogram[((u * bins as f64) as usize).min(bins - 1)] += 1;
            }
            let expected = n as f64 / bins as f64;
            let chi2: f64 =
                histogram.iter().map(|&o| (o as f64 - expected).powi(2) / expected).sum();
            let df = bins - 1;
            let p_value = ChiSquared::new(df as f64).map_or(f64::NAN, |c| 1.0 - c.cdf(chi2));
            ParamRecovery {
                name: name.clone(),
                ranks,
                histogram,
                chi2,
                df,
                p_value,
                coverage_50: coverage(0.5, c50, n),
                coverage_90: coverage(0.9, c90, n),
            }
        })
        .collect()
}
