//! Feature scores: how much each input explains an outcome, by the mean decrease in impurity
//! over a forest of extremely randomised trees (Geurts et al. 2006), with the EMA Workbench's
//! defaults for `get_ex_feature_scores`: 100 trees on bootstrap samples, `round(k / 3)` (at
//! least 1) candidate inputs per split, at least `max(1, round(sqrt(n / 1000)))` points per
//! leaf. Scores sum to 1.
//!
//! Tree `t` draws from its own stream `(seed, "tree", t)` and the trees' scores are added in
//! tree order, so the scores are identical on one thread or many. A category is scored by its
//! level index (as the Workbench's `cat.codes`).

use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use symbiont_model::seed::label;

use crate::tree::{Rules, Target, grow_random};
use crate::{DiscoverError, Inputs, check_len, rng};

/// Forest parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoreParams {
    pub trees: usize,
    /// Candidate inputs per split (default `round(k / 3)`, at least 1).
    pub max_features: Option<usize>,
    /// Smallest leaf (default `max(1, round(sqrt(n) / sqrt(1000)))`).
    pub min_samples_leaf: Option<usize>,
    pub seed: u64,
}

impl Default for ScoreParams {
    fn default() -> Self {
        ScoreParams { trees: 100, max_features: None, min_samples_leaf: None, seed: 1 }
    }
}

fn forest(x: &Inputs, t: Target<'_>, p: &ScoreParams) -> Result<Vec<f64>, DiscoverError> {
    if p.trees == 0 {
        return Err(DiscoverError::Params {
            field: "trees",
            message: "expected at least 1 tree".into(),
        });
    }
    let (n, k) = (x.n(), x.k());
    let max_features = p.max_features.unwrap_or(((k as f64) / 3.0).round() as usize).clamp(1, k);
    let min_leaf =
        p.min_samples_leaf.unwrap_or(((n as f64).sqrt() / 1000f64.sqrt()).round() as usize).max(1);
    let rules = Rules { min_samples_leaf: min_leaf, min_samples_split: 2, max_depth: None };
    let cols: Vec<&[f64]> = x.columns().iter().map(|c| c.values.as_slice()).collect();
    let per_tree: Vec<Vec<f64>> = (0..p.trees)
        .into_par_iter()
        .map(|tree| {
            let mut r = rng(p.seed, &[label("tree"), tree as u64]);
            let mut samples: Vec<u32> = (0..n).map(|_| r.random_range(0..n as u32)).collect();
            let mut imp = grow_random(&cols, t, &mut samples, rules, max_features, &mut r);
            let total: f64 = imp.iter().sum();
            if total > 0.0 {
                imp.iter_mut().for_each(|v| *v /= total);
            }
            imp
        })
        .collect();
    let mut out = vec![0.0; k];
    for imp in &per_tree {
        for (o, v) in out.iter_mut().zip(imp) {
            *o += v;
        }
    }
    let total: f64 = out.iter().sum();
    if total > 0.0 {
        out.iter_mut().for_each(|v| *v /= total);
    }
    Ok(out)
}

/// Scores of every input for a yes/no outcome (Gini impurity).
pub fn extra_trees_binary(
    x: &Inputs,
    y: &[bool],
    p: &ScoreParams,
) -> Result<Vec<f64>, DiscoverError> {
    check_len("the outcome", x.n(), y.len())?;
    let classes: Vec<u32> = y.iter().map(|&v| u32::from(v)).collect();
    forest(x, Target::Classes { y: &classes, classes: 2 }, p)
}

/// Scores of every input for a real outcome (squared error).
pub fn extra_trees_regression(
    x: &Inputs,
    y: &[f64],
    p: &ScoreParams,
) -> Result<Vec<f64>, DiscoverError> {
    check_len("the outcome", x.n(), y.len())?;
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(DiscoverError::Params {
            field: "outcome",
            message: format!("point {i}: {} is not a finite number", y[i]),
        });
    }
    forest(x, Target::Values(y), p)
}
