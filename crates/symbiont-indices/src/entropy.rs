//! The entropy weight method (熵权法), METHODS §5.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::criteria::{Criteria, Direction, min_max};
use crate::error::IndexError;

/// How raw values become comparable, non-negative standardised values x'.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Standardisation {
    /// Benefit (x − min)/(max − min); cost (max − x)/(max − min). The common default.
    MinMax,
    /// Benefit x/max; cost min/x. Needs x ≥ 0 (benefit) or x > 0 (cost).
    MaxRatio,
    /// Benefit x/Σx; cost (1/x)/Σ(1/x). Needs x ≥ 0 (benefit) or x > 0 (cost).
    Share,
    /// z-score (sign flipped for cost indicators) plus `shift`, which must make every value ≥ 0.
    ZScore { shift: f64 },
}

/// What to do about zeros in x' before taking logarithms (METHODS §5, variant 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ZeroHandling {
    /// (a) 0·ln 0 := 0, no shift.
    ZeroLogZero,
    /// (b) x' + a, with a = 0.0001, 0.001 or 0.01 depending on the paper.
    Shift { a: f64 },
    /// (c) rescale x' into [ε, 1 − ε]; mathmodels uses ε = 0.002.
    Rescale { eps: f64 },
}

/// Which rows share one set of weights in a panel (METHODS §5, variant 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pooling {
    /// All region-years pooled ("global entropy"): scores stay comparable over time.
    Global,
    /// One set of weights per year.
    PerYear,
    /// One set of weights per entity (region).
    PerEntity,
}

/// Every choice that changes the numbers of the entropy method; stored with each result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EntropyOptions {
    pub standardisation: Standardisation,
    pub zero: ZeroHandling,
    pub pooling: Pooling,
    /// Scores are multiplied by this (1, or 100 as many papers report them).
    pub scale: f64,
    /// Rescale each subsystem's scores to [0, 1] over the pool before they become U_i
    /// (the mathmodels book pipeline).
    pub rescale_scores: bool,
}

impl Default for EntropyOptions {
    fn default() -> Self {
        Self {
            standardisation: Standardisation::MinMax,
            zero: ZeroHandling::ZeroLogZero,
            pooling: Pooling::Global,
            scale: 1.0,
            rescale_scores: false,
        }
    }
}

/// The weights of one pool of rows and the scores of those rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntropyWeights {
    pub names: Vec<String>,
    /// e_j, the information entropy of each indicator.
    pub entropy: Vec<f64>,
    /// d_j = 1 − e_j.
    pub divergence: Vec<f64>,
    /// w_j = d_j / Σ d.
    pub weights: Vec<f64>,
    /// x' after zero handling, `[row][indicator]`.
    #[serde(skip)]
    pub standardised: Vec<Vec<f64>>,
    /// score_i = scale · Σ_j w_j x'_ij.
    pub scores: Vec<f64>,
}

fn bad(c: &Criteria, j: usize, i: usize, method: &str, expected: &str) -> IndexError {
    IndexError::BadValue {
        indicator: c.names[j].clone(),
        row: c.rows[i].clone(),
        value: c.values[i][j],
        method: method.into(),
        expected: expected.into(),
    }
}

