//! The decision matrix the index methods work on: rows (region-years) × indicators.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Whether larger values of an indicator are better (benefit, 正向) or worse (cost, 负向).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Benefit,
    Cost,
}

impl FromStr for Direction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "benefit" | "positive" | "+" => Ok(Self::Benefit),
            "cost" | "negative" | "-" => Ok(Self::Cost),
            other => Err(format!("\"{other}\" is not a direction; expected benefit or cost")),
        }
    }
}

/// A checked matrix of finite values: `values[row][indicator]`, with names kept for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Criteria {
    /// Indicator names (columns).
    pub names: Vec<String>,
    /// One direction per indicator.
    pub directions: Vec<Direction>,
    /// Row labels, e.g. "LAO 2005", used only in error messages and outputs.
    pub rows: Vec<String>,
    /// Row-major values; every row has one value per indicator.
    pub values: Vec<Vec<f64>>,
}

impl Criteria {
    /// Build a matrix where every indicator is a benefit indicator (handy for tests).
    pub fn benefit(names: &[&str], values: Vec<Vec<f64>>) -> Self {
        let rows = (1..=values.len()).map(|i| format!("row {i}")).collect();
        Self {
            names: names.iter().map(|s| s.to_string()).collect(),
            directions: vec![Direction::Benefit; names.len()],
            rows,
            values,
        }
    }

    /// The same matrix with the given directions.
    pub fn with_directions(mut self, directions: Vec<Direction>) -> Self {
        self.directions = directions;
        self
    }

    pub fn n_rows(&self) -> usize {
        self.values.len()
    }

    pub fn n_indicators(&self) -> usize {
        self.names.len()
    }

    /// Column `j` as a vector.
    pub fn column(&self, j: usize) -> Vec<f64> {
        self.values.iter().map(|r| r[j]).collect()
    }
}

pub(crate) fn min_max(xs: &[f64]) -> (f64, f64) {
    xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)))
}
