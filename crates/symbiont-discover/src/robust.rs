//! Robustness of each mode (an option, a policy) for one outcome across the design points of
//! a sweep, as in robust decision making (Lempert et al. 2003; McPhail et al. 2018):
//!
//! - the mean, standard deviation and percentiles of the outcome (linear interpolation
//!   between order statistics, numpy's default);
//! - regret: at each point, how far the mode is from the best mode at that point (Savage);
//!   its maximum (minimax regret), 90th percentile and mean;
//! - satisficing: the share of points where the outcome meets a threshold (`>=` when more is
//!   better, `<=` when less is);
//! - the signal-to-noise ratio, as the EMA Workbench defines it: mean / sd when more is
//!   better, mean * sd when less is (so that smaller is better), `None` when sd is 0.
//!
//! [`rank`] orders the modes by any of these (1 = best; equal values share a rank).

use serde::{Deserialize, Serialize};

use crate::DiscoverError;

/// Whether more or less of the outcome is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Maximize,
    Minimize,
}

/// The robustness of one mode for one outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Robustness {
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub max: f64,
    pub mean_regret: f64,
    pub max_regret: f64,
    pub p90_regret: f64,
    /// Share of points meeting the threshold, when one is given.
    pub satisficing: Option<f64>,
    pub signal_to_noise: Option<f64>,
}

/// What modes can be ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    Mean,
    P10,
    P50,
    P90,
    MaxRegret,
    P90Regret,
    Satisficing,
    SignalToNoise,
}

impl Criterion {
    pub const ALL: [Criterion; 8] = [
        Criterion::Mean,
        Criterion::P10,
        Criterion::P50,
        Criterion::P90,
        Criterion::MaxRegret,
        Criterion::P90Regret,
        Criterion::Satisficing,
        Criterion::SignalToNoise,
    ];

    /// The key used in tables.
    pub fn key(self) -> &'static str {
        match self {
            Criterion::Mean => "mean",
            Criterion::P10 => "p10",
            Criterion::P50 => "p50",
            Criterion::P90 => "p90",
            Criterion::MaxRegret => "max_regret",
            Criterion::P90Regret => "p90_regret",
            Criterion::Satisficing => "satisficing",
            Criterion::SignalToNoise => "signal_to_noise",
        }
    }

    /// The value of this criterion, and whether a larger value is better.
    pub fn value(self, r: &Robustness, d: Direction) -> (Option<f64>, bool) {
        let more = d == Direction::Maximize;
        match self {
            Criterion::Mean => (Some(r.mean), more),
            Criterion::P10 => (Some(r.p10), more),
            Criterion::P50 => (Some(r.p50), more),
            Criterion::P90 => (Some(r.p90), more),
            Criterion::MaxRegret => (Some(r.max_regret), false),
            Criterion::P90Regret => (Some(r.p90_regret), false),
            Criterion::Satisficing => (r.satisficing, true),
            Criterion::SignalToNoise => (r.signal_to_noise, more),
        }
    }
}

/// The value at quantile `q` of sorted `xs`, interpolating linearly.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Robustness of every mode: `values[m][i]` is mode `m`'s outcome at point `i`.
pub fn robustness(
    values: &[Vec<f64>],
    direction: Direction,
    threshold: Option<f64>,
) -> Result<Vec<Robustness>, DiscoverError> {
    let Some(first) = values.first() else {
        return Err(DiscoverError::Params {
            field: "modes",
            message: "expected at least one mode".into(),
        });
    };
    let n = first.len();
    if n == 0 {
        return Err(DiscoverError::Empty);
    }
    for v in values {
        if v.len() != n {
            return Err(DiscoverError::Length {
                what: "a mode's outcome",
                expected: n,
                got: v.len(),
            });
        }
        if let Some(i) = v.iter().position(|x| !x.is_finite()) {
            return Err(DiscoverError::Params {
                field: "outcome",
                message: format!("point {i}: {} is not a finite number", v[i]),
            });
        }
    }
    let best: Vec<f64> = (0..n)
        .map(|i| {
            let it = values.iter().map(|v| v[i]);
            match direction {
                Direction::Maximize => it.fold(f64::NEG_INFINITY, f64::max),
                Direction::Minimize => it.fold(f64::INFINITY, f64::min),
            }
        })
        .collect();
    Ok(values
        .iter()
        .map(|v| {
            let nf = n as f64;
            let mean = v.iter().sum::<f64>() / nf;
            let sd = if n > 1 {
                (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (nf - 1.0)).sqrt()
            } else {
                0.0
            };
            let mut s = v.clone();
            s.sort_by(f64::total_cmp);
            let mut regret: Vec<f64> = v
                .iter()
                .zip(&best)
                .map(|(x, b)| match direction {
                    Direction::Maximize => b - x,
                    Direction::Minimize => x - b,
                })
                .collect();
            regret.sort_by(f64::total_cmp);
            let satisficing = threshold.map(|t| {
                v.iter()
                    .filter(|&&x| match direction {
                        Direction::Maximize => x >= t,
                        Direction::Minimize => x <= t,
                    })
                    .count() as f64
                    / nf
            });
            let signal_to_noise = (sd > 0.0).then(|| match direction {
                Direction::Maximize => mean / sd,
                Direction::Minimize => mean * sd,
            });
            Robustness {
                mean,
                sd,
                min: s[0],
                p10: percentile(&s, 0.1),
                p25: percentile(&s, 0.25),
                p50: percentile(&s, 0.5),
                p75: percentile(&s, 0.75),
                p90: percentile(&s, 0.9),
                max: s[n - 1],
                mean_regret: regret.iter().sum::<f64>() / nf,
                max_regret: regret[n - 1],
                p90_regret: percentile(&regret, 0.9),
                satisficing,
                signal_to_noise,
            }
        })
        .collect())
}

/// The rank of each mode by `criterion` (1 = best; equal values share the better rank; a
/// mode without a value, e.g. no threshold, gets `None`).
pub fn rank(
    stats: &[Robustness],
    criterion: Criterion,
    direction: Direction,
) -> Vec<Option<usize>> {
    let vals: Vec<(Option<f64>, bool)> =
        stats.iter().map(|r| criterion.value(r, direction)).collect();
    vals.iter()
        .map(|&(v, more)| {
            let v = v?;
            let better = vals
                .iter()
                .filter_map(|(o, _)| *o)
                .filter(|&o| if more { o > v } else { o < v })
                .count();
            Some(better + 1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regret_and_ranks_on_a_small_table() {
        // Two modes over four points: a is steady, b is better on average but fails once.
        let a = vec![5.0, 5.0, 5.0, 5.0];
        let b = vec![9.0, 9.0, 9.0, 1.0];
        let r = robustness(&[a, b], Direction::Maximize, Some(4.0)).unwrap();
        assert_eq!(r[0].max_regret, 4.0);
        assert_eq!(r[1].max_regret, 4.0);
        assert_eq!(r[0].mean_regret, 3.0);
        assert_eq!(r[1].mean_regret, 1.0);
        assert_eq!(r[0].satisficing, Some(1.0));
        assert_eq!(r[1].satisficing, Some(0.75));
        assert_eq!(r[0].signal_to_noise, None);
        assert_eq!(rank(&r, Criterion::Mean, Direction::Maximize), vec![Some(2), Some(1)]);
        assert_eq!(rank(&r, Criterion::Satisficing, Direction::Maximize), vec![Some(1), Some(2)]);
        assert_eq!(rank(&r, Criterion::MaxRegret, Direction::Maximize), vec![Some(1), Some(1)]);
    }
}
