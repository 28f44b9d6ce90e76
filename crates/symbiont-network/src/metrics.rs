//! Node and graph metrics, and [`analyze`], which computes them all with the class.

use petgraph::visit::EdgeRef;
use rustworkx_core::centrality::{
    closeness_centrality, eigenvector_centrality, newman_weighted_closeness_centrality,
};
use rustworkx_core::connectivity::core_number;

use crate::class::{Classification, Thresholds, TwoWayBasis};
use crate::community::louvain;
use crate::{Digraph, NetworkError, PathLength, betweenness};

/// Below this node count rustworkx runs serially; its own suggested default.
const PARALLEL_THRESHOLD: usize = 50;

/// Choices that change the numbers; all are reported with the result.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricOptions {
    /// Use edge weights where a metric has a weighted form (strength-based metrics always do).
    pub weighted: bool,
    /// How weights become path lengths for betweenness and closeness when `weighted`.
    pub path_length: PathLength,
    /// PageRank damping factor.
    pub damping: f64,
    /// Louvain resolution (1 = classic modularity).
    pub resolution: f64,
    /// Seed of the Louvain visiting order.
    pub seed: u64,
    pub thresholds: Thresholds,
}

impl Default for MetricOptions {
    fn default() -> MetricOptions {
        MetricOptions {
            weighted: true,
            path_length: PathLength::InverseWeight,
            damping: 0.85,
            resolution: 1.0,
            seed: 0,
            thresholds: Thresholds::default(),
        }
    }
}

/// Metrics of one node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeMetrics {
    pub label: String,
    pub in_degree: usize,
    pub out_degree: usize,
    pub in_strength: f64,
    pub out_strength: f64,
    /// Normalized betweenness (by `(n-1)(n-2)`).
    pub betweenness: f64,
    /// Closeness over incoming paths, Wasserman-Faust scaled for unreachable nodes.
    pub closeness: f64,
    /// `None` when the power iteration did not converge (e.g. an acyclic one-way graph).
    pub eigenvector: Option<f64>,
    pub pagerank: f64,
    /// Local clustering of the undirected, unweighted projection.
    pub clustering: f64,
    pub community: usize,
    /// k-core number of the undirected projection.
    pub core_number: usize,
    /// In the core of the best-fitting core/periphery split (see [`core_periphery`]); when no
    /// split can be fitted, in the innermost k-core.
    pub core: bool,
}

/// Whole-graph metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphMetrics {
    pub nodes: usize,
    pub edges: usize,
    /// `m / (n (n-1))`.
    pub density: f64,
    /// Share of edges whose reverse edge also exists (networkx `reciprocity`).
    pub reciprocity: f64,
    /// Weighted two-way interaction index, see [`two_way_index`].
    pub two_way_index: f64,
    /// Cross-border flows between the `home` and `host` sides, when both sides are known.
    pub cross_border: Option<CrossBorder>,
    /// Herfindahl index of node throughput shares.
    pub herfindahl: f64,
    /// Gini coefficient of node throughput.
    pub gini: f64,
    /// Throughput centralization, see [`centralization`].
    pub centralization: f64,
    pub average_clustering: f64,
    /// Global clustering: 3 x triangles / connected triples.
    pub transitivity: f64,
    pub communities: usize,
    pub modularity: f64,
    /// Correlation of the best core/periphery split with the ideal pattern; `None` when no
    /// split can be fitted (a complete or edgeless undirected projection).
    pub core_periphery_fit: Option<f64>,
    pub core_size: usize,
    /// Whether eigenvector centrality converged.
    pub eigenvector_converged: bool,
}

/// What flows out from the home side to the host side, and what flows back (MODEL.md M11).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CrossBorder {
    pub outward: f64,
    pub backward: f64,
    /// `min(outward, backward) / max(outward, backward)`: 1 when balanced, 0 when one-way.
    pub balance: f64,
}

/// MODEL.md M11, computed exactly as `symbiont-abm` does for a run: for each factor layer
/// with cross-border flow, the balance `2 min(out, back) / (out + back)` of what goes from
/// home to host and what comes back; the index is their mean. Capital out and profit back are
/// different layers, so a one-way street of assets and income scores low.
#[derive(Debug, Clone, PartialEq)]
pub struct M11 {
    pub index: f64,
    /// `(layer, out, back, balance)` for each layer with cross-border flow.
    pub layers: Vec<(crate::Layer, f64, f64, f64)>,
}

/// Everything [`analyze`] computes.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub nodes: Vec<NodeMetrics>,
    pub graph: GraphMetrics,
    /// The M11 index, when the network's nodes have sides (set by [`crate::Network::analyze`]).
    pub m11: Option<M11>,
    pub class: Classification,
    pub options: MetricOptions,
}

