//! Grading tables: value bands with an English and a Chinese grade word.
//!
//! Papers disagree on thresholds and on interval closure (`[a, b)` against `(a, b]`), so a table
//! is data, not code: the built-in tables of METHODS §3-4 are constructors, and a spec file may
//! give its own. The closure applies to the boundaries *between* bands; the two outer ends of a
//! table are always closed, so that `D = 1` is graded under `[a, b)` and `C = −1` under `(a, b]`.

use serde::{Deserialize, Serialize};

use crate::error::IndexError;

/// Which side of an inner boundary belongs to the band: `[a, b)` (left) or `(a, b]` (right).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Closure {
    /// `[a, b)`: a boundary value belongs to the band above it.
    Left,
    /// `(a, b]`: a boundary value belongs to the band below it.
    Right,
}

/// One band of a grading table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub lower: f64,
    pub upper: f64,
    /// The grade in English, e.g. "primary coordination".
    pub en: String,
    /// The grade as the Chinese literature names it, e.g. "初级协调".
    pub zh: String,
}

/// A grade found for a value: the English word with the Chinese term beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    pub en: String,
    pub zh: String,
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.en, self.zh)
    }
}

/// An ordered, contiguous set of bands and the closure of their inner boundaries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeTable {
    pub name: String,
    pub closure: Closure,
    pub bands: Vec<Band>,
}

fn band(lower: f64, upper: f64, en: &str, zh: &str) -> Band {
    Band { lower, upper, en: en.to_string(), zh: zh.to_string() }
}

impl GradeTable {
    /// The 10-grade table of the coupling coordination degree D (METHODS §4), `[a, b)`.
    pub fn coordination_d10() -> Self {
        let names = [
            ("extreme imbalance", "极度失调"),
            ("serious imbalance", "严重失调"),
            ("moderate imbalance", "中度失调"),
            ("mild imbalance", "轻度失调"),
            ("on the verge of imbalance", "濒临失调"),
            ("barely coordinated", "勉强协调"),
            ("primary coordination", "初级协调"),
            ("intermediate coordination", "中级协调"),
            ("good coordination", "良好协调"),
            ("high-quality coordination", "优质协调"),
        ];
        let bands = names
            .iter()
            .enumerate()
            .map(|(i, (en, zh))| band(i as f64 / 10.0, (i + 1) as f64 / 10.0, en, zh))
            .collect();
        Self { name: "D, 10 grades".into(), closure: Closure::Left, bands }
    }

    /// The four coupling stages of C (METHODS §4): (0, 0.3], (0.3, 0.5], (0.5, 0.8], (0.8, 1].
    pub fn coupling_stages() -> Self {
        Self {
            name: "C, four stages".into(),
            closure: Closure::Right,
            bands: vec![
                band(0.0, 0.3, "low-level coupling", "低水平耦合"),
                band(0.3, 0.5, "antagonism", "拮抗"),
                band(0.5, 0.8, "running-in", "磨合"),
                band(0.8, 1.0, "high-level coupling", "高水平耦合"),
            ],
        }
    }

    /// The four coupling bands of C (METHODS §4): [0, 0.3), [0.3, 0.6), [0.6, 0.8), [0.8, 1].
    pub fn coupling_bands() -> Self {
        Self {
            name: "C, four bands".into(),
            closure: Closure::Left,
            bands: vec![
                band(0.0, 0.3, "low coupling", "低度耦合"),
                band(0.3, 0.6, "moderate coupling", "中度耦合"),
                band(0.6, 0.8, "high coupling", "高度耦合"),
                band(0.8, 1.0, "extreme coupling", "极度耦合"),
            ],
        }
    }

    /// The common grading of the synergy degree (METHODS §3), `(a, b]`.
    pub fn synergy() -> Self {
        Self {
            name: "synergy, five grades".into(),
            closure: Closure::Right,
            bands: vec![
                band(-1.0, 0.0, "not synergetic", "非协同"),
                band(0.0, 0.3, "low synergy", "低度协同"),
                band(0.3, 0.6, "moderate synergy", "中度协同"),
                band(0.6, 0.9, "high synergy", "高度协同"),
                band(0.9, 1.0, "extreme synergy", "极度协同"),
            ],
        }
    }

    /// The same table with another closure of its inner boundaries.
    pub fn with_closure(mut self, closure: Closure) -> Self {
        self.closure = closure;
        self
    }

    /// Check that the bands are finite, non-empty, ascending and contiguous.
    pub fn validate(&self) -> Result<(), IndexError> {
        let bad = |why: String| IndexError::GradeTable { table: self.name.clone(), why };
        if self.bands.is_empty() {
            return Err(bad("it has no bands".into()));
        }
        for (i, b) in self.bands.iter().enumerate() {
            if !(b.lower.is_finite() && b.upper.is_finite() && b.lower < b.upper) {
                return Err(bad(format!(
                    "band {} \"{}\" has bounds [{}, {}]; expected finite lower < upper",
                    i + 1,
                    b.en,
                    b.lower,
                    b.upper
                )));
            }
            if let Some(next) = self.bands.get(i + 1)
                && next.lower != b.upper
            {
                return Err(bad(format!(
                    "band {} ends at {} but band {} starts at {}; bands must be ascending and \
                     contiguous",
                    i + 1,
                    b.upper,
                    i + 2,
                    next.lower
                )));
            }
        }
        Ok(())
    }

    /// The grade of `x`, or `None` when `x` lies outside the table (e.g. a legacy C above 1).
    pub fn grade(&self, x: f64) -> Option<Grade> {
        let n = self.bands.len();
        let found = self.bands.iter().enumerate().find(|(i, b)| {
            let lower_ok = match self.closure {
                Closure::Left => x >= b.lower,
                Closure::Right => x > b.lower || (*i == 0 && x == b.lower),
            };
            let upper_ok = match self.closure {
                Closure::Left => x < b.upper || (*i == n - 1 && x == b.upper),
                Closure::Right => x <= b.upper,
            };
            lower_ok && upper_ok
        });
        found.map(|(_, b)| Grade { en: b.en.clone(), zh: b.zh.clone() })
    }
}
