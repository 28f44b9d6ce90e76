//! Scenario discovery and robustness over the design points of a sweep: pure functions of
//! plain numbers (no files, no clock; every random draw from a seed passed in).
//!
//! - [`Inputs`] holds the uncertain inputs column by column (real, integer or categorical),
//!   and [`BoxLimits`] a box in that space (a range per number, a set of levels per category).
//! - [`prim`] is the Patient Rule Induction Method as the EMA Workbench runs it (Friedman and
//!   Fisher 1999; Bryant and Lempert 2010; Kwakkel 2017): peeling with `peel_alpha`, pasting
//!   with `paste_alpha`, the lenient objective, the peeling trajectory with coverage, density,
//!   mass and restricted dimensions, one-sided quasi-p values per restriction (binomial, as the
//!   Workbench, and hypergeometric), box selection on the trajectory, and the resampling
//!   stability of each restriction. Peeling works on per-column sorted indices, so each step
//!   costs one pass over the points left in the box.
//! - [`cart`] grows classification and regression trees (Breiman et al. 1984, with
//!   scikit-learn's stopping rules and thresholds) and reads each leaf as a box.
//! - [`scoring`] ranks the inputs by extra-trees importance (Geurts et al. 2006; mean decrease
//!   in impurity), trees grown in parallel from per-tree seeds, so the scores are the same on
//!   one thread or many.
//! - [`robust`] gives, per mode of one outcome across design points, the mean and percentiles,
//!   minimax and 90th-percentile regret, the satisficing share against a threshold and the
//!   signal-to-noise ratio, and ranks the modes by each.
//!
//! ```
//! use symbiont_discover::{Column, Inputs, prim::{PrimParams, prim}};
//! // y is true where both inputs are above 0.7: PRIM should restrict both.
//! let n = 400;
//! let a: Vec<f64> = (0..n).map(|i| ((i * 37) % n) as f64 / n as f64).collect();
//! let b: Vec<f64> = (0..n).map(|i| ((i * 91) % n) as f64 / n as f64).collect();
//! let y: Vec<bool> = a.iter().zip(&b).map(|(a, b)| *a > 0.7 && *b > 0.7).collect();
//! let x = Inputs::new(vec![Column::real("a", a), Column::real("b", b)]).unwrap();
//! let run = prim(&x, &y, &PrimParams::default()).unwrap();
//! let last = run.trajectory.last().unwrap();
//! assert_eq!(last.res_dim, 2);
//! assert!(last.density > 0.9);
//! ```

pub mod cart;
pub mod prim;
pub mod robust;
pub mod scoring;
pub mod stats;
mod tree;

use serde::{Deserialize, Serialize};

/// Why an analysis cannot run: bad input, named by column or parameter.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DiscoverError {
    #[error("input `{column}`: {message}")]
    Input { column: String, message: String },
    #[error("{field}: {message}")]
    Params { field: &'static str, message: String },
    #[error("{what} has {got} values for {expected} design points")]
    Length { what: &'static str, expected: usize, got: usize },
    #[error("no inputs: give at least one column")]
    NoInputs,
    #[error("no design points")]
    Empty,
}

/// How an input is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Kind {
    /// A real number: boxes restrict it to a range.
    Real,
    /// A whole number: peeled on whole values (the Workbench's discrete peel).
    Integer,
    /// One of `levels`, stored as its index: boxes restrict it to a set of levels.
    Categorical { levels: Vec<String> },
}

/// One input, a value per design point.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    pub values: Vec<f64>,
}

impl Column {
    pub fn real(name: impl Into<String>, values: Vec<f64>) -> Column {
        Column { name: name.into(), kind: Kind::Real, values }
    }
    pub fn integer(name: impl Into<String>, values: Vec<f64>) -> Column {
        Column { name: name.into(), kind: Kind::Integer, values }
    }
    pub fn categorical(name: impl Into<String>, levels: Vec<String>, codes: Vec<f64>) -> Column {
        Column { name: name.into(), kind: Kind::Categorical { levels }, values: codes }
    }
}

/// The uncertain inputs of the design points, column-major and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    columns: Vec<Column>,
    n: usize,
}