/// Compute every metric and the structure class of `g`.
///
/// `sides[v]` is node `v`'s side (`home`, `host` or anything else); pass an empty slice when
/// sides are unknown. A graph with no edges is an error, not a table of zeros and NaNs.
pub fn analyze(
    g: &Digraph,
    sides: &[String],
    opts: &MetricOptions,
) -> Result<Report, NetworkError> {
    let n = g.node_count();
    if g.edge_count() == 0 {
        return Err(NetworkError::NoEdges { nodes: n });
    }
    if !(0.0..1.0).contains(&opts.damping) {
        return Err(NetworkError::BadOption {
            name: "damping",
            value: opts.damping,
            expected: "a number in [0, 1)",
        });
    }
    if !(opts.resolution > 0.0 && opts.resolution.is_finite()) {
        return Err(NetworkError::BadOption {
            name: "resolution",
            value: opts.resolution,
            expected: "a positive number",
        });
    }
    let length = if opts.weighted { opts.path_length } else { PathLength::Hops };
    let bc = betweenness(g, length, true);
    let close = closeness(g, length);
    let eig = eigenvector(g, opts.weighted);
    let pr = pagerank(g, opts.damping, opts.weighted);
    let (clust, transitivity) = clustering(g);
    let comm = louvain(g, opts.weighted, opts.resolution, opts.seed);
    let cores = core_numbers(g);
    let max_core = cores.iter().copied().max().unwrap_or(0);
    let cp = core_periphery(g);
    let in_core: Vec<bool> = match &cp {
        Some(cp) => cp.in_core.clone(),
        None => cores.iter().map(|&k| k == max_core).collect(),
    };
    let throughput = throughput(g);

    let nodes = (0..n)
        .map(|v| NodeMetrics {
            label: g.labels()[v].clone(),
            in_degree: g.in_degree(v),
            out_degree: g.out_degree(v),
            in_strength: g.in_edges(v).map(|e| e.1).sum(),
            out_strength: g.out_edges(v).map(|e| e.1).sum(),
            betweenness: bc[v],
            closeness: close[v],
            eigenvector: eig.as_ref().map(|e| e[v]),
            pagerank: pr[v],
            clustering: clust[v],
            community: comm.membership[v],
            core_number: cores[v],
            core: in_core[v],
        })
        .collect();
    let two_way = two_way_index(g);
    let central = centralization(g);
    let graph = GraphMetrics {
        nodes: n,
        edges: g.edge_count(),
        density: density(g),
        reciprocity: reciprocity(g),
        two_way_index: two_way,
        cross_border: cross_border(g, sides),
        herfindahl: herfindahl(&throughput),
        gini: gini(&throughput),
        centralization: central,
        average_clustering: clust.iter().sum::<f64>() / n as f64,
        transitivity,
        communities: comm.count,
        modularity: comm.modularity,
        core_periphery_fit: cp.as_ref().map(|c| c.fit),
        core_size: in_core.iter().filter(|&&c| c).count(),
        eigenvector_converged: eig.is_some(),
    };
    Ok(Report {
        nodes,
        graph,
        class: Classification::new(two_way, TwoWayBasis::Pairwise, central, opts.thresholds),
        m11: None,
        options: opts.clone(),
    })
}

/// `m / (n (n-1))`; 0 for fewer than two nodes.
pub fn density(g: &Digraph) -> f64 {
    let n = g.node_count() as f64;
    if n < 2.0 { 0.0 } else { g.edge_count() as f64 / (n * (n - 1.0)) }
}

/// Share of edges `u -> v` for which `v -> u` exists too; 0 without edges.
pub fn reciprocity(g: &Digraph) -> f64 {
    let m = g.edge_count();
    if m == 0 {
        return 0.0;
    }
    let both = g.edges().filter(|&(s, t, _)| g.weight(t, s).is_some()).count();
    both as f64 / m as f64
}

/// The weighted two-way interaction index (MODEL.md M11, for any pair of units):
/// `sum over edges u->v of min(w_uv, w_vu) / sum of w_uv` (Squartini et al. 2013's weighted
/// reciprocity). 1 when every flow is matched by an equal flow back, 0 when nothing comes
/// back; 0 without edges.
pub fn two_way_index(g: &Digraph) -> f64 {
    let total = g.total_weight();
    if total == 0.0 {
        return 0.0;
    }
    let matched: f64 = g.edges().map(|(s, t, w)| w.min(g.weight(t, s).unwrap_or(0.0))).sum();
    matched / total
}

