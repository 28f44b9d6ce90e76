//! Decision trees shared by CART (best splits on presorted columns) and extra trees (random
//! thresholds), with scikit-learn's impurity arithmetic and stopping rules.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Values closer than this count as equal when looking for split positions (scikit-learn's
/// `FEATURE_THRESHOLD`).
const FEATURE_THRESHOLD: f64 = 1e-7;

/// What a tree predicts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target<'a> {
    /// Class indices `0..classes` (Gini impurity).
    Classes { y: &'a [u32], classes: usize },
    /// Real values (squared error).
    Values(&'a [f64]),
}

/// Accumulated node statistics: class counts, or (sum, sum of squares).
#[derive(Debug, Clone)]
struct Acc {
    w: f64,
    counts: Vec<f64>,
    sum: f64,
    sq: f64,
}

impl Acc {
    fn new(t: &Target<'_>) -> Acc {
        let c = match t {
            Target::Classes { classes, .. } => *classes,
            Target::Values(_) => 0,
        };
        Acc { w: 0.0, counts: vec![0.0; c], sum: 0.0, sq: 0.0 }
    }
    #[inline]
    fn add(&mut self, t: &Target<'_>, i: usize) {
        self.w += 1.0;
        match t {
            Target::Classes { y, .. } => self.counts[y[i] as usize] += 1.0,
            Target::Values(y) => {
                self.sum += y[i];
                self.sq += y[i] * y[i];
            }
        }
    }
    fn minus(&self, other: &Acc) -> Acc {
        Acc {
            w: self.w - other.w,
            counts: self.counts.iter().zip(&other.counts).map(|(a, b)| a - b).collect(),
            sum: self.sum - other.sum,
            sq: self.sq - other.sq,
        }
    }
    fn impurity(&self, t: &Target<'_>) -> f64 {
        match t {
            Target::Classes { .. } => {
                let sq: f64 = self.counts.iter().map(|c| c * c).sum();
                1.0 - sq / (self.w * self.w)
            }
            Target::Values(_) => {
                let m = self.sum / self.w;
                self.sq / self.w - m * m
            }
        }
    }
    /// scikit-learn's proxy of the impurity improvement of a split of `total` into `self`
    /// and the rest (computed without building the rest: this runs at every split position).
    fn proxy(&self, total: &Acc, t: &Target<'_>) -> f64 {
        let wr = total.w - self.w;
        match t {
            Target::Classes { .. } => {
                let (mut sl, mut sr) = (0.0, 0.0);
                for (l, a) in self.counts.iter().zip(&total.counts) {
                    sl += l * l;
                    sr += (a - l) * (a - l);
                }
                let gl = 1.0 - sl / (self.w * self.w);
                let gr = 1.0 - sr / (wr * wr);
                -wr * gr - self.w * gl
            }
            Target::Values(_) => {
                let sr = total.sum - self.sum;
                self.sum * self.sum / self.w + sr * sr / wr
            }
        }
    }
    /// Class counts, or the mean.
    fn value(&self) -> Vec<f64> {
        if self.counts.is_empty() { vec![self.sum / self.w] } else { self.counts.clone() }
    }
}

/// A node: a split on `feature` at `threshold` (left: `x <= threshold`), or a leaf.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub feature: Option<usize>,
    pub threshold: f64,
    pub left: usize,
    pub right: usize,
    pub n: usize,
    pub impurity: f64,
    /// Class counts, or the mean.
    pub value: Vec<f64>,
}

/// Stopping rules.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules {
    pub min_samples_leaf: usize,
    pub min_samples_split: usize,
    pub max_depth: Option<usize>,
}

impl Rules {
    fn leaf(&self, n: usize, depth: usize, impurity: f64) -> bool {
        self.max_depth.is_some_and(|d| depth >= d)
            || n < self.min_samples_split
            || n < 2 * self.min_samples_leaf
            || impurity <= f64::EPSILON
    }
}

struct Pending {
    start: usize,
    end: usize,
    depth: usize,
    parent: Option<(usize, bool)>,
}

fn link(nodes: &mut [Node], parent: Option<(usize, bool)>, id: usize) {
    if let Some((p, left)) = parent {
        if left {
            nodes[p].left = id;
        } else {
            nodes[p].right = id;
        }
    }
}

