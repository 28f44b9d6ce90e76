//! CART (Breiman et al. 1984) for scenario discovery, as the EMA Workbench's `CART` uses
//! scikit-learn's trees: the best split at every node (Gini impurity for classes, squared
//! error for values), thresholds halfway between neighbouring values, at least
//! `mass_min * n` points per leaf (truncated, and at least one), no depth limit unless given.
//! Each leaf is read as a box: a left branch (`x <= t`) sets the input's upper limit to `t`,
//! a right branch its lower limit. A category enters the tree as one 0/1 column per level
//! (as `pandas.get_dummies`, after the numbers); a left branch removes the level from the
//! box, a right branch keeps only that level (the Workbench leaves the set unchanged on a
//! right branch, which overstates such a leaf's mass; here the box is the leaf).
//!
//! Splits are searched on float32 copies of the numbers, as scikit-learn does, so that the
//! thresholds are the same. scikit-learn visits the features in a random order and keeps the first best split, so
//! only exact ties between two features can differ from it; here features go in column order.

use serde::{Deserialize, Serialize};

use crate::tree::{Node, Rules, Target, grow_best};
use crate::{BoxLimits, DiscoverError, Inputs, Kind, Limit, box_stats, check_len};

/// CART's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CartParams {
    /// Smallest leaf, as a share of the points (0 <= mass_min < 0.5).
    pub mass_min: f64,
    /// Deepest leaf (root = 0); `None` grows until the other rules stop it.
    pub max_depth: Option<usize>,
}

impl Default for CartParams {
    fn default() -> Self {
        CartParams { mass_min: 0.05, max_depth: None }
    }
}

/// A leaf of the tree as a box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaf {
    /// The node id (depth-first, left first, as scikit-learn's).
    pub node: usize,
    pub limits: BoxLimits,
    pub restricted: Vec<usize>,
    /// Points in the leaf while growing.
    pub n: usize,
    /// Share of all points inside the box.
    pub mass: f64,
    /// For a yes/no outcome: coverage and density of the box over all points.
    pub coverage: Option<f64>,
    pub density: Option<f64>,
    /// Class counts in the leaf, or its mean.
    pub value: Vec<f64>,
}

/// A grown tree: its leaves as boxes, in node order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cart {
    pub leaves: Vec<Leaf>,
    /// Nodes of the tree (splits and leaves).
    pub nodes: usize,
    pub depth: usize,
}

/// A feature of the tree: a number column, or level `l` of a category column.
#[derive(Debug, Clone, Copy)]
enum Feature {
    Number(usize),
    Level(usize, u32),
}

fn features(x: &Inputs) -> (Vec<Feature>, Vec<Vec<f64>>) {
    let mut f = Vec::new();
    let mut cols = Vec::new();
    for (j, c) in x.columns().iter().enumerate() {
        if !matches!(c.kind, Kind::Categorical { .. }) {
            f.push(Feature::Number(j));
            // scikit-learn grows trees on float32 copies of the inputs; its thresholds are
            // midpoints of float32 values.
            cols.push(c.values.iter().map(|&v| f64::from(v as f32)).collect());
        }
    }
    for (j, c) in x.columns().iter().enumerate() {
        if let Kind::Categorical { levels } = &c.kind {
            for l in 0..levels.len() as u32 {
                f.push(Feature::Level(j, l));
                cols.push(
                    c.values.iter().map(|&v| if v as u32 == l { 1.0 } else { 0.0 }).collect(),
                );
            }
        }
    }
    (f, cols)
}

fn grow(
    x: &Inputs,
    t: Target<'_>,
    params: &CartParams,
) -> Result<(Vec<Feature>, Vec<Node>), DiscoverError> {
    if !(params.mass_min >= 0.0 && params.mass_min < 0.5) {
        return Err(DiscoverError::Params {
            field: "mass_min",
            message: format!("expected 0 <= mass_min < 0.5, got {}", params.mass_min),
        });
    }
    let (feats, cols) = features(x);
    let refs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
    let samples: Vec<u32> = (0..x.n() as u32).collect();
    let rules = Rules {
        min_samples_leaf: ((params.mass_min * x.n() as f64) as usize).max(1),
        min_samples_split: 2,
        max_depth: params.max_depth,
    };
    Ok((feats, grow_best(&refs, t, &samples, rules)))
}