fn cross_border(g: &Digraph, sides: &[String]) -> Option<CrossBorder> {
    if sides.len() != g.node_count() {
        return None;
    }
    let (mut outward, mut backward) = (0.0, 0.0);
    for (s, t, w) in g.edges() {
        match (sides[s].as_str(), sides[t].as_str()) {
            ("home", "host") => outward += w,
            ("host", "home") => backward += w,
            _ => {}
        }
    }
    let max = outward.max(backward);
    (max > 0.0).then(|| CrossBorder { outward, backward, balance: outward.min(backward) / max })
}

/// Node throughput: in-strength + out-strength.
pub fn throughput(g: &Digraph) -> Vec<f64> {
    (0..g.node_count()).map(|v| g.in_edges(v).chain(g.out_edges(v)).map(|e| e.1).sum()).collect()
}

/// Herfindahl index `sum (x_i / sum x)^2`; 0 when all values are 0.
pub fn herfindahl(x: &[f64]) -> f64 {
    let s: f64 = x.iter().sum();
    if s == 0.0 { 0.0 } else { x.iter().map(|v| (v / s).powi(2)).sum() }
}

/// Gini coefficient of non-negative values; 0 when all are 0 or there are none.
pub fn gini(x: &[f64]) -> f64 {
    let n = x.len();
    let s: f64 = x.iter().sum();
    if n == 0 || s == 0.0 {
        return 0.0;
    }
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    let weighted: f64 = v.iter().enumerate().map(|(i, x)| (i + 1) as f64 * x).sum();
    (2.0 * weighted) / (n as f64 * s) - (n as f64 + 1.0) / n as f64
}

/// Throughput centralization: Freeman's degree centralization with strengths,
/// `sum_i (s_max - s_i) / ((n-2) W) = (n s_max - 2W) / ((n-2) W)` where `s_i` is node
/// throughput and `W` the total edge weight. It is 1 exactly when one node touches every edge
/// (a star: the maximum, since `s_max <= W`), and 0 when all throughputs are equal. 0 for
/// fewer than three nodes or no weight, where no node can stand out.
pub fn centralization(g: &Digraph) -> f64 {
    let n = g.node_count();
    let w = g.total_weight();
    if n < 3 || w == 0.0 {
        return 0.0;
    }
    let s_max = throughput(g).into_iter().fold(0.0, f64::max);
    let c = (n as f64 * s_max - 2.0 * w) / ((n - 2) as f64 * w);
    // Equal throughputs give 0 up to rounding; show it as 0, not 7e-17.
    if c < 1e-12 { 0.0 } else { c.min(1.0) }
}

/// Closeness over incoming shortest paths (networkx's convention), with Wasserman-Faust
/// scaling; from rustworkx-core.
pub fn closeness(g: &Digraph, length: PathLength) -> Vec<f64> {
    let pg = g.to_petgraph();
    let c = match length {
        PathLength::Hops => closeness_centrality(&pg, true, PARALLEL_THRESHOLD),
        // rustworkx inverts what the weight function returns, so hand it 1/length.
        PathLength::InverseWeight => {
            newman_weighted_closeness_centrality(&pg, true, |e| *e.weight(), PARALLEL_THRESHOLD)
        }
        PathLength::Weight => newman_weighted_closeness_centrality(
            &pg,
            true,
            |e| 1.0 / *e.weight(),
            PARALLEL_THRESHOLD,
        ),
    };
    c.into_iter().map(|x| x.unwrap_or(0.0)).collect()
}

/// Eigenvector centrality (over in-edges, networkx's convention) from rustworkx-core;
/// `None` if the power iteration does not converge in 1000 steps to 1e-9 per node.
pub fn eigenvector(g: &Digraph, weighted: bool) -> Option<Vec<f64>> {
    let pg = g.to_petgraph();
    let r: Result<Option<Vec<f64>>, std::convert::Infallible> = eigenvector_centrality(
        &pg,
        |e| Ok(if weighted { *e.weight() } else { 1.0 }),
        Some(1000),
        Some(1e-9),
    );
    r.ok().flatten()
}

