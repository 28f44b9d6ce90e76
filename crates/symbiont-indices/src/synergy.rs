//! Composite-system synergy degree (复合系统协同度), METHODS §3 (Meng & Han 2000).

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::criteria::{Direction, min_max};
use crate::error::IndexError;
use crate::grade::GradeTable;
use crate::topsis::{WeightSource, check_weights};

/// Where the bounds β ≤ e ≤ α of each order parameter come from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Bounds {
    /// The observed min and max over the pool of rows.
    Observed,
    /// The observed bounds moved outward by `fraction` of their magnitude: α = max + |max|·f,
    /// β = min − |min|·f (the common 10% convention, correct for negative values too).
    Expanded { fraction: f64 },
    /// Target bounds given per indicator in the spec; values beyond them are clamped to 0 or 1.
    Targets,
}

/// How the order degrees of a subsystem's parameters are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregation {
    /// (Π u)^{1/n}, as in the original paper.
    Geometric,
    /// Σ λ u with Σ λ = 1; λ from [`SynergyOptions::weights`].
    Weighted,
}

/// Which period each period is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum BaseMode {
    /// A fixed base year; `None` means the first year of each entity.
    Fixed { year: Option<i32> },
    /// Year on year: each year against the previous year present.
    Chained,
}

/// Every choice that changes synergy results; stored with each result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SynergyOptions {
    pub bounds: Bounds,
    pub aggregation: Aggregation,
    /// Weights λ inside a subsystem when aggregation is weighted.
    pub weights: WeightSource,
    pub base: BaseMode,
    /// Optional weights w_j in Π|Δu_j|^{w_j} (Σ w = 1); `None` means 1/k each.
    pub subsystem_weights: Option<Vec<f64>>,
    pub grades: GradeTable,
}

impl Default for SynergyOptions {
    fn default() -> Self {
        Self {
            bounds: Bounds::Expanded { fraction: 0.1 },
            aggregation: Aggregation::Geometric,
            weights: WeightSource::Entropy,
            base: BaseMode::Fixed { year: None },
            subsystem_weights: None,
            grades: GradeTable::synergy(),
        }
    }
}

/// The bounds (β, α) of one order parameter from its pooled values.
pub fn bounds_of(values: &[f64], how: Bounds, indicator: &str) -> Result<(f64, f64), IndexError> {
    let (lo, hi) = min_max(values);
    let (b, a) = match how {
        Bounds::Observed => (lo, hi),
        Bounds::Expanded { fraction } => {
            if !(fraction.is_finite() && fraction >= 0.0) {
                return Err(IndexError::Option {
                    option: "bounds = expanded".into(),
                    why: format!("fraction {fraction}; expected ≥ 0"),
                });
            }
            (lo - lo.abs() * fraction, hi + hi.abs() * fraction)
        }
        Bounds::Targets => {
            return Err(IndexError::Option {
                option: "bounds = targets".into(),
                why: format!("no target bounds were given for indicator \"{indicator}\""),
            });
        }
    };
    if a - b <= 0.0 {
        return Err(IndexError::DegenerateBounds {
            indicator: indicator.into(),
            lower: b,
            upper: a,
        });
    }
    Ok((b, a))
}

/// The order degree u of one value within bounds (β, α), clamped to [0, 1] for target bounds.
pub fn order_degree(e: f64, lower: f64, upper: f64, dir: Direction) -> f64 {
    let u = match dir {
        Direction::Benefit => (e - lower) / (upper - lower),
        Direction::Cost => (upper - e) / (upper - lower),
    };
    u.clamp(0.0, 1.0)
}

/// The subsystem order degree from its parameters' order degrees.
pub fn subsystem_order(u: &[f64], agg: Aggregation, lambda: &[f64]) -> f64 {
    match agg {
        Aggregation::Geometric => u.iter().product::<f64>().powf(1.0 / u.len() as f64),
        Aggregation::Weighted => u.iter().zip(lambda).map(|(u, l)| u * l).sum(),
    }
}

