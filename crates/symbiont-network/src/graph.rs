//! The network as built from relations or flows ([`Network`]: labelled nodes, layered and
//! possibly per-period edges) and its projection to one simple weighted digraph ([`Digraph`])
//! that every metric works on.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use crate::NetworkError;

/// One layer of the multiplex network: a factor that flows (MODEL.md M11), or a declared relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    Capital,
    Technology,
    Talent,
    Information,
    Goods,
    Profit,
    /// A relation declared in a scenario, with no factor named.
    Relation,
}

impl Layer {
    /// The six factors of MODEL.md M11, in their canonical order.
    pub const FACTORS: [Layer; 6] = [
        Layer::Capital,
        Layer::Technology,
        Layer::Talent,
        Layer::Information,
        Layer::Goods,
        Layer::Profit,
    ];

    /// The factors that measure interaction. Profit is left out because repatriated income is
    /// exactly what a "one-way street" sends home: counting it as a return flow would make the
    /// one-way street look two-way.
    pub const INTERACTION: [Layer; 5] =
        [Layer::Capital, Layer::Technology, Layer::Talent, Layer::Information, Layer::Goods];

    /// The lowercase name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Capital => "capital",
            Layer::Technology => "technology",
            Layer::Talent => "talent",
            Layer::Information => "information",
            Layer::Goods => "goods",
            Layer::Profit => "profit",
            Layer::Relation => "relation",
        }
    }

    /// The unit a value in this layer is measured in.
    pub fn unit(self) -> &'static str {
        match self {
            Layer::Capital | Layer::Goods | Layer::Profit => "US$",
            Layer::Technology => "packages",
            Layer::Talent => "persons",
            Layer::Information => "units",
            Layer::Relation => "weight",
        }
    }

    /// Parse a layer name (case-insensitive, surrounding blanks ignored).
    pub fn parse(s: &str) -> Option<Layer> {
        let s = s.trim().to_ascii_lowercase();
        [Layer::Relation].into_iter().chain(Layer::FACTORS).find(|l| l.name() == s)
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A unit of the network: a label plus the kind and side used as Gephi attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub label: String,
    /// The unit kind, e.g. `enterprise`, `finance`, `government`.
    pub kind: String,
    /// The side, e.g. `home` or `host`; empty when unknown.
    pub side: String,
}

impl Node {
    /// A node from a flow label of the form `side:kind` (`home:enterprise`). A label with no
    /// colon has no side and is its own kind.
    pub fn from_label(label: &str) -> Node {
        match label.split_once(':') {
            Some((side, kind)) => {
                Node { label: label.to_string(), kind: kind.to_string(), side: side.to_string() }
            }
            None => Node { label: label.to_string(), kind: label.to_string(), side: String::new() },
        }
    }
}

/// One directed, weighted edge of one layer, in one period or aggregated over all periods.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub source: usize,
    pub target: usize,
    pub layer: Layer,
    /// `None` when the edge is an aggregate over periods (or a declared relation).
    pub period: Option<u32>,
    pub weight: f64,
}

/// A layered (multiplex), optionally per-period, directed network with labelled nodes.
///
/// Nodes are added once by label; edges refer to them by index. Build it with
/// [`Network::add_node`] and [`Network::add_edge`], from flows with
/// [`crate::FlowTable::network`], then [`Network::project`] it to a [`Digraph`] for metrics.
#[derive(Debug, Clone, Default)]
pub struct Network {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    index: HashMap<String, usize>,
}

impl Network {
    pub fn new() -> Network {
        Network::default()
    }

    /// Add a node, or return the index of the node that already has this label.
    pub fn add_node(&mut self, node: Node) -> usize {
        if let Some(&i) = self.index.get(&node.label) {
            return i;
        }
        let i = self.nodes.len();
        self.index.insert(node.label.clone(), i);
        self.nodes.push(node);
        i
    }

    /// The index of the node with this label.
    pub fn node_index(&self, label: &str) -> Option<usize> {
        self.index.get(label).copied()
    }