/// PageRank with weights, dangling nodes spread uniformly (networkx's `pagerank`).
///
/// petgraph's `page_rank` is unweighted and does `O(n^2)` work per iteration, so this
/// is our own power iteration: stop when the L1 change is below `n * 1e-12`, at most 1000
/// steps (with damping < 1 it contracts, so it always converges).
pub fn pagerank(g: &Digraph, damping: f64, weighted: bool) -> Vec<f64> {
    let n = g.node_count();
    if n == 0 {
        return Vec::new();
    }
    let nf = n as f64;
    let w = |x: f64| if weighted { x } else { 1.0 };
    let out_s: Vec<f64> = (0..n).map(|v| g.out_edges(v).map(|e| w(e.1)).sum()).collect();
    let mut x = vec![1.0 / nf; n];
    let mut next = vec![0.0; n];
    for _ in 0..1000 {
        let dangling: f64 = (0..n).filter(|&v| out_s[v] == 0.0).map(|v| x[v]).sum();
        let base = (damping * dangling + 1.0 - damping) / nf;
        next.iter_mut().for_each(|y| *y = base);
        for v in 0..n {
            if out_s[v] > 0.0 {
                let share = damping * x[v] / out_s[v];
                for (t, wt) in g.out_edges(v) {
                    next[t] += share * w(wt);
                }
            }
        }
        let err: f64 = x.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut x, &mut next);
        if err < nf * 1e-12 {
            break;
        }
    }
    x
}

/// Local clustering of every node and the transitivity, on the undirected, unweighted
/// projection (networkx `clustering` and `transitivity` of `G.to_undirected()`).
pub fn clustering(g: &Digraph) -> (Vec<f64>, f64) {
    let nb = g.undirected_neighbours();
    let mut triangles_total = 0.0;
    let mut triples_total = 0.0;
    let local = (0..g.node_count())
        .map(|v| {
            let row = &nb[v];
            let k = row.len() as f64;
            // Each triangle at v is found twice, once from each of its other two corners.
            let mut t = 0usize;
            for &u in row {
                t += sorted_intersection(row, &nb[u as usize]);
            }
            let triangles = t as f64 / 2.0;
            let triples = k * (k - 1.0) / 2.0;
            triangles_total += triangles;
            triples_total += triples;
            if triples > 0.0 { triangles / triples } else { 0.0 }
        })
        .collect();
    let transitivity = if triples_total > 0.0 { triangles_total / triples_total } else { 0.0 };
    (local, transitivity)
}

fn sorted_intersection(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut c) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                c += 1;
                i += 1;
                j += 1;
            }
        }
    }
    c
}

/// k-core number of each node of the undirected projection, from rustworkx-core.
pub fn core_numbers(g: &Digraph) -> Vec<usize> {
    let pg = g.to_petgraph();
    let map = core_number(pg);
    (0..g.node_count())
        .map(|v| map.get(&petgraph::graph::NodeIndex::new(v)).copied().unwrap_or(0))
        .collect()
}

/// The best core/periphery split found by [`core_periphery`].
#[derive(Debug, Clone, PartialEq)]
pub struct CorePeriphery {
    pub in_core: Vec<bool>,
    /// Pearson correlation between the adjacency and the ideal pattern, in [-1, 1].
    pub fit: f64,
}

/// Core/periphery split of the undirected, unweighted projection (Borgatti and Everett 2000,
/// discrete model with core-periphery ties expected): the ideal pattern has a tie wherever a
/// pair touches the core, none inside the periphery. Cores made of the `k` nodes of highest
/// degree (ties by index) are tried for every `k` in `1..n`, and the one whose pattern
/// correlates best with the observed ties is kept. Each step updates the pair sums in `O(n)`,
/// so the search is `O(n^2)`. A star fits perfectly with its centre as the core. `None` when
/// the correlation is undefined (no ties, or every pair tied).
pub fn core_periphery(g: &Digraph) -> Option<CorePeriphery> {
    let n = g.node_count();
    if n < 2 {
        return None;
    }
    let nb = g.undirected_neighbours();
    let pairs = (n * (n - 1) / 2) as f64;
    let ties = nb.iter().map(Vec::len).sum::<usize>() as f64 / 2.0;
    if ties == 0.0 || ties == pairs {
        return None;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| nb[b].len().cmp(&nb[a].len()).then(a.cmp(&b)));
    let mut in_core = vec![false; n];
    // sd: pairs touching the core (ideal ties); sad: observed ties among them.
    let (mut sd, mut sad) = (0.0, 0.0);
    let mut best: Option<(f64, usize)> = None;
    for (c, &v) in order.iter().enumerate().take(n - 1) {
        sd += (n - c - 1) as f64;
        sad += nb[v].iter().filter(|&&u| !in_core[u as usize]).count() as f64;
        in_core[v] = true;
        let den = ((pairs * ties - ties * ties) * (pairs * sd - sd * sd)).sqrt();
        if den > 0.0 {
            let r = (pairs * sad - ties * sd) / den;
            if best.is_none_or(|(b, _)| r > b + 1e-12) {
                best = Some((r, c + 1));
            }
        }
    }
    let (fit, k) = best?;
    let mut in_core = vec![false; n];
    for &v in &order[..k] {
        in_core[v] = true;
    }
    Some(CorePeriphery { in_core, fit })
}