/// Standardise column `j` of `c`. Errors name the indicator and the row.
pub fn standardise(c: &Criteria, j: usize, how: Standardisation) -> Result<Vec<f64>, IndexError> {
    let x = c.column(j);
    let dir = c.directions[j];
    let no_variance = || IndexError::NoVariance {
        indicator: c.names[j].clone(),
        scope: String::new(),
        value: x[0],
    };
    match how {
        Standardisation::MinMax => {
            let (lo, hi) = min_max(&x);
            if hi - lo <= 0.0 {
                return Err(no_variance());
            }
            Ok(x.iter()
                .map(|&v| match dir {
                    Direction::Benefit => (v - lo) / (hi - lo),
                    Direction::Cost => (hi - v) / (hi - lo),
                })
                .collect())
        }
        Standardisation::MaxRatio | Standardisation::Share => {
            let name = if how == Standardisation::MaxRatio {
                "x/max standardisation"
            } else {
                "x/Σx standardisation"
            };
            for (i, &v) in x.iter().enumerate() {
                if dir == Direction::Benefit && v < 0.0 {
                    return Err(bad(c, j, i, name, "≥ 0 (it takes ratios)"));
                }
                if dir == Direction::Cost && v <= 0.0 {
                    return Err(bad(c, j, i, name, "> 0 for a cost indicator (it takes 1/x)"));
                }
            }
            let (lo, hi) = min_max(&x);
            let out: Vec<f64> = match (how, dir) {
                (Standardisation::MaxRatio, Direction::Benefit) => {
                    if hi <= 0.0 {
                        return Err(no_variance());
                    }
                    x.iter().map(|v| v / hi).collect()
                }
                (Standardisation::MaxRatio, Direction::Cost) => x.iter().map(|v| lo / v).collect(),
                (_, Direction::Benefit) => {
                    let s: f64 = x.iter().sum();
                    if s <= 0.0 {
                        return Err(no_variance());
                    }
                    x.iter().map(|v| v / s).collect()
                }
                (_, Direction::Cost) => {
                    let s: f64 = x.iter().map(|v| 1.0 / v).sum();
                    x.iter().map(|v| (1.0 / v) / s).collect()
                }
            };
            Ok(out)
        }
        Standardisation::ZScore { shift } => {
            let m = x.len() as f64;
            let mean = x.iter().sum::<f64>() / m;
            let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (m - 1.0).max(1.0);
            let sd = var.sqrt();
            if sd <= 0.0 {
                return Err(no_variance());
            }
            let mut out = Vec::with_capacity(x.len());
            for (i, &v) in x.iter().enumerate() {
                let z = (v - mean) / sd;
                let z = if dir == Direction::Cost { -z } else { z };
                let shifted = z + shift;
                if shifted < 0.0 {
                    return Err(bad(
                        c,
                        j,
                        i,
                        &format!("z-score standardisation with shift {shift}"),
                        &format!("whose z-score is at least −{shift}; raise the shift"),
                    ));
                }
                out.push(shifted);
            }
            Ok(out)
        }
    }
}

fn check_options(o: &EntropyOptions) -> Result<(), IndexError> {
    let opt = |option: &str, why: String| IndexError::Option { option: option.into(), why };
    match o.zero {
        ZeroHandling::Shift { a } if !(a.is_finite() && a > 0.0) => {
            return Err(opt("zero = shift", format!("a = {a}; expected a positive number")));
        }
        ZeroHandling::Rescale { eps } if !(eps > 0.0 && eps < 0.5) => {
            return Err(opt("zero = rescale", format!("eps = {eps}; expected 0 < eps < 0.5")));
        }
        _ => {}
    }
    if let Standardisation::ZScore { shift } = o.standardisation
        && !(shift.is_finite() && shift >= 0.0)
    {
        return Err(opt("standardisation = z-score", format!("shift = {shift}; expected ≥ 0")));
    }
    if !(o.scale.is_finite() && o.scale > 0.0) {
        return Err(opt("scale", format!("{}; expected a positive number", o.scale)));
    }
    Ok(())
}