    /// Add an edge between two existing nodes. Weights must be finite and not negative.
    pub fn add_edge(&mut self, edge: Edge) -> Result<(), NetworkError> {
        let n = self.nodes.len();
        if edge.source >= n || edge.target >= n {
            return Err(NetworkError::UnknownNode {
                index: edge.source.max(edge.target),
                nodes: n,
            });
        }
        if !edge.weight.is_finite() || edge.weight < 0.0 {
            return Err(NetworkError::BadWeight {
                source_label: self.nodes[edge.source].label.clone(),
                target_label: self.nodes[edge.target].label.clone(),
                weight: edge.weight,
            });
        }
        self.edges.push(edge);
        Ok(())
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The layers that carry at least one edge, in canonical order.
    pub fn layers(&self) -> Vec<Layer> {
        self.edges.iter().map(|e| e.layer).collect::<BTreeSet<_>>().into_iter().collect()
    }

    /// The periods that carry at least one edge, ascending (empty for an aggregate network).
    pub fn periods(&self) -> Vec<u32> {
        self.edges.iter().filter_map(|e| e.period).collect::<BTreeSet<_>>().into_iter().collect()
    }

    /// MODEL.md M11 over the selected layers and periods (see [`crate::M11`]); `None` when no
    /// flow crosses between a `home` and a `host` node.
    pub fn m11(&self, p: &Projection) -> Option<crate::M11> {
        let mut by_layer: BTreeMap<Layer, (f64, f64)> = BTreeMap::new();
        for e in &self.edges {
            let keep = (p.layers.is_empty() || p.layers.contains(&e.layer))
                && (p.period.is_none() || e.period == p.period);
            if !keep {
                continue;
            }
            let (s, t) = (self.nodes[e.source].side.as_str(), self.nodes[e.target].side.as_str());
            let slot = by_layer.entry(e.layer).or_default();
            match (s, t) {
                ("home", "host") => slot.0 += e.weight,
                ("host", "home") => slot.1 += e.weight,
                _ => {}
            }
        }
        let layers: Vec<(Layer, f64, f64, f64)> = by_layer
            .into_iter()
            .filter(|(_, (o, b))| o + b > 0.0)
            .map(|(l, (o, b))| (l, o, b, 2.0 * o.min(b) / (o + b)))
            .collect();
        if layers.is_empty() {
            return None;
        }
        let index = layers.iter().map(|l| l.3).sum::<f64>() / layers.len() as f64;
        Some(crate::M11 { index, layers })
    }

    /// Collapse the selected layers and periods into one simple weighted digraph.
    ///
    /// Parallel edges are summed, self-loops and zero weights dropped. With
    /// [`LayerScale::ShareOfLayer`] every layer's weights are first divided by that layer's
    /// total, so that layers measured in different units (US$, persons, packages) each count
    /// equally; with [`LayerScale::Raw`] weights are summed as they are.
    pub fn project(&self, p: &Projection) -> Digraph {
        let keep = |e: &Edge| {
            (p.layers.is_empty() || p.layers.contains(&e.layer))
                && (p.period.is_none() || e.period == p.period)
        };
        let mut totals: BTreeMap<Layer, f64> = BTreeMap::new();
        for e in self.edges.iter().filter(|e| keep(e)) {
            *totals.entry(e.layer).or_default() += e.weight;
        }
        let triples = self.edges.iter().filter(|e| keep(e)).map(|e| {
            let scale = match p.scale {
                LayerScale::Raw => 1.0,
                LayerScale::ShareOfLayer => 1.0 / totals[&e.layer],
            };
            (e.source, e.target, e.weight * scale)
        });
        Digraph::from_weighted_edges(self.nodes.iter().map(|n| n.label.clone()).collect(), triples)
    }
}

/// How layers measured in different units are combined by [`Network::project`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LayerScale {
    /// Sum the weights as they are (right for one layer, or layers in one unit).
    Raw,
    /// Divide each layer by its total first, so each selected layer counts equally.
    #[default]
    ShareOfLayer,
}

/// Which part of a [`Network`] to analyse.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Projection {
    /// The layers to keep; empty keeps all.
    pub layers: Vec<Layer>,
    /// The one period to keep; `None` keeps every edge, so per-period edges are summed over
    /// the periods.
    pub period: Option<u32>,
    pub scale: LayerScale,
}

/// A simple directed graph with positive weights in compressed sparse row form, both ways.
///
/// Node `i` is the `i`-th label. Out-neighbours and in-neighbours of each node are sorted, so
/// [`Digraph::weight`] is a binary search. Every metric in this crate takes a `Digraph`.
#[derive(Debug, Clone)]
pub struct Digraph {
    labels: Vec<String>,
    out_start: Vec<usize>,
    out_to: Vec<u32>,
    out_w: Vec<f64>,
    in_start: Vec<usize>,
    in_from: Vec<u32>,
    in_w: Vec<f64>,
}

