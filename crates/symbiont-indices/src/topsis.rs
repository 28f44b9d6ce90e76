//! TOPSIS (逼近理想解排序法), METHODS §5.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::criteria::{Criteria, Direction, min_max};
use crate::entropy::{Standardisation, standardise};
use crate::error::IndexError;

/// How columns are made comparable before distances are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Normalisation {
    /// z = x / sqrt(Σ x²); needs x ≥ 0. The ideal is the max (benefit) or min (cost).
    Vector,
    /// Min-max x', cost indicators flipped; the ideal is then 1 on every indicator.
    MinMax,
}

/// Where the weights enter the distance; the choice changes rankings (METHODS §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WeightPlacement {
    /// v = w·z, then the Euclidean distance: w² sits inside the distance.
    Squared,
    /// sqrt(Σ w (z − z*)²): w sits linearly inside the distance.
    Linear,
}

/// Where the indicator weights come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WeightSource {
    /// Entropy weights, computed within each subsystem with the entropy options.
    Entropy,
    /// Equal weights 1/p.
    Equal,
    /// The weights given in the spec file for each indicator.
    Given,
}

/// Every choice that changes the numbers of TOPSIS; stored with each result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TopsisOptions {
    pub normalisation: Normalisation,
    pub placement: WeightPlacement,
    pub weights: WeightSource,
}

impl Default for TopsisOptions {
    fn default() -> Self {
        Self {
            normalisation: Normalisation::Vector,
            placement: WeightPlacement::Squared,
            weights: WeightSource::Entropy,
        }
    }
}

/// Distances to the ideal and anti-ideal solutions, the closeness and the rank of every row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Topsis {
    pub d_plus: Vec<f64>,
    pub d_minus: Vec<f64>,
    /// C_i = D−/(D+ + D−), in [0, 1]; larger is better.
    pub closeness: Vec<f64>,
    /// 1 = the row closest to the ideal; ties keep row order.
    pub rank: Vec<usize>,
}

/// Check that weights are finite, non-negative, one per indicator and sum to 1.
pub fn check_weights(what: &str, w: &[f64], n: usize) -> Result<(), IndexError> {
    let err = |why: String| IndexError::Weights { what: what.into(), why };
    if w.len() != n {
        return Err(err(format!("{} weights for {} items", w.len(), n)));
    }
    if let Some(x) = w.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
        return Err(err(format!("{x} is not a non-negative number")));
    }
    let s: f64 = w.iter().sum();
    if (s - 1.0).abs() > 1e-9 {
        return Err(err(format!("they sum to {s}; expected 1")));
    }
    Ok(())
}

/// TOPSIS closeness of every row of `c` with weights `w` (Σw = 1).
pub fn topsis(c: &Criteria, w: &[f64], o: &TopsisOptions) -> Result<Topsis, IndexError> {
    let p = c.n_indicators();
    check_weights("TOPSIS", w, p)?;
    let m = c.n_rows();
    if m < 2 {
        return Err(IndexError::TooFewRows { what: "TOPSIS".into(), needed: 2, got: m });
    }
    // z[j][i] and the ideal/anti-ideal of each column on the normalised scale.
    let mut z = Vec::with_capacity(p);
    let mut best = Vec::with_capacity(p);
    let mut worst = Vec::with_capacity(p);
    for j in 0..p {
        match o.normalisation {
            Normalisation::Vector => {
                let x = c.column(j);
                if let Some(i) = x.iter().position(|&v| v < 0.0) {
                    return Err(IndexError::BadValue {
                        indicator: c.names[j].clone(),
                        row: c.rows[i].clone(),
                        value: x[i],
                        method: "TOPSIS vector normalisation".into(),
                        expected: "≥ 0 (it divides by the column norm); use min-max instead".into(),
                    });
                }
                let norm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
                if norm <= 0.0 {
                    return Err(IndexError::NoVariance {
                        indicator: c.names[j].clone(),
                        scope: String::new(),
                        value: 0.0,
                    });
                }
                let col: Vec<f64> = x.iter().map(|v| v / norm).collect();
                let (lo, hi) = min_max(&col);
                let (b, wo) = match c.directions[j] {
                    Direction::Benefit => (hi, lo),
                    Direction::Cost => (lo, hi),
                };
                z.push(col);
                best.push(b);
                worst.push(wo);
            }
            Normalisation::MinMax => {
                z.push(standardise(c, j, Standardisation::MinMax)?);
                best.push(1.0);
                worst.push(0.0);
            }
        }
    }
    let dist = |i: usize, target: &[f64]| -> f64 {
        (0..p)
            .map(|j| match o.placement {
                WeightPlacement::Squared => (w[j] * (z[j][i] - target[j])).powi(2),
                WeightPlacement::Linear => w[j] * (z[j][i] - target[j]).powi(2),
            })
            .sum::<f64>()
            .sqrt()
    };
    let d_plus: Vec<f64> = (0..m).map(|i| dist(i, &best)).collect();
    let d_minus: Vec<f64> = (0..m).map(|i| dist(i, &worst)).collect();
    let mut closeness = Vec::with_capacity(m);
    for i in 0..m {
        let s = d_plus[i] + d_minus[i];
        if s <= 0.0 {
            // Ideal equals anti-ideal on every weighted indicator: nothing separates the rows.
            let j = (0..p).find(|&j| w[j] > 0.0).unwrap_or(0);
            return Err(IndexError::NoVariance {
                indicator: c.names[j].clone(),
                scope: " (like every other indicator with a positive weight)".into(),
                value: c.values[0][j],
            });
        }
        closeness.push(d_minus[i] / s);
    }
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| closeness[b].total_cmp(&closeness[a]));
    let mut rank = vec![0; m];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r + 1;
    }
    Ok(Topsis { d_plus, d_minus, closeness, rank })
}

impl FromStr for Normalisation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "vector" => Ok(Self::Vector),
            "min-max" | "minmax" => Ok(Self::MinMax),
            _ => Err(format!("\"{s}\" is not a normalisation; expected vector or min-max")),
        }
    }
}

impl FromStr for WeightPlacement {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "squared" => Ok(Self::Squared),
            "linear" => Ok(Self::Linear),
            _ => Err(format!("\"{s}\" is not a weight placement; expected squared or linear")),
        }
    }
}

impl FromStr for WeightSource {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "entropy" => Ok(Self::Entropy),
            "equal" => Ok(Self::Equal),
            "given" | "spec" => Ok(Self::Given),
            _ => Err(format!("\"{s}\" is not a weight source; expected entropy, equal or given")),
        }
    }
}
