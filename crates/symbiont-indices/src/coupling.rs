//! Coupling coordination degree (耦合协调度), METHODS §4.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::IndexError;
use crate::grade::{Grade, GradeTable};
use crate::topsis::check_weights;

/// The formula for the coupling degree C.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CouplingFormula {
    /// C = n·(Π U)^{1/n} / Σ U (Wang Shujia et al. 2021): the ratio of geometric to arithmetic mean.
    Normative,
    /// Wang Shujia et al. 2021's modified C, with the 1/(n−1) exponent; spreads C away from 1.
    Modified,
    /// LEGACY, erroneous: C = [U1U2/(U1+U2)²]^{1/2}, n = 2 only; its maximum is 0.5.
    LostCoefficient,
    /// LEGACY, erroneous: C = 3·{U1U2U3/[(U1+U2)(U1+U3)(U2+U3)]}^{1/3}, n = 3 only; maximum 1.5.
    Pairwise,
    /// LEGACY adjustment coefficient (Liao Chongbin 1999): C = {Π U / [(Σ U)/n]^n}^k.
    /// k = 1/n is the normative form; the older literature uses k ≥ 2.
    Liao { k: f64 },
}

impl CouplingFormula {
    /// True for the variants kept only to replicate papers; reports flag them.
    pub fn is_legacy(&self) -> bool {
        matches!(self, Self::LostCoefficient | Self::Pairwise | Self::Liao { .. })
    }

    /// A short name for tables and reports.
    pub fn label(&self) -> String {
        match self {
            Self::Normative => "normative".into(),
            Self::Modified => "modified (Wang et al. 2021)".into(),
            Self::LostCoefficient => "LEGACY lost coefficient (max 0.5)".into(),
            Self::Pairwise => "LEGACY pairwise n=3 (max 1.5)".into(),
            Self::Liao { k } => format!("LEGACY Liao k={k}"),
        }
    }
}

/// What C is when every U_i = 0 (it is 0/0 there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AllZero {
    /// C = 0, so D = 0.
    Zero,
    /// C and D are reported as undefined (never as NaN).
    Undefined,
}

/// How the relative development type names a lagging subsystem.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LagRule {
    /// Subsystem i lags when max U − U_i > threshold (0.1 in most papers). For n = 2 this is
    /// METHODS §4's U1 − U2 > 0.1 rule.
    Difference { threshold: f64 },
    /// Subsystem i lags when max U / U_i > ratio (e.g. 1.2), for papers that use U1/U2.
    Ratio { ratio: f64 },
}

/// Every choice that changes coupling results; stored with each result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CouplingOptions {
    pub formula: CouplingFormula,
    /// Weights w of T = Σ w_i U_i; `None` means equal weights.
    pub weights: Option<Vec<f64>>,
    pub all_zero: AllZero,
    pub lag: LagRule,
    /// Grading of D (default: the 10-grade table, [a, b)).
    pub d_grades: GradeTable,
    /// Grading of C (default: the four stages, (a, b]).
    pub c_grades: GradeTable,
}

impl Default for CouplingOptions {
    fn default() -> Self {
        Self {
            formula: CouplingFormula::Normative,
            weights: None,
            all_zero: AllZero::Zero,
            lag: LagRule::Difference { threshold: 0.1 },
            d_grades: GradeTable::coordination_d10(),
            c_grades: GradeTable::coupling_stages(),
        }
    }
}

/// The coupling coordination of one row (one region-year).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coordination {
    /// Coupling degree; `None` when undefined (all U = 0 under [`AllZero::Undefined`]).
    pub c: Option<f64>,
    /// Comprehensive development index T = Σ w U.
    pub t: f64,
    /// Coordination degree D = √(C·T).
    pub d: Option<f64>,
    /// Grade of D; `None` when D is undefined or outside the table (legacy C > 1).
    pub d_grade: Option<Grade>,
    pub c_grade: Option<Grade>,
    /// Indices (0-based) of the lagging subsystems; empty means synchronous development.
    pub lagging: Vec<usize>,
}