fn leaves(x: &Inputs, feats: &[Feature], nodes: &[Node]) -> (Vec<(usize, BoxLimits)>, usize) {
    let full = x.full_box();
    let mut out = Vec::new();
    let mut depth = 0;
    // Depth-first from the root, carrying the box.
    let mut stack = vec![(0usize, full, 0usize)];
    while let Some((id, b, d)) = stack.pop() {
        depth = depth.max(d);
        let node = &nodes[id];
        let Some(f) = node.feature else {
            out.push((id, b));
            continue;
        };
        let (mut l, mut r) = (b.clone(), b);
        match feats[f] {
            Feature::Number(j) => {
                if let Limit::Range { high, .. } = &mut l.limits[j] {
                    *high = node.threshold;
                }
                if let Limit::Range { low, .. } = &mut r.limits[j] {
                    *low = node.threshold;
                }
            }
            Feature::Level(j, level) => {
                if let Limit::Set(s) = &mut l.limits[j] {
                    s.retain(|&v| v != level);
                }
                r.limits[j] = Limit::Set(vec![level]);
            }
        }
        stack.push((node.right, r, d + 1));
        stack.push((node.left, l, d + 1));
    }
    out.sort_by_key(|(id, _)| *id);
    (out, depth)
}

fn assemble(x: &Inputs, feats: &[Feature], nodes: &[Node], y: Option<&[bool]>) -> Cart {
    let full = x.full_box();
    let (boxes, depth) = leaves(x, feats, nodes);
    let leaves = boxes
        .into_iter()
        .map(|(id, b)| {
            let stats = y.map(|y| box_stats(x, y, &b));
            let mass = match &stats {
                Some(s) => s.mass,
                None => (0..x.n()).filter(|&i| b.contains(x, i)).count() as f64 / x.n() as f64,
            };
            Leaf {
                node: id,
                restricted: b.restricted(&full),
                limits: b,
                n: nodes[id].n,
                mass,
                coverage: stats.map(|s| s.coverage),
                density: stats.map(|s| s.density),
                value: nodes[id].value.clone(),
            }
        })
        .collect();
    Cart { leaves, nodes: nodes.len(), depth }
}

/// A classification tree of a yes/no outcome; each leaf with its coverage and density.
pub fn cart_binary(x: &Inputs, y: &[bool], params: &CartParams) -> Result<Cart, DiscoverError> {
    check_len("the outcome", x.n(), y.len())?;
    let classes: Vec<u32> = y.iter().map(|&v| u32::from(v)).collect();
    let (feats, nodes) = grow(x, Target::Classes { y: &classes, classes: 2 }, params)?;
    Ok(assemble(x, &feats, &nodes, Some(y)))
}

/// A classification tree of class indices `0..classes`.
pub fn cart_classes(
    x: &Inputs,
    y: &[u32],
    classes: usize,
    params: &CartParams,
) -> Result<Cart, DiscoverError> {
    check_len("the outcome", x.n(), y.len())?;
    if let Some(i) = y.iter().position(|&c| c as usize >= classes) {
        return Err(DiscoverError::Params {
            field: "classes",
            message: format!("point {i}: class {} >= {classes}", y[i]),
        });
    }
    let (feats, nodes) = grow(x, Target::Classes { y, classes }, params)?;
    Ok(assemble(x, &feats, &nodes, None))
}

/// A regression tree of a real outcome; each leaf's value is its mean.
pub fn cart_regression(x: &Inputs, y: &[f64], params: &CartParams) -> Result<Cart, DiscoverError> {
    check_len("the outcome", x.n(), y.len())?;
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(DiscoverError::Params {
            field: "outcome",
            message: format!("point {i}: {} is not a finite number", y[i]),
        });
    }
    let (feats, nodes) = grow(x, Target::Values(y), params)?;
    Ok(assemble(x, &feats, &nodes, None))
}