/// Entropy weights and scores of one pool of rows.
///
/// ```
/// use symbiont_indices::{Criteria, EntropyOptions, entropy_weights};
/// let c = Criteria::benefit(&["a", "b"], vec![vec![1.0, 5.0], vec![2.0, 5.0], vec![3.0, 6.0]]);
/// let w = entropy_weights(&c, &EntropyOptions::default()).unwrap();
/// assert!((w.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// ```
pub fn entropy_weights(c: &Criteria, o: &EntropyOptions) -> Result<EntropyWeights, IndexError> {
    check_options(o)?;
    let m = c.n_rows();
    if m < 2 {
        return Err(IndexError::TooFewRows {
            what: "the entropy method".into(),
            needed: 2,
            got: m,
        });
    }
    let p = c.n_indicators();
    let mut cols = Vec::with_capacity(p);
    for j in 0..p {
        let mut x = standardise(c, j, o.standardisation)?;
        match o.zero {
            ZeroHandling::ZeroLogZero => {}
            ZeroHandling::Shift { a } => x.iter_mut().for_each(|v| *v += a),
            ZeroHandling::Rescale { eps } => {
                x.iter_mut().for_each(|v| *v = eps + (1.0 - 2.0 * eps) * *v)
            }
        }
        cols.push(x);
    }
    let k = 1.0 / (m as f64).ln();
    let mut entropy = Vec::with_capacity(p);
    for (j, x) in cols.iter().enumerate() {
        let s: f64 = x.iter().sum();
        if s <= 0.0 {
            return Err(IndexError::NoVariance {
                indicator: c.names[j].clone(),
                scope: " after standardisation".into(),
                value: c.values[0][j],
            });
        }
        // 0·ln 0 := 0 (the limit), which is what variant (a) means.
        let h: f64 = x.iter().map(|v| v / s).filter(|&q| q > 0.0).map(|q| q * q.ln()).sum();
        entropy.push(-k * h);
    }
    let divergence: Vec<f64> = entropy.iter().map(|e| 1.0 - e).collect();
    let total: f64 = divergence.iter().sum();
    if total <= 0.0 {
        return Err(IndexError::Weights {
            what: "the entropy method".into(),
            why: "every indicator has entropy 1 (its values are spread evenly), so none carries \
                  information"
                .into(),
        });
    }
    let weights: Vec<f64> = divergence.iter().map(|d| d / total).collect();
    let standardised: Vec<Vec<f64>> = (0..m).map(|i| cols.iter().map(|x| x[i]).collect()).collect();
    let scores = standardised
        .iter()
        .map(|row| o.scale * row.iter().zip(&weights).map(|(x, w)| x * w).sum::<f64>())
        .collect();
    Ok(EntropyWeights {
        names: c.names.clone(),
        entropy,
        divergence,
        weights,
        standardised,
        scores,
    })
}

fn parse_param(s: &str, what: &str) -> Result<f64, String> {
    s.parse::<f64>().map_err(|_| format!("\"{s}\" is not a number for {what}"))
}

impl FromStr for Standardisation {
    type Err = String;
    /// `min-max`, `max`, `sum`, `z-score[:SHIFT]` (shift 3 unless given).
    fn from_str(s: &str) -> Result<Self, String> {
        let (head, arg) = s.split_once(':').map_or((s, None), |(h, a)| (h, Some(a)));
        match (head, arg) {
            ("min-max" | "minmax", None) => Ok(Self::MinMax),
            ("max" | "max-ratio", None) => Ok(Self::MaxRatio),
            ("sum" | "share", None) => Ok(Self::Share),
            ("z-score" | "zscore", a) => Ok(Self::ZScore {
                shift: a.map_or(Ok(3.0), |a| parse_param(a, "the z-score shift"))?,
            }),
            _ => Err(format!(
                "\"{s}\" is not a standardisation; expected min-max, max, sum or z-score[:SHIFT]"
            )),
        }
    }
}

impl FromStr for ZeroHandling {
    type Err = String;
    /// `none`, `shift:A`, `rescale:EPS`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (head, arg) = s.split_once(':').map_or((s, None), |(h, a)| (h, Some(a)));
        match (head, arg) {
            ("none" | "zero-log-zero", None) => Ok(Self::ZeroLogZero),
            ("shift", Some(a)) => Ok(Self::Shift { a: parse_param(a, "the shift")? }),
            ("rescale", Some(e)) => Ok(Self::Rescale { eps: parse_param(e, "the rescale ε")? }),
            ("rescale", None) => Ok(Self::Rescale { eps: 0.002 }),
            _ => Err(format!(
                "\"{s}\" is not a zero handling; expected none, shift:A (e.g. shift:0.01) or \
                 rescale:EPS (e.g. rescale:0.002)"
            )),
        }
    }
}

impl FromStr for Pooling {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "global" | "pooled" => Ok(Self::Global),
            "year" | "per-year" => Ok(Self::PerYear),
            "entity" | "per-entity" => Ok(Self::PerEntity),
            _ => Err(format!("\"{s}\" is not a pooling; expected global, per-year or per-entity")),
        }
    }
}