/// The coupling degree C of the subsystem indices `u` (each ≥ 0).
///
/// `row` names the row in error messages. Returns `None` only when C is undefined.
pub fn coupling_degree(
    u: &[f64],
    formula: CouplingFormula,
    all_zero: AllZero,
    row: &str,
) -> Result<Option<f64>, IndexError> {
    let n = u.len();
    let need = |expected: &str| IndexError::WrongCount {
        what: format!("the {} coupling formula", formula.label()),
        expected: expected.into(),
        got: n,
    };
    match formula {
        CouplingFormula::LostCoefficient if n != 2 => return Err(need("exactly 2 subsystems")),
        CouplingFormula::Pairwise if n != 3 => return Err(need("exactly 3 subsystems")),
        _ if n < 2 => return Err(need("at least 2 subsystems")),
        CouplingFormula::Liao { k } if !(k.is_finite() && k > 0.0) => {
            return Err(IndexError::Option {
                option: "coupling formula liao".into(),
                why: format!("k = {k}; expected k > 0"),
            });
        }
        _ => {}
    }
    if let Some(i) = u.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
        return Err(IndexError::BadValue {
            indicator: format!("U{}", i + 1),
            row: row.into(),
            value: u[i],
            method: "the coupling degree".into(),
            expected: "≥ 0 (it takes roots of products and ratios); standardise so that no \
                       subsystem index is negative"
                .into(),
        });
    }
    if formula == CouplingFormula::Modified
        && let Some(i) = u.iter().position(|&x| x > 1.0)
    {
        // The spread term 1 − Σ|U_i − U_j|/(n(n−1)/2) is only a share when every U is in [0, 1].
        return Err(IndexError::BadValue {
            indicator: format!("U{}", i + 1),
            row: row.into(),
            value: u[i],
            method: "the modified coupling degree".into(),
            expected: "in [0, 1] (its spread term assumes it); rescale the subsystem scores".into(),
        });
    }
    if u.iter().all(|&x| x == 0.0) {
        return Ok(match all_zero {
            AllZero::Zero => Some(0.0),
            AllZero::Undefined => None,
        });
    }
    // Any U_i = 0 gives C = 0 in every variant; returning early also avoids the pairwise 0/0.
    if u.contains(&0.0) {
        return Ok(Some(0.0));
    }
    let nf = n as f64;
    let sum: f64 = u.iter().sum();
    let c = match formula {
        CouplingFormula::Normative => {
            // Geometric mean through logs: no overflow or underflow for many subsystems.
            let g = (u.iter().map(|x| x.ln()).sum::<f64>() / nf).exp();
            nf * g / sum
        }
        CouplingFormula::Modified => {
            let pairs = nf * (nf - 1.0) / 2.0;
            let mut spread = 0.0;
            for i in 0..n {
                for j in i + 1..n {
                    spread += (u[i] - u[j]).abs();
                }
            }
            let max = u.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let prod: f64 = u.iter().map(|x| x / max).product();
            ((1.0 - spread / pairs) * prod.powf(1.0 / (nf - 1.0))).sqrt()
        }
        CouplingFormula::LostCoefficient => (u[0] * u[1] / (u[0] + u[1]).powi(2)).sqrt(),
        CouplingFormula::Pairwise => {
            let den = (u[0] + u[1]) * (u[0] + u[2]) * (u[1] + u[2]);
            3.0 * (u[0] * u[1] * u[2] / den).cbrt()
        }
        CouplingFormula::Liao { k } => {
            let log_ratio = u.iter().map(|x| x.ln()).sum::<f64>() - nf * (sum / nf).ln();
            (k * log_ratio).exp()
        }
    };
    Ok(Some(c))
}

/// Coupling degree, development index, coordination degree, grades and lag type of one row.
///
/// ```
/// use symbiont_indices::{CouplingOptions, coordination};
/// let r = coordination(&[0.3, 0.3], &CouplingOptions::default(), "2020").unwrap();
/// assert_eq!(r.c, Some(1.0));
/// assert_eq!(r.d_grade.unwrap().to_string(), "barely coordinated (勉强协调)");
/// ```
pub fn coordination(u: &[f64], o: &CouplingOptions, row: &str) -> Result<Coordination, IndexError> {
    let n = u.len();
    let c = coupling_degree(u, o.formula, o.all_zero, row)?;
    let t = match &o.weights {
        Some(w) => {
            check_weights("T = Σ w U", w, n)?;
            u.iter().zip(w).map(|(x, w)| x * w).sum()
        }
        None => u.iter().sum::<f64>() / n as f64,
    };
    let d = c.map(|c| (c * t).sqrt());
    let d_grade = d.and_then(|d| o.d_grades.grade(d));
    let c_grade = c.and_then(|c| o.c_grades.grade(c));
    let max = u.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let lagging = (0..n)
        .filter(|&i| match o.lag {
            LagRule::Difference { threshold } => max - u[i] > threshold,
            LagRule::Ratio { ratio } => max > ratio * u[i],
        })
        .collect();
    Ok(Coordination { c, t, d, d_grade, c_grade, lagging })
}

/// Check the options once before a run (grading tables, weights of T, lag rule).
pub fn check_options(o: &CouplingOptions) -> Result<(), IndexError> {
    o.d_grades.validate()?;
    o.c_grades.validate()?;
    match o.lag {
        LagRule::Difference { threshold } if !(threshold.is_finite() && threshold >= 0.0) => {
            Err(IndexError::Option {
                option: "lag = difference".into(),
                why: format!("threshold {threshold}; expected ≥ 0"),
            })
        }
        LagRule::Ratio { ratio } if !(ratio.is_finite() && ratio >= 1.0) => {
            Err(IndexError::Option {
                option: "lag = ratio".into(),
                why: format!("ratio {ratio}; expected ≥ 1"),
            })
        }
        _ => Ok(()),
    }
}

impl FromStr for CouplingFormula {
    type Err = String;
    /// `normative`, `modified`, `lost-coefficient`, `pairwise`, `liao:K`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (head, arg) = s.split_once(':').map_or((s, None), |(h, a)| (h, Some(a)));
        match (head, arg) {
            ("normative", None) => Ok(Self::Normative),
            ("modified", None) => Ok(Self::Modified),
            ("lost-coefficient", None) => Ok(Self::LostCoefficient),
            ("pairwise", None) => Ok(Self::Pairwise),
            ("liao", Some(k)) => Ok(Self::Liao {
                k: k.parse().map_err(|_| format!("\"{k}\" is not a number for liao:K"))?,
            }),
            _ => Err(format!(
                "\"{s}\" is not a coupling formula; expected normative, modified, \
                 lost-coefficient, pairwise or liao:K (e.g. liao:2)"
            )),
        }
    }
}