impl Digraph {
    /// Build from `(source, target, weight)` triples over `labels.len()` nodes. Parallel edges
    /// are summed; self-loops, zero and non-finite or negative weights are dropped (a
    /// [`Network`] has checked its weights already; this keeps the type's invariant).
    ///
    /// # Panics
    /// If a triple names a node index `>= labels.len()`: that is a caller bug, not input.
    pub fn from_weighted_edges(
        labels: Vec<String>,
        edges: impl IntoIterator<Item = (usize, usize, f64)>,
    ) -> Digraph {
        let n = labels.len();
        let mut sum: BTreeMap<(u32, u32), f64> = BTreeMap::new();
        for (s, t, w) in edges {
            assert!(s < n && t < n, "edge ({s}, {t}) outside {n} nodes");
            if s != t && w.is_finite() && w > 0.0 {
                *sum.entry((s as u32, t as u32)).or_default() += w;
            }
        }
        let mut out_start = vec![0usize; n + 1];
        let mut in_start = vec![0usize; n + 1];
        for &(s, t) in sum.keys() {
            out_start[s as usize + 1] += 1;
            in_start[t as usize + 1] += 1;
        }
        for i in 0..n {
            out_start[i + 1] += out_start[i];
            in_start[i + 1] += in_start[i];
        }
        let m = sum.len();
        let (mut out_to, mut out_w) = (vec![0u32; m], vec![0.0; m]);
        let (mut in_from, mut in_w) = (vec![0u32; m], vec![0.0; m]);
        let mut out_fill = out_start.clone();
        let mut in_fill = in_start.clone();
        // BTreeMap order is (source, target) ascending, so both CSR rows come out sorted.
        for (&(s, t), &w) in &sum {
            let k = out_fill[s as usize];
            out_to[k] = t;
            out_w[k] = w;
            out_fill[s as usize] += 1;
            let k = in_fill[t as usize];
            in_from[k] = s;
            in_w[k] = w;
            in_fill[t as usize] += 1;
        }
        Digraph { labels, out_start, out_to, out_w, in_start, in_from, in_w }
    }

    /// Build an unweighted graph (every weight 1) from index pairs.
    pub fn from_pairs(n: usize, pairs: impl IntoIterator<Item = (usize, usize)>) -> Digraph {
        let labels = (0..n).map(|i| i.to_string()).collect();
        Digraph::from_weighted_edges(labels, pairs.into_iter().map(|(s, t)| (s, t, 1.0)))
    }

    pub fn node_count(&self) -> usize {
        self.labels.len()
    }

    pub fn edge_count(&self) -> usize {
        self.out_to.len()
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Out-neighbours of `v` with the edge weights, sorted by neighbour.
    pub fn out_edges(&self, v: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.out_start[v]..self.out_start[v + 1];
        self.out_to[r.clone()].iter().map(|&t| t as usize).zip(self.out_w[r].iter().copied())
    }

    /// In-neighbours of `v` with the edge weights, sorted by neighbour.
    pub fn in_edges(&self, v: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.in_start[v]..self.in_start[v + 1];
        self.in_from[r.clone()].iter().map(|&s| s as usize).zip(self.in_w[r].iter().copied())
    }

    pub fn out_degree(&self, v: usize) -> usize {
        self.out_start[v + 1] - self.out_start[v]
    }

    pub fn in_degree(&self, v: usize) -> usize {
        self.in_start[v + 1] - self.in_start[v]
    }

    /// The weight of edge `s -> t`, if there is one.
    pub fn weight(&self, s: usize, t: usize) -> Option<f64> {
        let r = self.out_start[s]..self.out_start[s + 1];
        let row = &self.out_to[r.clone()];
        row.binary_search(&(t as u32)).ok().map(|k| self.out_w[r.start + k])
    }

    /// All edges as `(source, target, weight)`, sorted.
    pub fn edges(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        (0..self.node_count()).flat_map(move |s| self.out_edges(s).map(move |(t, w)| (s, t, w)))
    }

    /// Total weight of all edges.
    pub fn total_weight(&self) -> f64 {
        self.out_w.iter().sum()
    }

    /// Raw CSR arrays for the hot loops in this crate.
    pub(crate) fn out_csr(&self) -> (&[usize], &[u32], &[f64]) {
        (&self.out_start, &self.out_to, &self.out_w)
    }

    /// The same graph as a petgraph `DiGraph`, for the algorithms taken from rustworkx-core.
    pub fn to_petgraph(&self) -> petgraph::graph::DiGraph<(), f64> {
        let mut g = petgraph::graph::DiGraph::with_capacity(self.node_count(), self.edge_count());
        for _ in 0..self.node_count() {
            g.add_node(());
        }
        for (s, t, w) in self.edges() {
            g.add_edge((s as u32).into(), (t as u32).into(), w);
        }
        g
    }

    /// Undirected simple neighbour sets (either direction), sorted, for clustering and cores.
    pub(crate) fn undirected_neighbours(&self) -> Vec<Vec<u32>> {
        (0..self.node_count())
            .map(|v| {
                let mut nb: Vec<u32> =
                    self.out_edges(v).chain(self.in_edges(v)).map(|(u, _)| u as u32).collect();
                nb.sort_unstable();
                nb.dedup();
                nb
            })
            .collect()
    }
}