/// A tree with the best split at every node (CART), on columns `x` (feature-major).
/// Node ids are in depth-first order, left child first, as scikit-learn numbers them.
pub(crate) fn grow_best(x: &[&[f64]], t: Target<'_>, samples: &[u32], rules: Rules) -> Vec<Node> {
    let k = x.len();
    let m = samples.len();
    // Per feature, the samples sorted by value; every node is the same range in each.
    let mut ord: Vec<Vec<u32>> = x
        .iter()
        .map(|col| {
            let mut s = samples.to_vec();
            s.sort_by(|&a, &b| col[a as usize].total_cmp(&col[b as usize]));
            s
        })
        .collect();
    let n_all = samples.iter().map(|&i| i as usize + 1).max().unwrap_or(0);
    let mut goes_left = vec![false; n_all];
    let mut buf: Vec<u32> = Vec::with_capacity(m);
    let mut nodes: Vec<Node> = Vec::new();
    let mut stack = vec![Pending { start: 0, end: m, depth: 0, parent: None }];
    while let Some(p) = stack.pop() {
        let mut acc = Acc::new(&t);
        let here: &[u32] = if k == 0 { samples } else { &ord[0][p.start..p.end] };
        for &i in here {
            acc.add(&t, i as usize);
        }
        let impurity = acc.impurity(&t);
        let id = nodes.len();
        nodes.push(Node {
            feature: None,
            threshold: f64::NAN,
            left: usize::MAX,
            right: usize::MAX,
            n: p.end - p.start,
            impurity,
            value: acc.value(),
        });
        link(&mut nodes, p.parent, id);
        if k == 0 || rules.leaf(p.end - p.start, p.depth, impurity) {
            continue;
        }
        let mut best: Option<(f64, usize, usize, f64)> = None; // proxy, feature, pos, threshold
        for (f, col) in x.iter().enumerate() {
            let s = &ord[f][p.start..p.end];
            let v = |i: usize| col[s[i] as usize];
            let n = s.len();
            if v(n - 1) <= v(0) + FEATURE_THRESHOLD {
                continue;
            }
            let mut left = Acc::new(&t);
            let mut q = 0;
            while q < n {
                // Move to the last of a run of (nearly) equal values.
                while q + 1 < n && v(q + 1) <= v(q) + FEATURE_THRESHOLD {
                    left.add(&t, s[q] as usize);
                    q += 1;
                }
                left.add(&t, s[q] as usize);
                q += 1;
                if q >= n {
                    break;
                }
                if q < rules.min_samples_leaf || n - q < rules.min_samples_leaf {
                    continue;
                }
                let proxy = left.proxy(&acc, &t);
                if best.is_none_or(|b| proxy > b.0) {
                    let mut th = v(q - 1) / 2.0 + v(q) / 2.0;
                    if th == v(q) || !th.is_finite() {
                        th = v(q - 1);
                    }
                    best = Some((proxy, f, q, th));
                }
            }
        }
        let Some((_, f, q, th)) = best else { continue };
        nodes[id].feature = Some(f);
        nodes[id].threshold = th;
        for &i in &ord[f][p.start..p.start + q] {
            goes_left[i as usize] = true;
        }
        for o in ord.iter_mut() {
            let s = &mut o[p.start..p.end];
            buf.clear();
            buf.extend(s.iter().copied().filter(|&i| goes_left[i as usize]));
            buf.extend(s.iter().copied().filter(|&i| !goes_left[i as usize]));
            s.copy_from_slice(&buf);
        }
        for &i in &ord[f][p.start..p.start + q] {
            goes_left[i as usize] = false;
        }
        let mid = p.start + q;
        stack.push(Pending {
            start: mid,
            end: p.end,
            depth: p.depth + 1,
            parent: Some((id, false)),
        });
        stack.push(Pending {
            start: p.start,
            end: mid,
            depth: p.depth + 1,
            parent: Some((id, true)),
        });
    }
    nodes
}

/// An extremely randomised tree (Geurts et al. 2006) on `samples` (a bootstrap, so with
/// repeats): at each node, up to `max_features` non-constant features in random order, each
/// with a threshold drawn uniformly between its smallest and largest value in the node; the
/// best of them splits. Returns the impurity decrease credited to each feature.
pub(crate) fn grow_random(
    x: &[&[f64]],
    t: Target<'_>,
    samples: &mut [u32],
    rules: Rules,
    max_features: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<f64> {
    let k = x.len();
    let mut importance = vec![0.0; k];
    let mut features: Vec<usize> = (0..k).collect();
    let mut stack = vec![Pending { start: 0, end: samples.len(), depth: 0, parent: None }];
    while let Some(p) = stack.pop() {
        let node = &mut samples[p.start..p.end];
        let n = node.len();
        let mut acc = Acc::new(&t);
        for &i in node.iter() {
            acc.add(&t, i as usize);
        }
        let impurity = acc.impurity(&t);
        if k == 0 || rules.leaf(n, p.depth, impurity) {
            continue;
        }
        let mut best: Option<(f64, usize, f64, Acc, Acc)> = None;
        let mut visited = 0;
        let mut f_i = k;
        while f_i > 0 && visited < max_features {
            let pick = rng.random_range(0..f_i);
            f_i -= 1;
            features.swap(pick, f_i);
            let f = features[f_i];
            let col = x[f];
            let (lo, hi) = node.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &i| {
                (a.min(col[i as usize]), b.max(col[i as usize]))
            });
            if hi <= lo + FEATURE_THRESHOLD {
                continue;
            }
            visited += 1;
            let mut th = lo + (hi - lo) * rng.random::<f64>();
            if th >= hi {
                th = lo;
            }
            let mut left = Acc::new(&t);
            for &i in node.iter() {
                if col[i as usize] <= th {
                    left.add(&t, i as usize);
                }
            }
            let nl = left.w as usize;
            if nl < rules.min_samples_leaf || n - nl < rules.min_samples_leaf {
                continue;
            }
            let proxy = left.proxy(&acc, &t);
            if best.as_ref().is_none_or(|b| proxy > b.0) {
                let right = acc.minus(&left);
                best = Some((proxy, f, th, left, right));
            }
        }
        let Some((_, f, th, left, right)) = best else { continue };
        importance[f] +=
            n as f64 * impurity - left.w * left.impurity(&t) - right.w * right.impurity(&t);
        let col = x[f];
        // Partition in place: left part first.
        let mut a = 0;
        for b in 0..n {
            if col[node[b] as usize] <= th {
                node.swap(a, b);
                a += 1;
            }
        }
        let mid = p.start + a;
        stack.push(Pending { start: mid, end: p.end, depth: p.depth + 1, parent: None });
        stack.push(Pending { start: p.start, end: mid, depth: p.depth + 1, parent: None });
    }
    importance
}
