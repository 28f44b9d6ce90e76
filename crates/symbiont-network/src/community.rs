//! Communities by Louvain modularity optimisation (Blondel et al. 2008), with a seeded RNG.
//!
//! Written here rather than taken from `graphrs` because that crate pins rand 0.8 and
//! draws its own randomness; we need the project's rand 0.10 stream passed in so that a
//! result is reproducible from its seed. Directions are ignored: the graph is symmetrised with
//! `w_ij + w_ji`, as networkx's `louvain_communities` does for `G.to_undirected()` with summed
//! weights.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::Digraph;

/// A partition of the nodes and its modularity.
#[derive(Debug, Clone, PartialEq)]
pub struct Communities {
    /// `membership[v]` is the community of node `v`, numbered from 0 in order of first node.
    pub membership: Vec<usize>,
    pub count: usize,
    pub modularity: f64,
}

/// A symmetric weighted graph in adjacency-list form. Self-loop entries hold twice the
/// internal weight so that `k_i = sum_j a_ij` and `2m = sum_i k_i` hold at every level.
struct Sym {
    adj: Vec<Vec<(usize, f64)>>,
}

impl Sym {
    fn from_digraph(g: &Digraph, weighted: bool) -> Sym {
        let n = g.node_count();
        let mut adj: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        for (s, t, w) in g.edges() {
            let w = if weighted { w } else { 1.0 };
            adj[s].push((t, w));
            adj[t].push((s, w));
        }
        for row in &mut adj {
            merge_row(row);
        }
        Sym { adj }
    }

    fn degree(&self, v: usize) -> f64 {
        self.adj[v].iter().map(|&(_, w)| w).sum()
    }
}

fn merge_row(row: &mut Vec<(usize, f64)>) {
    row.sort_by_key(|&(u, _)| u);
    let mut out: Vec<(usize, f64)> = Vec::with_capacity(row.len());
    for &(u, w) in row.iter() {
        match out.last_mut() {
            Some((lu, lw)) if *lu == u => *lw += w,
            _ => out.push((u, w)),
        }
    }
    *row = out;
}

/// Modularity of a partition of `g` (symmetrised, weighted or not) at `resolution`.
///
/// `Q = sum_c [ in_c / 2m - resolution * (tot_c / 2m)^2 ]`, networkx's `modularity` on the
/// undirected graph with summed weights. Zero for a graph without edges.
pub fn modularity(g: &Digraph, membership: &[usize], weighted: bool, resolution: f64) -> f64 {
    let sym = Sym::from_digraph(g, weighted);
    modularity_sym(&sym, membership, resolution)
}

fn modularity_sym(sym: &Sym, membership: &[usize], resolution: f64) -> f64 {
    let k = membership.iter().copied().max().map_or(0, |m| m + 1);
    let mut inside = vec![0.0; k];
    let mut tot = vec![0.0; k];
    let mut m2 = 0.0;
    for (v, row) in sym.adj.iter().enumerate() {
        for &(u, w) in row {
            m2 += w;
            tot[membership[v]] += w;
            if membership[u] == membership[v] {
                inside[membership[v]] += w;
            }
        }
    }
    if m2 == 0.0 {
        return 0.0;
    }
    (0..k).map(|c| inside[c] / m2 - resolution * (tot[c] / m2).powi(2)).sum()
}

/// Louvain communities of `g`. The node visiting order is shuffled with a ChaCha8 stream
/// seeded by `seed`, so equal seeds give equal partitions on any machine.
pub fn louvain(g: &Digraph, weighted: bool, resolution: f64, seed: u64) -> Communities {
    let n = g.node_count();
    let base = Sym::from_digraph(g, weighted);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // membership of the original nodes in the current level's nodes
    let mut membership: Vec<usize> = (0..n).collect();
    let mut level = Sym { adj: base.adj.clone() };
    loop {
        let (moved, part) = one_level(&level, resolution, &mut rng);
        if !moved {
            break;
        }
        let k = part.iter().copied().max().map_or(0, |m| m + 1);
        for c in membership.iter_mut() {
            *c = part[*c];
        }
        // Aggregate: one node per community, edge weights summed (loops included).
        let mut adj: Vec<Vec<(usize, f64)>> = vec![Vec::new(); k];
        for (v, row) in level.adj.iter().enumerate() {
            for &(u, w) in row {
                adj[part[v]].push((part[u], w));
            }
        }
        for row in &mut adj {
            merge_row(row);
        }
        level = Sym { adj };
    }
    let membership = renumber(&membership);
    let count = membership.iter().copied().max().map_or(0, |m| m + 1);
    let modularity = modularity_sym(&base, &membership, resolution);
    Communities { membership, count, modularity }
}

/// Number communities 0, 1, ... in the order their first node appears.
fn renumber(membership: &[usize]) -> Vec<usize> {
    let mut map = std::collections::HashMap::new();
    membership
        .iter()
        .map(|&c| {
            let next = map.len();
            *map.entry(c).or_insert(next)
        })
        .collect()
}

/// Local moving on one level. Returns whether any node moved and the (renumbered) partition.
fn one_level(sym: &Sym, resolution: f64, rng: &mut ChaCha8Rng) -> (bool, Vec<usize>) {
    let n = sym.adj.len();
    let k: Vec<f64> = (0..n).map(|v| sym.degree(v)).collect();
    let m2: f64 = k.iter().sum();
    let mut comm: Vec<usize> = (0..n).collect();
    if m2 == 0.0 {
        return (false, comm);
    }
    let mut tot = k.clone();
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(rng);
    let mut moved_any = false;
    // Weights from the current node to each neighbouring community; reset after each node.
    let mut link = vec![0.0; n];
    let mut touched: Vec<usize> = Vec::new();
    loop {
        let mut moved = false;
        for &v in &order {
            let cv = comm[v];
            for &(u, w) in &sym.adj[v] {
                if u != v {
                    let cu = comm[u];
                    if link[cu] == 0.0 {
                        touched.push(cu);
                    }
                    link[cu] += w;
                }
            }
            tot[cv] -= k[v];
            // Gain of joining c, up to a common factor: link(c) - resolution * tot(c) k_v / 2m.
            let gain = |c: usize, link: &[f64]| link[c] - resolution * tot[c] * k[v] / m2;
            let mut best = cv;
            let mut best_gain = gain(cv, &link);
            for &c in &touched {
                let gc = gain(c, &link);
                // Strictly better by a margin, so rounding cannot make nodes cycle.
                if gc > best_gain + 1e-12 * m2 {
                    best = c;
                    best_gain = gc;
                }
            }
            tot[best] += k[v];
            if best != cv {
                comm[v] = best;
                moved = true;
                moved_any = true;
            }
            for &c in &touched {
                link[c] = 0.0;
            }
            touched.clear();
        }
        if !moved {
            break;
        }
    }
    (moved_any, renumber(&comm))
}