/// One synergy step from a base period to a later period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SynergyStep {
    /// Δu_j = u_j(t1) − u_j(t0) for each subsystem.
    pub delta: Vec<f64>,
    /// θ = sign(min Δu): +1 only if every subsystem rose, −1 if any fell, 0 if the min is 0.
    pub theta: f64,
    /// C = θ · Π |Δu_j|^{w_j}, in [−1, 1].
    pub c: f64,
}

/// The synergy degree between two periods' subsystem order degrees (METHODS §3).
///
/// ```
/// use symbiont_indices::synergy_degree;
/// // One subsystem fell: the system is not synergetic, however much the other rose.
/// let s = synergy_degree(&[0.2, 0.5], &[0.9, 0.4], None).unwrap();
/// assert_eq!(s.theta, -1.0);
/// assert!(s.c < 0.0);
/// ```
pub fn synergy_degree(
    before: &[f64],
    after: &[f64],
    weights: Option<&[f64]>,
) -> Result<SynergyStep, IndexError> {
    let k = before.len();
    if k == 0 || after.len() != k {
        return Err(IndexError::WrongCount {
            what: "the synergy degree".into(),
            expected: format!("one order degree per subsystem in both periods ({k})"),
            got: after.len(),
        });
    }
    let equal = vec![1.0 / k as f64; k];
    let w = match weights {
        Some(w) => {
            check_weights("the subsystems of the synergy degree", w, k)?;
            w
        }
        None => &equal,
    };
    let delta: Vec<f64> = after.iter().zip(before).map(|(a, b)| a - b).collect();
    let min = delta.iter().cloned().fold(f64::INFINITY, f64::min);
    // θ = min/|min| is 0/0 when the smallest change is exactly zero; C is 0 there anyway.
    let theta = if min > 0.0 {
        1.0
    } else if min < 0.0 {
        -1.0
    } else {
        0.0
    };
    let magnitude: f64 = delta.iter().zip(w).map(|(d, w)| d.abs().powf(*w)).product();
    let c = theta * magnitude;
    // Normalise −0.0 so tables never print "-0".
    let c = if c == 0.0 { 0.0 } else { c };
    Ok(SynergyStep { delta, theta, c })
}

impl FromStr for Bounds {
    type Err = String;
    /// `observed`, `expanded[:FRACTION]` (0.1 unless given), `targets`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (head, arg) = s.split_once(':').map_or((s, None), |(h, a)| (h, Some(a)));
        match (head, arg) {
            ("observed", None) => Ok(Self::Observed),
            ("expanded", a) => Ok(Self::Expanded {
                fraction: match a {
                    None => 0.1,
                    Some(a) => a
                        .parse()
                        .map_err(|_| format!("\"{a}\" is not a number for expanded:FRACTION"))?,
                },
            }),
            ("targets", None) => Ok(Self::Targets),
            _ => Err(format!(
                "\"{s}\" is not a bounds mode; expected observed, expanded[:FRACTION] or targets"
            )),
        }
    }
}

impl FromStr for Aggregation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "geometric" => Ok(Self::Geometric),
            "weighted" | "linear" => Ok(Self::Weighted),
            _ => Err(format!("\"{s}\" is not an aggregation; expected geometric or weighted")),
        }
    }
}

impl FromStr for BaseMode {
    type Err = String;
    /// `fixed`, `fixed:YEAR`, `chained`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (head, arg) = s.split_once(':').map_or((s, None), |(h, a)| (h, Some(a)));
        match (head, arg) {
            ("fixed", None) => Ok(Self::Fixed { year: None }),
            ("fixed", Some(y)) => Ok(Self::Fixed {
                year: Some(y.parse().map_err(|_| format!("\"{y}\" is not a year for fixed:YEAR"))?),
            }),
            ("chained", None) => Ok(Self::Chained),
            _ => Err(format!("\"{s}\" is not a base mode; expected fixed, fixed:YEAR or chained")),
        }
    }
}