impl Inputs {
    /// Check the columns: equal lengths, finite values, whole numbers for integers, level
    /// indices in range for categories.
    pub fn new(columns: Vec<Column>) -> Result<Inputs, DiscoverError> {
        let Some(first) = columns.first() else { return Err(DiscoverError::NoInputs) };
        let n = first.values.len();
        if n == 0 {
            return Err(DiscoverError::Empty);
        }
        for c in &columns {
            let bad = |message: String| DiscoverError::Input { column: c.name.clone(), message };
            if c.values.len() != n {
                return Err(bad(format!("{} values, expected {n}", c.values.len())));
            }
            if let Some(i) = c.values.iter().position(|v| !v.is_finite()) {
                return Err(bad(format!("point {i}: {} is not a finite number", c.values[i])));
            }
            match &c.kind {
                Kind::Real => {}
                Kind::Integer => {
                    if let Some(i) = c.values.iter().position(|v| v.fract() != 0.0) {
                        return Err(bad(format!(
                            "point {i}: {} is not a whole number",
                            c.values[i]
                        )));
                    }
                }
                Kind::Categorical { levels } => {
                    if let Some(i) = c
                        .values
                        .iter()
                        .position(|v| v.fract() != 0.0 || *v < 0.0 || *v as usize >= levels.len())
                    {
                        return Err(bad(format!(
                            "point {i}: {} is not a level index below {}",
                            c.values[i],
                            levels.len()
                        )));
                    }
                }
            }
        }
        Ok(Inputs { columns, n })
    }

    /// Number of design points.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of inputs.
    pub fn k(&self) -> usize {
        self.columns.len()
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn column(&self, j: usize) -> &Column {
        &self.columns[j]
    }

    /// The rows `rows` (in that order) as new inputs.
    pub fn subset(&self, rows: &[u32]) -> Inputs {
        let columns = self
            .columns
            .iter()
            .map(|c| Column {
                name: c.name.clone(),
                kind: c.kind.clone(),
                values: rows.iter().map(|&r| c.values[r as usize]).collect(),
            })
            .collect();
        Inputs { columns, n: rows.len() }
    }

    /// The box that holds every point: each number's range, every category's levels present.
    pub fn full_box(&self) -> BoxLimits {
        BoxLimits {
            limits: self
                .columns
                .iter()
                .map(|c| match c.kind {
                    Kind::Categorical { .. } => {
                        let mut set: Vec<u32> = c.values.iter().map(|&v| v as u32).collect();
                        set.sort_unstable();
                        set.dedup();
                        Limit::Set(set)
                    }
                    _ => {
                        let (lo, hi) = c
                            .values
                            .iter()
                            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                                (a.min(v), b.max(v))
                            });
                        Limit::Range { low: lo, high: hi }
                    }
                })
                .collect(),
        }
    }
}

/// A box's limit on one input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Limit {
    /// `low <= x <= high` (both ends included, as in the Workbench).
    Range { low: f64, high: f64 },
    /// The level indices allowed, ascending.
    Set(Vec<u32>),
}

impl Limit {
    /// Whether value `v` of this input is inside.
    #[inline]
    pub fn holds(&self, v: f64) -> bool {
        match self {
            Limit::Range { low, high } => *low <= v && v <= *high,
            Limit::Set(s) => s.binary_search(&(v as u32)).is_ok(),
        }
    }
}

/// A box: one limit per input, in the order of the inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoxLimits {
    pub limits: Vec<Limit>,
}

impl BoxLimits {
    /// Whether point `i` of `x` is inside.
    pub fn contains(&self, x: &Inputs, i: usize) -> bool {
        self.limits.iter().zip(&x.columns).all(|(l, c)| l.holds(c.values[i]))
    }

    /// The inputs this box restricts compared with `full` (their positions).
    pub fn restricted(&self, full: &BoxLimits) -> Vec<usize> {
        (0..self.limits.len()).filter(|&j| self.limits[j] != full.limits[j]).collect()
    }
}

/// Coverage, density and mass of a box for a yes/no outcome over all of `x`'s points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoxStats {
    /// Share of all cases of interest that fall inside.
    pub coverage: f64,
    /// Share of the points inside that are cases of interest.
    pub density: f64,
    /// Share of all points that fall inside.
    pub mass: f64,
    /// Points inside.
    pub n: usize,
    /// Cases of interest inside.
    pub k: usize,
}

/// Stats of `b` over every point of `x` for the outcome `y`.
pub fn box_stats(x: &Inputs, y: &[bool], b: &BoxLimits) -> BoxStats {
    let total = y.iter().filter(|&&v| v).count();
    let (mut n, mut k) = (0usize, 0usize);
    for (i, &yi) in y.iter().enumerate() {
        if b.contains(x, i) {
            n += 1;
            k += usize::from(yi);
        }
    }
    BoxStats {
        coverage: k as f64 / total.max(1) as f64,
        density: if n > 0 { k as f64 / n as f64 } else { 0.0 },
        mass: n as f64 / x.n() as f64,
        n,
        k,
    }
}

fn check_len(what: &'static str, expected: usize, got: usize) -> Result<(), DiscoverError> {
    if expected != got {
        return Err(DiscoverError::Length { what, expected, got });
    }
    Ok(())
}

/// A seeded generator for stream `path` under `seed` (ChaCha8 from a derived seed).
pub(crate) fn rng(seed: u64, path: &[u64]) -> rand_chacha::ChaCha8Rng {
    use rand::SeedableRng;
    rand_chacha::ChaCha8Rng::seed_from_u64(symbiont_model::seed::derive(seed, path))
}
